// The install state machine (ARCHITECTURE.md ★ Host states), pure: an install record and an
// observation in, the next record out. Transitions are driven by what the host fetches and reports;
// every stage has a deadline, and a stage that runs out fails the install with a reason that says
// where it stopped. Time comes in with each call, so tests drive it with a fake clock.
//
//   queued ──kernel fetched──▶ booting ──answer file / report start / log line──▶ installing
//      │                          │                                                  │
//      └── report start/log ──────┴──────────────────────────────────────────────────┴─report installed─▶ installed
//   any unfinished stage ── timeout · installer error · cancel ──▶ failed (code + reason)
//
// A cancelled install ends `failed` (code `cancelled`: the install's result and its timeline say
// so), but its host goes back to the state it had before it was queued (`priorState`), so that an
// installed host keeps booting its disk (★ Host states).
import type { Host, HostInstall, HostState, InstallFailure, InstallStage } from '../../shared/contract.js';

export type Observation =
  | { type: 'kernel-fetched'; via: string }
  | { type: 'initrd-fetched'; via: string }
  | { type: 'answer-fetched' }
  /** A PXE boot of the host while its install is under way (the installer script is served again). */
  | { type: 'pxe-boot' }
  | { type: 'report'; event: 'start' | 'installed' | 'failed'; message?: string }
  /** A syslog line, a log POST or an installer webhook event from the host. */
  | { type: 'activity'; summary: string }
  /** Bootbench itself can no longer boot the host's installer. */
  /** …or the host's firmware refused both boot chains (boot/chain-auto.ts). */
  | { type: 'unbootable'; code: 'distro-removed' | 'installer-unavailable' | 'boot-refused'; message: string }
  | { type: 'cancel' }
  | { type: 'tick' };

export interface StageLimits {
  /** Queued: the host has not fetched its installer yet (powered off, not set to network boot). */
  queuedMs: number;
  /** Booting: kernel fetched, but the installer has not asked for its answer file. */
  bootingMs: number;
  /** Installing: no sign of life (fetch, log line, report) for this long. */
  installingIdleMs: number;
  /** Installing: the whole install, however chatty. */
  installingMaxMs: number;
  /** Installer boots of one install before it is given up (a host that reboots into the installer again and again). */
  maxBoots: number;
  /** Installed: no first boot reported for this long after `installed` → a warning (the install is not failed). */
  firstBootMs: number;
}

export const DEFAULT_LIMITS: StageLimits = {
  queuedMs: 60 * 60_000,
  bootingMs: 15 * 60_000,
  installingIdleMs: 30 * 60_000,
  installingMaxMs: 4 * 60 * 60_000,
  maxBoots: 3,
  firstBootMs: 30 * 60_000,
};

/** The record plus what the machine needs to remember between observations. */
export interface InstallRun extends HostInstall {
  boots: number;
  lastActivityAt: string;
}

export interface Step {
  run: InstallRun;
  /** Whether the stage or anything shown changed (the caller saves and announces it). */
  changed: boolean;
  /** A line for the host's timeline, when the step is worth one. */
  note: { level: 'info' | 'warn' | 'error'; message: string } | null;
}

const PROGRESS: Record<InstallStage, number> = { queued: 0.05, booting: 0.2, installing: 0.4, installed: 1, failed: 0 };
const FINISHED: ReadonlySet<InstallStage> = new Set<InstallStage>(['installed', 'failed']);

export function isFinished(stage: InstallStage): boolean {
  return FINISHED.has(stage);
}

/** A host's state before an install was queued on it: what Cancel gives back. */
export interface PriorState {
  state: Extract<HostState, 'discovered' | 'installed' | 'failed'>;
  /** The earlier failure, when the host had failed. */
  failure: InstallFailure | null;
  /** The host name it had (from an earlier install), absent in records kept before it was. */
  hostname?: string | null;
  /** Its confirmed first boot (from an earlier install), absent in records kept before it was. */
  firstBoot?: string | null;
}

/**
 * What Cancel will give back to `host` if an install is queued on it now. A host whose install is
 * already under way is requeued: `underWay` is the prior state of that install, kept.
 */
export function priorStateOf(
  host: Pick<Host, 'state' | 'failureCode' | 'failureReason' | 'hostname' | 'firstBoot'>,
  underWay: PriorState | null,
): PriorState {
  const hostname = host.hostname ?? null;
  switch (host.state) {
    case 'installed':
      return { state: host.state, failure: null, hostname, firstBoot: host.firstBoot ?? null };
    case 'discovered':
      return { state: host.state, failure: null, hostname };
    case 'failed':
      return {
        state: 'failed',
        failure: host.failureCode ? { code: host.failureCode, message: host.failureReason ?? '' } : null,
        hostname,
      };
    default:
      return underWay ?? { state: 'discovered', failure: null, hostname };
  }
}

/**
 * The state and failure a run gives its host: a cancelled run gives back the state before it was
 * queued (when known: installs stored before this rule have none and stay `failed`); any other run
 * shows its own stage and failure.
 */
export function hostViewOf(
  run: HostInstall,
  prior: PriorState | null | undefined,
): { state: HostState; failure: InstallFailure | null; restored: boolean } {
  if (run.stage === 'failed' && run.failure?.code === 'cancelled' && prior)
    return { state: prior.state, failure: prior.failure, restored: true };
  return { state: run.stage, failure: run.stage === 'failed' ? run.failure : null, restored: false };
}

export function newRun(
  input: Pick<HostInstall, 'id' | 'distro' | 'template' | 'settings'>,
  now: Date,
  limits: StageLimits = DEFAULT_LIMITS,
): InstallRun {
  const at = now.toISOString();
  return {
    ...input,
    stage: 'queued',
    queuedAt: at,
    stageSince: at,
    lastStep: 'queued',
    lastStepAt: at,
    deadline: new Date(now.getTime() + limits.queuedMs).toISOString(),
    progress: PROGRESS.queued,
    finishedAt: null,
    failure: null,
    boots: 0,
    lastActivityAt: at,
  };
}

/** The next state of `run` after `obs` at time `now`. Finished runs ignore everything. */
export function advance(run: InstallRun, obs: Observation, now: Date, limits: StageLimits = DEFAULT_LIMITS): Step {
  if (isFinished(run.stage)) return { run, changed: false, note: null };
  const at = now.toISOString();
  const same: Step = { run, changed: false, note: null };

  switch (obs.type) {
    case 'tick':
      return checkDeadline(run, now, limits);
    case 'cancel':
      return fail(run, now, { code: 'cancelled', message: 'cancelled' });
    case 'kernel-fetched': {
      const boots = run.boots + 1;
      if (run.stage !== 'queued' && boots > limits.maxBoots) {
        return fail(run, now, {
          code: 'boot-loop',
          message: `the host started the installer ${boots} times without reporting "installed": it may be rebooting into the network boot again after a failed install (see the host's console)`,
        });
      }
      const next = run.stage === 'queued' ? to(run, 'booting', now, limits) : run;
      const step = stepped({ ...next, boots }, at, `kernel fetched (${obs.via})`, limits);
      const again = run.stage !== 'queued';
      return {
        run: step,
        changed: true,
        note: {
          level: again ? 'warn' : 'info',
          message: again
            ? `installer kernel fetched again (boot ${boots}): the host restarted the installer`
            : `installer kernel fetched (${obs.via}): booting`,
        },
      };
    }
    case 'initrd-fetched':
      return { run: stepped(run, at, `initrd fetched (${obs.via})`, limits), changed: true, note: null };
    case 'pxe-boot':
      return same;
    case 'unbootable':
      return fail(run, now, { code: obs.code, message: obs.message });
    case 'answer-fetched': {
      const next = run.stage === 'queued' || run.stage === 'booting' ? to(run, 'installing', now, limits) : run;
      return {
        run: stepped(next, at, 'answer file fetched', limits),
        changed: true,
        note: { level: 'info', message: 'answer file fetched: installing' },
      };
    }
    case 'activity': {
      const next = run.stage === 'queued' || run.stage === 'booting' ? to(run, 'installing', now, limits) : run;
      const moved = next.stage !== run.stage;
      return {
        run: stepped(next, at, obs.summary, limits),
        changed: true,
        note: moved ? { level: 'info', message: `installer activity (${obs.summary}): installing` } : null,
      };
    }
    case 'report':
      if (obs.event === 'installed') {
        const done: InstallRun = {
          ...stepped(run, at, 'reported installed', limits),
          stage: 'installed',
          stageSince: at,
          deadline: null,
          progress: 1,
          finishedAt: at,
        };
        return {
          run: done,
          changed: true,
          note: { level: 'info', message: `installed${obs.message ? `: ${obs.message}` : ''}; the next network boot boots the local disk` },
        };
      }
      if (obs.event === 'failed')
        return fail(run, now, {
          code: 'installer-error',
          message: `the installer reported a failure${obs.message ? `: ${obs.message}` : ''}`,
        });
      {
        const next = run.stage === 'queued' || run.stage === 'booting' ? to(run, 'installing', now, limits) : run;
        return {
          run: stepped(next, at, 'installer started', limits),
          changed: true,
          note: { level: 'info', message: `installer reported start${obs.message ? `: ${obs.message}` : ''}` },
        };
      }
  }
}

function to(run: InstallRun, stage: InstallStage, now: Date, limits: StageLimits): InstallRun {
  const at = now.toISOString();
  const deadline =
    stage === 'booting'
      ? now.getTime() + limits.bootingMs
      : stage === 'installing'
        ? Math.min(now.getTime() + limits.installingIdleMs, Date.parse(run.queuedAt) + limits.installingMaxMs)
        : null;
  return {
    ...run,
    stage,
    stageSince: at,
    deadline: deadline === null ? null : new Date(deadline).toISOString(),
    progress: Math.max(run.progress, PROGRESS[stage]),
  };
}

/** Records a step; in `installing` each sign of life pushes the idle deadline and nudges progress. */
function stepped(run: InstallRun, at: string, what: string, limits: StageLimits): InstallRun {
  const next = { ...run, lastStep: what, lastStepAt: at, lastActivityAt: at };
  if (run.stage === 'installing') {
    // The idle deadline moves with activity, never past the whole-install cap.
    const cap = Date.parse(run.queuedAt) + limits.installingMaxMs;
    next.deadline = new Date(Math.min(Date.parse(at) + limits.installingIdleMs, cap)).toISOString();
    // Asymptotic: each step closes 2% of the distance to 0.95; only the report makes it 1.
    next.progress = Math.min(0.95, run.progress + (0.95 - run.progress) * 0.02);
  }
  return next;
}

function checkDeadline(run: InstallRun, now: Date, limits: StageLimits): Step {
  if (!run.deadline || now.getTime() < Date.parse(run.deadline)) return { run, changed: false, note: null };
  return fail(run, now, timeoutFailure(run, now, limits));
}

/** Where the install stopped, as a code and in words a technician can act on. */
export function timeoutFailure(run: InstallRun, now: Date, limits: StageLimits = DEFAULT_LIMITS): InstallFailure {
  const ago = (iso: string) => minutes(now.getTime() - Date.parse(iso));
  switch (run.stage) {
    case 'queued':
      return {
        code: 'timeout-queued',
        message: `timed out: queued ${ago(run.queuedAt)} ago and the host never fetched its installer: is it powered on and set to boot from the network first?`,
      };
    case 'booting':
      return {
        code: 'timeout-booting',
        message: `timed out: kernel fetched ${ago(run.stageSince)} ago, answer file never requested: the installer may lack a driver for this NIC, or could not get an address`,
      };
    case 'installing':
      if (now.getTime() - Date.parse(run.queuedAt) >= limits.installingMaxMs) {
        return {
          code: 'timeout-install-total',
          message: `timed out: installing for ${ago(run.stageSince)} without reporting "installed" (last step: ${run.lastStep ?? 'none'})`,
        };
      }
      return {
        code: 'timeout-installing',
        message: `timed out: no sign of the installer for ${ago(run.lastActivityAt)} (last step: ${run.lastStep ?? 'none'}, ${ago(run.lastStepAt ?? run.stageSince)} ago): it may be waiting at a question on its console`,
      };
    default:
      // A finished run has no deadline; advance() never asks.
      throw new Error(`no deadline in stage ${run.stage}`);
  }
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 1 ? `${m} min` : `${Math.round(ms / 1000)} s`;
}

/** The failure ends the run; its last step stays what the host last did (the failure says why it stopped). */
function fail(run: InstallRun, now: Date, failure: InstallFailure): Step {
  const at = now.toISOString();
  const failed: InstallRun = { ...run, stage: 'failed', stageSince: at, deadline: null, finishedAt: at, failure };
  const cancelled = failure.code === 'cancelled';
  return {
    run: failed,
    changed: true,
    note: { level: cancelled ? 'warn' : 'error', message: cancelled ? 'install cancelled' : `install failed: ${failure.message}` },
  };
}
