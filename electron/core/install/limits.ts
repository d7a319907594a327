// Stage time limits of installs (and how long after `installed` a first boot is expected): the defaults with the user's overrides (`--install-timeouts`), and
// how often deadlines are checked, which must be finer than the shortest limit.
import { DEFAULT_LIMITS, type StageLimits } from './state-machine.js';

/** Milliseconds per stage, as the user may set them; absent stages keep their defaults. */
export type StageTimeouts = Partial<Record<'queued' | 'booting' | 'installing' | 'firstboot', number>>;

export function stageLimits(timeouts: StageTimeouts = {}): StageLimits {
  return {
    ...DEFAULT_LIMITS,
    ...(timeouts.queued ? { queuedMs: timeouts.queued } : {}),
    ...(timeouts.booting ? { bootingMs: timeouts.booting } : {}),
    ...(timeouts.installing ? { installingIdleMs: timeouts.installing } : {}),
    ...(timeouts.firstboot ? { firstBootMs: timeouts.firstboot } : {}),
  };
}

/** Every 5 s, or a quarter of the shortest stage limit when that is shorter (tests), at least 250 ms. */
export function deadlineTickMs(limits: StageLimits): number {
  const shortest = Math.min(limits.queuedMs, limits.bootingMs, limits.installingIdleMs, limits.firstBootMs);
  return Math.min(5000, Math.max(250, Math.floor(shortest / 4)));
}
