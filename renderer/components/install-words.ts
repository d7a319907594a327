// An install's progress in words, for people and screen readers: the stage, how long it has run,
// and when a stall will fail it (the deadline is the server's, from the host's install record).
import type { HostInstall, InstallStage } from '../../electron/shared/contract.js';
import { formatDuration, formatTime } from './format.js';

const STAGE_WORDS: Readonly<Record<InstallStage, string>> = {
  queued: 'Waiting for the machine to boot from the network',
  booting: 'Installer booting',
  installing: 'Installing',
  installed: 'Installed',
  failed: 'Failed',
};

/** What the deadline of each unfinished stage waits for: it fails the install when it passes without it. */
const STALL_WORDS: Readonly<Partial<Record<InstallStage, string>>> = {
  queued: 'if the machine has not started the installer by then',
  booting: 'if the installer has not asked for its answer file by then',
  installing: 'if the installer stays silent until then (each sign of life moves it later)',
};

export function stageWords(stage: InstallStage): string {
  return STAGE_WORDS[stage];
}

export function percent(progress: number): number {
  return Math.round(Math.min(1, Math.max(0, progress)) * 100);
}

/** The progress bar's aria-valuetext: "Installing, 41%" (not "0.41"). */
export function progressValueText(install: Pick<HostInstall, 'stage' | 'progress'>): string {
  return `${stageWords(install.stage)}, ${percent(install.progress)}%`;
}

/** "3 min 12 s elapsed", with the stage's own time when it is not the first stage. */
export function elapsedWords(install: Pick<HostInstall, 'stage' | 'queuedAt' | 'stageSince' | 'finishedAt'>, now: number): string {
  const end = install.finishedAt ? Date.parse(install.finishedAt) : now;
  const total = formatDuration(end - Date.parse(install.queuedAt));
  if (install.stage === 'queued' || install.finishedAt) return `${total} elapsed`;
  return `${total} elapsed (${formatDuration(end - Date.parse(install.stageSince))} in this stage)`;
}

/** "Fails at 15:02 (in 29 min) if …", "Time limit reached: failing now", or null when there is no deadline. */
export function deadlineWords(install: Pick<HostInstall, 'stage' | 'deadline'>, now: number): string | null {
  const why = STALL_WORDS[install.stage];
  if (!install.deadline || !why) return null;
  const left = Date.parse(install.deadline) - now;
  if (Number.isNaN(left)) return null;
  if (left <= 0) return 'Time limit reached: the install is being failed now.';
  return `Fails at ${formatTime(install.deadline)} (in ${formatDuration(left)}) ${why}.`;
}
