// An install's progress bar that a screen reader speaks in words ("Installing, 41%"), not "0.41".
import type { HostInstall } from '../../electron/shared/contract.js';
import { progressValueText } from './install-words.js';

export function StageProgress({
  install,
  label,
  className,
}: {
  install: Pick<HostInstall, 'stage' | 'progress'>;
  label: string;
  className?: string;
}) {
  return <progress className={className} max={1} value={install.progress} aria-label={label} aria-valuetext={progressValueText(install)} />;
}
