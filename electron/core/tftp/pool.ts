// A small pool of worker threads that run TFTP transfers, so that transfers use every core and
// leave the main thread to DHCP, HTTP and the UI. On Linux the workers are lanes (lane.ts: direct
// system calls, about half the CPU per block of a libuv socket, measured in docs/design/tftp.md);
// elsewhere the portable worker (worker.ts). Workers start with the server (warm), the least-loaded one
// of those that have loaded gets the next transfer (none has: the server serves it itself), they are unref'd (they never keep the process alive) and stopped on stop().
// A worker that dies ends its transfers as failed.
//
// The worker's code is its own entry file: from source (tsx) lane.ts / worker.ts next to this
// module; from a bundle, tftp-lane.mjs / tftp-worker.mjs next to the bundle (esbuild entry points).
// Without one, workerEntry() returns null and the server runs transfers in its own thread.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  SIGNAL_POSTED,
  SIGNAL_SLOTS,
  SIGNAL_STOP,
  SIGNALS,
  LOAD_DELAY,
  WORKER_MARK,
  type FromWorker,
  type ToWorker,
  type TransferEnd,
  type WorkerJob,
} from './worker-protocol.js';

/** How long stop() lets a lane end its transfers (it sees the request within lane.ts's SLICE_MS). */
const STOP_GRACE_MS = 2000;

export interface PoolJobEvents {
  started(): void;
  openFailed(message: string): void;
  /** Always called exactly once per job that was not openFailed (also when its worker dies). */
  ended(end: TransferEnd): void;
}

interface Slot {
  worker: Worker;
  /** Shared with the worker (SIGNAL_POSTED, SIGNAL_STOP): how a lane, which never idles in its event loop, hears of messages. */
  signals: Int32Array;
  jobs: Map<number, PoolJobEvents>;
  dead: boolean;
  /** The worker has loaded and said so. */
  ready: boolean;
  /** Settles when it has loaded or died. */
  loaded: Promise<void>;
  markLoaded: () => void;
  /** Settles when the worker says it has ended its transfers after a stop request. */
  stopped: Promise<void>;
  markStopped: () => void;
}

export interface WorkerEntry {
  url: URL;
  /** 'lane': direct system calls (Linux); 'portable': libuv sockets, as the main thread. */
  kind: 'lane' | 'portable';
}

/** The worker entry file for this build and platform, or null when there is none (then transfers stay in-thread). */
export function workerEntry(platform: NodeJS.Platform | 'portable' = process.platform): WorkerEntry | null {
  // Empty in a CommonJS bundle (esbuild leaves import.meta undefined there).
  const here = (import.meta as { url?: string }).url;
  if (!here) return null;
  const kinds: Array<[WorkerEntry['kind'], string[]]> = [
    // Lanes need Linux's errno numbers and SO_BINDTODEVICE; other systems get the portable worker.
    ...(platform === 'linux' ? [['lane', ['./lane.ts', './tftp-lane.mjs']] as [WorkerEntry['kind'], string[]]] : []),
    ['portable', ['./worker.ts', './tftp-worker.mjs']],
  ];
  for (const [kind, names] of kinds) {
    for (const name of names) {
      const url = new URL(name, here);
      if (existsSync(fileURLToPath(url))) return { url, kind };
    }
  }
  return null;
}

/**
 * The worker's flags: the loader that makes TypeScript loadable (tsx's `--import tsx`) when the
 * entry is a .ts file, and CPU profiling when the process is profiled; nothing else (the test
 * runner's flags, for one, are refused in a worker).
 */
function workerArgv(entry: URL): string[] {
  const ts = entry.pathname.endsWith('.ts');
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]!;
    if (/^--cpu-prof/.test(a)) out.push(a);
    else if (!ts) continue;
    else if ((a === '--import' || a === '--require' || a === '--loader' || a === '--experimental-loader') && i + 1 < argv.length)
      out.push(a, argv[++i]!);
    else if (/^--(import|require|loader|experimental-loader)=/.test(a)) out.push(a);
  }
  if (ts && !out.some((a) => !a.startsWith('--cpu-prof'))) out.push('--import', 'tsx');
  return out;
}

/**
 * Starts the worker thread. A .ts entry (running from source) is loaded through tsx's CommonJS
 * hooks, which a worker installs itself: on Node 20 a worker ignores `--import tsx` in its execArgv
 * (module.register() hooks do not reach worker threads before Node 22), so the entry failed to load
 * ("Unknown file extension .ts"), the pool was broken and every transfer ran in the main thread.
 */
function startWorker(entry: URL, workerData: Record<string, unknown>): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData, execArgv: workerArgv(entry) });
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(fileURLToPath(entry))});`;
  return new Worker(boot, { eval: true, workerData, execArgv: workerArgv(entry).filter((a) => a.startsWith('--cpu-prof')) });
}

export class TransferPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  /** Workers made so far (loadDelaysMs is by this index). */
  private spawned = 0;
  /**
   * Set when a worker died before it finished loading (its entry file cannot run here): the server
   * then serves every later transfer in its own thread instead of failing them one by one.
   */
  broken: string | null = null;

  constructor(
    private readonly entry: WorkerEntry,
    private readonly size: number,
    /** Tests only: how long the n-th worker made blocks before it loads (a loaded machine, made deterministic). */
    private readonly loadDelaysMs: readonly number[] = [],
  ) {}

  get kind(): WorkerEntry['kind'] {
    return this.entry.kind;
  }

  get workers(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  /** Whether a worker has loaded: run() may be called only then. */
  get loaded(): boolean {
    return this.slots.some((s) => !s.dead && s.ready);
  }

  /** Transfers the next run() would share its worker with (Infinity while none has loaded). */
  get leastLoad(): number {
    return Math.min(...this.slots.filter((s) => !s.dead && s.ready).map((s) => s.jobs.size));
  }

  /**
   * Starts every worker now: a worker takes tens of milliseconds of CPU to load, and a rack that
   * powers on sends its requests within a few. Until one has loaded, the server serves in its own thread.
   */
  warm(): void {
    while (this.slots.filter((s) => !s.dead).length < this.size) this.spawn();
  }

  /** Settles once every live worker has loaded (or died), or after `ms`. */
  async ready(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([Promise.all(this.slots.map((s) => s.loaded)), late]);
    clearTimeout(timer);
  }

  /** Hands a transfer to the least-loaded loaded worker (only when `loaded`); returns its abort. */
  run(job: Omit<WorkerJob, 'type' | 'id'>, events: PoolJobEvents): (message: string) => void {
    const slot = this.pick();
    const id = this.nextId++;
    slot.jobs.set(id, events);
    this.send(slot, { type: 'start', id, ...job });
    return (message) => this.send(slot, { type: 'abort', id, message });
  }

  /**
   * Stops every worker. A lane is asked first, so that it tells its clients and closes its sockets
   * (raw descriptors: terminating the thread would leave them open); then every worker is
   * terminated, and transfers still running in one end as failed.
   */
  async stop(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const s of slots) {
      s.ready = true; // stopped on purpose, not broken
      Atomics.store(s.signals, SIGNAL_STOP, 1);
      Atomics.notify(s.signals, SIGNAL_POSTED);
    }
    if (this.entry.kind === 'lane') {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)));
      await Promise.race([Promise.all(slots.map((s) => s.stopped)), grace]);
      clearTimeout(timer);
    }
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => undefined)));
    for (const s of slots) this.bury(s, 'server stopped');
  }

  /**
   * Only a worker that has loaded takes a transfer. Loading a worker takes tens of ms of CPU, but
   * on a loaded machine many seconds: a transfer handed to one still loading waited for it, so
   * OVMF's real RRQ, right after its size probe on a freshly started server, went unanswered
   * until it gave up (PXE-E99). The server serves in its own thread while no worker has loaded.
   */
  private pick(): Slot {
    // One that died is replaced, for later transfers.
    if (this.slots.filter((s) => !s.dead).length < this.size) this.spawn();
    const ready = this.slots.filter((s) => !s.dead && s.ready);
    if (ready.length === 0) throw new Error('no transfer worker has loaded yet');
    return ready.find((s) => s.jobs.size === 0) ?? ready.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  }

  private spawn(): Slot {
    const signals = new Int32Array(new SharedArrayBuffer(SIGNAL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
    const delay = this.loadDelaysMs[this.spawned++] ?? 0;
    const workerData = { [WORKER_MARK]: true, [SIGNALS]: signals.buffer, [LOAD_DELAY]: delay };
    const worker = startWorker(this.entry.url, workerData);
    worker.unref();
    let markStopped: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (markStopped = resolve));
    let markLoaded: () => void = () => undefined;
    const loaded = new Promise<void>((resolve) => (markLoaded = resolve));
    const slot: Slot = { worker, signals, jobs: new Map(), dead: false, ready: false, loaded, markLoaded, stopped, markStopped };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.bury(slot, `transfer worker failed: ${e.message}`));
    worker.on('exit', (code) => this.bury(slot, `transfer worker exited (code ${code})`));
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'ready') {
      slot.ready = true;
      return slot.markLoaded();
    }
    if (m.type === 'stopped') return slot.markStopped();
    const job = slot.jobs.get(m.id);
    if (!job) return;
    switch (m.type) {
      case 'started':
        return job.started();
      case 'open-failed':
        slot.jobs.delete(m.id);
        return job.openFailed(m.message);
      case 'end':
        slot.jobs.delete(m.id);
        return job.ended(m);
    }
  }

  private send(slot: Slot, m: ToWorker): void {
    if (slot.dead) return;
    slot.worker.postMessage(m);
    // A lane in a blocking call sees this within its slice; one waiting for work wakes now.
    Atomics.add(slot.signals, SIGNAL_POSTED, 1);
    Atomics.notify(slot.signals, SIGNAL_POSTED);
  }

  /** A dead worker: every transfer it had ends as failed (the main thread still closes the files). */
  private bury(slot: Slot, message: string): void {
    if (slot.dead) return;
    slot.dead = true;
    slot.markStopped();
    slot.markLoaded();
    if (!slot.ready) this.broken ??= message;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const jobs = [...slot.jobs];
    slot.jobs.clear();
    for (const [id, job] of jobs)
      job.ended({ type: 'end', id, result: { kind: 'failed', message }, bytes: 0, durationMs: 0, retransmits: 0, threadId: -1 });
  }
}
