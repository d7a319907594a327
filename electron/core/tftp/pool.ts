// A small pool of worker threads that run TFTP transfers (worker.ts), so that transfers use every
// core: one Node thread spends most of a transfer in the kernel's send path (sendmsg over the NIC,
// including the receiver's softirq work on a veth), and with many clients one thread is saturated
// while tftpd-hpa forks a process per transfer. Workers are created lazily, the least-loaded one
// gets the next transfer, they are unref'd (they never keep the process alive) and terminated on
// stop(). A worker that dies ends its transfers as failed.
//
// The worker's code is its own entry file: from source (tsx) electron/core/tftp/worker.ts next to
// this module; from a bundle, tftp-worker.mjs next to the bundle (a second esbuild entry point).
// Without one, workerEntry() returns null and the server runs transfers in its own thread.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, TransferEnd, WorkerJob } from './worker.js';
import { WORKER_MARK } from './worker.js';

export interface PoolJobEvents {
  started(): void;
  openFailed(message: string): void;
  /** Always called exactly once per job that was not openFailed (also when its worker dies). */
  ended(end: TransferEnd): void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, PoolJobEvents>;
  dead: boolean;
  /** The worker has loaded and said so. */
  ready: boolean;
}

/** The worker entry file for this build, or null when there is none (then transfers stay in-thread). */
export function workerEntry(): URL | null {
  // Empty in a CommonJS bundle (esbuild leaves import.meta undefined there).
  const here = (import.meta as { url?: string }).url;
  if (!here) return null;
  for (const name of ['./worker.ts', './tftp-worker.mjs']) {
    const url = new URL(name, here);
    if (existsSync(fileURLToPath(url))) return url;
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
    else if ((a === '--import' || a === '--require' || a === '--loader' || a === '--experimental-loader') && i + 1 < argv.length) out.push(a, argv[++i]!);
    else if (/^--(import|require|loader|experimental-loader)=/.test(a)) out.push(a);
  }
  if (ts && !out.some((a) => !a.startsWith('--cpu-prof'))) out.push('--import', 'tsx');
  return out;
}

export class TransferPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  /**
   * Set when a worker died before it finished loading (its entry file cannot run here): the server
   * then serves every later transfer in its own thread instead of failing them one by one.
   */
  broken: string | null = null;

  constructor(
    private readonly entry: URL,
    private readonly size: number,
  ) {}

  get workers(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  /** Transfers the next run() would share its worker with (0 while a new worker may still be made). */
  get leastLoad(): number {
    const live = this.slots.filter((s) => !s.dead);
    if (live.length < this.size) return 0;
    return Math.min(...live.map((s) => s.jobs.size));
  }

  /** Hands a transfer to the least-loaded worker (a new one while fewer than `size` exist); returns its abort. */
  run(job: Omit<WorkerJob, 'type' | 'id'>, events: PoolJobEvents): (message: string) => void {
    const slot = this.pick();
    const id = this.nextId++;
    slot.jobs.set(id, events);
    this.send(slot, { type: 'start', id, ...job });
    return (message) => this.send(slot, { type: 'abort', id, message });
  }

  /** Terminates every worker; transfers still running in them end as failed. */
  async stop(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const s of slots) s.ready = true; // terminated on purpose, not broken
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => undefined)));
    for (const s of slots) this.bury(s, 'server stopped');
  }

  private pick(): Slot {
    const live = this.slots.filter((s) => !s.dead);
    const idle = live.find((s) => s.jobs.size === 0);
    if (idle) return idle;
    if (live.length < this.size) return this.spawn();
    return live.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  }

  private spawn(): Slot {
    const worker = new Worker(this.entry, { workerData: { [WORKER_MARK]: true }, execArgv: workerArgv(this.entry) });
    worker.unref();
    const slot: Slot = { worker, jobs: new Map(), dead: false, ready: false };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.bury(slot, `transfer worker failed: ${e.message}`));
    worker.on('exit', (code) => this.bury(slot, `transfer worker exited (code ${code})`));
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'ready') return void (slot.ready = true);
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
    if (!slot.dead) slot.worker.postMessage(m);
  }

  /** A dead worker: every transfer it had ends as failed (the main thread still closes the files). */
  private bury(slot: Slot, message: string): void {
    if (slot.dead) return;
    slot.dead = true;
    if (!slot.ready) this.broken ??= message;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const jobs = [...slot.jobs];
    slot.jobs.clear();
    for (const [id, job] of jobs) job.ended({ type: 'end', id, result: { kind: 'failed', message }, bytes: 0, durationMs: 0, retransmits: 0, threadId: -1 });
  }
}
