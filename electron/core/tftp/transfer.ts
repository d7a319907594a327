// One running transfer over its own connected socket: performs the session machine's actions
// (session.ts), reads the file ahead into a ring of run buffers, keeps one timer. The same class
// runs in the main thread (server.ts) and in a worker thread (worker.ts); what differs is given
// through TransferHost (clock, counters, where the end is reported) and ReadAt (how the file is read).
//
// Per packet the hot path is: recognise the 4-byte ACK, step, send blocks already read (a plain
// loop, no promise when the ring holds them), read ahead. File data is read in runs of consecutive
// blocks straight into preallocated buffers and sent as [header, data] views (no copy, no
// per-packet allocation).
import type { Socket } from 'node:dgram';
import { encodeError, encodeTftp, writeDataHeader, DATA_HEADER, ErrorCode, Opcode } from './codec.js';
import { bytesAcked, step, type FinishResult, type Session, type SessionAction, type SessionEvent } from './session.js';

/** Reads up to `length` bytes at `position` into `buffer` at `offset`; resolves with bytes read (0 at end). */
export type ReadAt = (buffer: Buffer, offset: number, length: number, position: number) => Promise<number>;

export interface TransferHost {
  /** Milliseconds, for durations and deadlines. */
  clock(): number;
  /** One packet or window was sent again (a counter). */
  retransmitted(): void;
  /** The transfer ended (called once, before the socket closes). */
  finished(result: FinishResult, bytes: number, durationMs: number): void;
}

/**
 * A run of consecutive blocks read with ONE read call (a libuv thread-pool round trip costs more
 * than the send of a packet, so reading block by block halves throughput). The data lands straight
 * in the run's buffer; each DATA packet is sent as two views, [its 4-byte header, its data], with
 * sendmsg's gather I/O: nothing is copied, nothing is allocated per packet.
 */
interface Run {
  readonly data: Buffer;
  /** Per block: [header view, full-size data view], made once. */
  readonly packets: readonly (readonly [Buffer, Buffer])[];
  /** Which run of the file this holds (block b is in run floor((b − 1) / blocksPerRun)). */
  q: number;
  state: 'empty' | 'loading' | 'ready' | 'failed';
  /** Settles when the last read claimed for this run has finished (never rejects). */
  loaded: Promise<void>;
}

/** Bytes read per read call (at most): 44 blocks of 1468, 128 of 512. */
const RUN_BYTES = 65_536;

export class Transfer {
  retransmits = 0;
  /** Settles when the transfer has ended, its socket is closed and no read still writes into the ring. */
  readonly closed: Promise<void>;
  private session: Session;
  private readonly ring: Run[];
  private readonly perRun: number;
  private readonly startedAt: number;
  private gen = 0;
  private prefetchedTo = -1;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private done = false;
  private markClosed: () => void = () => undefined;

  constructor(
    private readonly socket: Socket,
    private readonly readAt: ReadAt,
    session: Session,
    private readonly host: TransferHost,
  ) {
    this.session = session;
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    this.startedAt = host.clock();
    const { blksize, windowsize } = session;
    const perRun = Math.max(1, Math.floor(RUN_BYTES / blksize));
    this.perRun = perRun;
    // Enough runs for a whole window in flight plus one run read ahead, so the disk is never on
    // the critical path between an ACK and the next DATA.
    const runs = Math.ceil(windowsize / perRun) + 2;
    this.ring = Array.from({ length: runs }, () => {
      const data = Buffer.allocUnsafeSlow(perRun * blksize);
      const headers = Buffer.allocUnsafeSlow(perRun * DATA_HEADER);
      const packets = Array.from({ length: perRun }, (_, i) =>
        [headers.subarray(i * DATA_HEADER, (i + 1) * DATA_HEADER), data.subarray(i * blksize, (i + 1) * blksize)] as const);
      const run: Run = { data, packets, q: -1, state: 'empty', loaded: Promise.resolve() };
      return run;
    });
    socket.on('message', (buf) => this.onPacket(buf));
    socket.on('error', (e) => this.onSocketError(e));
  }

  start(): void {
    this.apply({ kind: 'start' });
  }

  /** Ends the transfer (if still running), telling the client why, and settles once it is closed. */
  abort(message: string): Promise<void> {
    // RFC 1350 §7: a transfer ended by an error is announced with an ERROR packet, so the client
    // stops at once instead of retrying until its own timeout.
    if (!this.done) this.socket.send(encodeError(ErrorCode.NotDefined, message), () => undefined);
    void this.end({ kind: 'aborted', code: ErrorCode.NotDefined, message });
    return this.closed;
  }

  private onPacket(buf: Buffer): void {
    // Fast path: an ACK is 4 bytes (padded by some ROMs), and almost every packet is one.
    if (buf.length >= 4 && buf[0] === 0) {
      const op = buf[1];
      if (op === Opcode.ACK) return this.apply({ kind: 'ack', block: (buf[2]! << 8) | buf[3]! });
      if (op === Opcode.ERROR) {
        // Lenient about the missing terminator, like the codec: several embedded clients omit it.
        const end = buf.indexOf(0, 4);
        return this.apply({ kind: 'error', code: (buf[2]! << 8) | buf[3]!, message: buf.toString('latin1', 4, end < 0 ? buf.length : end) });
      }
    }
    // Anything else (or malformed) is ignored: the session's timer covers a lost or mangled ACK.
  }

  private onSocketError(e: Error): void {
    // A connected UDP socket reports the client's ICMP "port unreachable" here: it has gone away.
    const gone = (e as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    void this.end(gone ? { kind: 'aborted', code: ErrorCode.NotDefined, message: 'client port unreachable' } : { kind: 'failed', message: `socket error: ${e.message}` });
  }

  private apply(event: SessionEvent): void {
    if (this.done) return;
    const [next, actions] = step(this.session, event, this.host.clock());
    this.session = next;
    for (const action of actions) this.perform(action, event.kind === 'timeout');
  }

  private perform(action: SessionAction, retransmit: boolean): void {
    switch (action.kind) {
      case 'send-oack':
        if (retransmit) this.count();
        this.socket.send(encodeTftp({ op: 'oack', options: action.options }), (e) => e && this.onSocketError(e));
        return;
      case 'send-data':
        if (retransmit) this.count();
        this.pump(action.from, action.to, ++this.gen);
        return;
      case 'send-error':
        this.socket.send(encodeError(action.code, action.message), () => undefined);
        return;
      case 'arm-timer':
        return this.arm(action.at);
      case 'finish':
        void this.end(action.result);
        return;
    }
  }

  private count(): void {
    this.retransmits += 1;
    this.host.retransmitted();
  }

  /**
   * Sends blocks from..to in order. The usual case, every block already read ahead, is a plain
   * loop with no promise; the first block not ready hands the rest to pumpSlow.
   */
  private pump(from: number, to: number, gen: number): void {
    for (let b = from; b <= to; b += 1) {
      const q = Math.floor((b - 1) / this.perRun);
      const run = this.ring[q % this.ring.length]!;
      if (run.q !== q || run.state !== 'ready') {
        void this.pumpSlow(b, to, gen);
        return;
      }
      this.sendBlock(run, b);
    }
    this.prefetch();
  }

  /** pump() once a block had to be waited for; a newer window (higher gen) supersedes this one. */
  private async pumpSlow(from: number, to: number, gen: number): Promise<void> {
    for (let b = from; b <= to; b += 1) {
      const q = Math.floor((b - 1) / this.perRun);
      const run = this.ring[q % this.ring.length]!;
      // Bounded: a run is re-claimed only by a stale window, which stops at the gen check.
      for (let attempt = 0; attempt < 3 && !(run.q === q && run.state === 'ready'); attempt += 1) {
        if (gen !== this.gen || this.done) return;
        if (run.q === q && run.state === 'failed') return this.apply({ kind: 'fail', message: `could not read block ${b}` });
        await this.load(q);
      }
      if (gen !== this.gen || this.done) return;
      if (run.q !== q || run.state !== 'ready') return this.apply({ kind: 'fail', message: `could not read block ${b}` });
      this.sendBlock(run, b);
    }
    this.prefetch();
  }

  private sendBlock(run: Run, b: number): void {
    const { blksize, size } = this.session;
    const i = (b - 1) % this.perRun;
    const len = Math.max(0, Math.min(blksize, size - (b - 1) * blksize));
    const packet = len === blksize ? run.packets[i]! : ([run.packets[i]![0], run.packets[i]![1].subarray(0, len)] as const);
    // No callback: one per packet costs a tick each. Buffers still queued in libuv (only when the
    // kernel's send buffer is full) are protected in load() through getSendQueueCount().
    this.socket.send(packet);
  }

  /** Reads ahead the runs after the one holding `base` into runs nobody needs any more. */
  private prefetch(): void {
    const first = Math.floor((this.session.base - 1) / this.perRun);
    const last = Math.min(first + this.ring.length - 1, Math.floor((this.session.lastBlock - 1) / this.perRun));
    for (let q = Math.max(this.prefetchedTo + 1, first); q <= last; q += 1) void this.load(q);
    if (last > this.prefetchedTo) this.prefetchedTo = last;
  }

  /** Claims run q's buffers and reads it (after the buffers' previous read and sends are done). */
  private load(q: number): Promise<void> {
    const run = this.ring[q % this.ring.length]!;
    if (run.q === q && run.state !== 'empty') return run.loaded;
    run.q = q;
    run.state = 'loading';
    run.loaded = run.loaded.then(async () => {
      // Bounded by the transfer's life: a queue that never drains ends with the session's timeout.
      while (!this.done && this.socket.getSendQueueCount() > 0) await new Promise((resolve) => setTimeout(resolve, 1));
      if (run.q !== q || this.done) return; // re-claimed meanwhile
      try {
        await this.read(run.data, q);
        if (run.q !== q) return;
        for (let i = 0; i < this.perRun; i += 1) writeDataHeader(run.packets[i]![0], q * this.perRun + i + 1);
        run.state = 'ready';
      } catch {
        if (run.q === q) run.state = 'failed';
      }
    });
    return run.loaded;
  }

  private async read(buf: Buffer, q: number): Promise<void> {
    const { blksize, size } = this.session;
    const position = q * this.perRun * blksize;
    const want = Math.max(0, Math.min(this.perRun * blksize, size - position));
    let got = 0;
    // Bounded: every turn reads at least one byte or throws.
    while (got < want) {
      const n = await this.readAt(buf, got, want - got, position + got);
      if (n <= 0) throw new Error('file shrank during the transfer');
      got += n;
    }
  }

  /** One timer per transfer: moving a deadline later costs an assignment, not a new timer. */
  private arm(at: number): void {
    if (this.done || (this.timer && this.timerAt <= at)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, at - this.host.clock()) + 1);
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.done) return;
    const now = this.host.clock();
    if (now >= this.session.deadline) this.apply({ kind: 'timeout' });
    else this.arm(this.session.deadline);
  }

  private async end(result: FinishResult): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const duration = this.host.clock() - this.startedAt;
    const bytes = result.kind === 'complete' ? this.session.size : bytesAcked(this.session);
    this.host.finished(result, bytes, duration);
    // Let a final ERROR leave before the socket closes; wait for reads still writing into the ring.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.socket.close();
    await Promise.all(this.ring.map((r) => r.loaded));
    this.markClosed();
  }
}

/** Connects a UDP socket to the client (its TID), so only the client's packets reach it. */
export function connect(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}
