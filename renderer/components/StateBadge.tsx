import type { HostState } from '../../electron/shared/contract.js';

const LABELS: Readonly<Record<HostState, string>> = {
  discovered: 'Discovered',
  queued: 'Queued',
  booting: 'Booting',
  installing: 'Installing',
  installed: 'Installed',
  failed: 'Failed',
};

export function StateBadge({ state, title }: { state: HostState; title?: string | undefined }) {
  return (
    <span className={`badge badge-${state}`} data-state={state} title={title}>
      {LABELS[state]}
    </span>
  );
}
