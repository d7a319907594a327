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

/** The loader flags a worker needs to load TypeScript (tsx's `--import tsx`), and nothing else. */
function loaderArgv(entry: URL): string[] {
  if (!entry.pathname.endsWith('.ts')) return [];
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]!;
    if ((a === '--import' || a === '--require' || a === '--loader' || a === '--experimental-loader') && i + 1 < argv.length) out.push(a, argv[++i]!);
    else if (/^--(import|require|loader|experimental-loader)=/.test(a)) out.push(a);
  }
  if (out.length === 0) out.push('--import', 'tsx');
  return out;
}

export class TransferPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  /** Transfers handed to workers since the start. */
  handed = 0;

  constructor(
    private readonly entry: URL,
    private readonly size: number,
  ) {}

  get workers(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  /** Hands a transfer to the least-loaded worker (a new one while fewer than `size` exist); returns its abort. */
  run(job: Omit<WorkerJob, 'type' | 'id'>, events: PoolJobEvents): (message: string) => void {
    const slot = this.pick();
    const id = this.nextId++;
    slot.jobs.set(id, events);
    this.handed += 1;
    this.send(slot, { type: 'start', id, ...job });
    return (message) => this.send(slot, { type: 'abort', id, message });
  }

  /** Terminates every worker; transfers still running in them end as failed. */
  async stop(): Promise<void> {
    const slots = this.slots.splice(0);
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
    const worker = new Worker(this.entry, { workerData: { [WORKER_MARK]: true }, execArgv: loaderArgv(this.entry) });
    worker.unref();
    const slot: Slot = { worker, jobs: new Map(), dead: false };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.bury(slot, `transfer worker failed: ${e.message}`));
    worker.on('exit', (code) => this.bury(slot, `transfer worker exited (code ${code})`));
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
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
    slot.dead = true;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const jobs = [...slot.jobs];
    slot.jobs.clear();
    for (const [id, job] of jobs) job.ended({ type: 'end', id, result: { kind: 'failed', message }, bytes: 0, durationMs: 0, retransmits: 0, threadId: -1 });
  }
}
