// One running transfer, whatever moves its packets: the protocol logic that the pure session
// machine (session.ts) leaves to its transport, written once. It performs the session's actions,
// reads the file ahead into a ring of run buffers, recognises ACK and ERROR, maps socket errors to
// results, and lays packets out. How packets move is a PacketIo (io-libuv.ts: Node's dgram, in the
// main thread and the portable worker; lane.ts: direct system calls in a lane), how the file is
// read a RunReader (asynchronous through libuv's thread pool, or a blocking readv in a lane).
//
// Packet layout: a run is RUN_BYTES of consecutive blocks read with ONE readv whose views put every
// block right behind its 4-byte DATA header, so a DATA packet is one contiguous slice of the run:
// nothing is copied, nothing allocated per packet, and a send is one buffer for any transport.
import { DATA_HEADER, encodeError, encodeTftp, ErrorCode, Opcode, writeDataHeader } from './codec.js';
import { bytesAcked, step, type FinishResult, type Session, type SessionAction, type SessionEvent } from './session.js';

/** How a transfer's packets move: one connected socket per transfer, pinned to the NIC. */
export interface PacketIo {
  /**
   * Sends one datagram. DATA packets are views into the read ring: the buffer must not be kept
   * past whenFlushed(). A failure is reported back through Transfer.socketError.
   */
  send(packet: Buffer): void;
  /** Calls `then` once no packet handed to send() is still queued (its run may be re-read). May call synchronously. */
  whenFlushed(then: () => void): void;
  /** The session wants a timeout at `at` (ms, the host's clock); a loop that watches Transfer.deadline may ignore it. */
  armTimer(at: number): void;
  /** The transfer ended: stop receiving, close the socket once what was sent has left. */
  close(): void;
}

/**
 * Reads file bytes from `position` (relative to the served file) scattered over `views`, filling
 * them all unless the file ends first; `done(error, bytes)` may be called synchronously.
 */
export type RunReader = (views: readonly Buffer[], position: number, done: (error: Error | null, bytes: number) => void) => void;

export interface TransferHost {
  /** Milliseconds, for durations and deadlines. */
  clock(): number;
  /** The transfer ended (called once, before its socket closes; reads may still be in flight until Transfer.settled). */
  finished(result: FinishResult, bytes: number, durationMs: number, retransmits: number): void;
}

/** Bytes read per read call (at most): 44 blocks of 1468, 128 of 512. */
export const RUN_BYTES = 65_536;

/**
 * Runs of ended transfers (their buffers and the packet views into them), by block size, for the
 * next ones of this thread: a rack that powers on starts a hundred short transfers at once, and
 * allocating (and collecting) each one's buffers and its hundreds of views anew measured as a good
 * part of what such a transfer costs. At most SPARE_MAX per block size.
 */
const spare = new Map<number, Run[]>();
const SPARE_MAX = 64;

function takeRun(blksize: number, perRun: number): Run {
  const reused = spare.get(blksize)?.pop();
  if (reused) return reused;
  const slot = DATA_HEADER + blksize;
  // Owns its memory (not a slice of Node's pool): a lane hands its address to the kernel.
  const buf = Buffer.allocUnsafeSlow(perRun * slot);
  const packets = Array.from({ length: perRun }, (_, i) => buf.subarray(i * slot, (i + 1) * slot));
  return { q: -1, state: 'empty', packets, data: packets.map((p) => p.subarray(DATA_HEADER)), blksize, buf };
}

function giveRun(run: Run): void {
  run.q = -1;
  run.state = 'empty';
  let list = spare.get(run.blksize);
  if (!list) spare.set(run.blksize, (list = []));
  if (list.length < SPARE_MAX) list.push(run);
}

interface Run {
  /** Which run of the file this holds or is being read for (block b is in run floor((b − 1) / perRun)); −1: none. */
  q: number;
  state: 'empty' | 'loading' | 'ready' | 'failed';
  /** Per block: its packet (header and a full block of data), a view made once. */
  readonly packets: readonly Buffer[];
  /** Per block: the data part of its packet (where readv puts the file's bytes). */
  readonly data: readonly Buffer[];
  readonly blksize: number;
  /** The memory of every packet, back to back. */
  readonly buf: Buffer;
}

export class Transfer {
  retransmits = 0;
  done = false;
  private session: Session;
  private readonly runs: Run[];
  private readonly perRun: number;
  private readonly lastRun: number;
  private readonly startedAt: number;
  /** A window waiting for a run to be read: sent on from `from` once it is ready (a newer window replaces it). */
  private parked: { from: number; to: number } | null = null;
  private reading = 0;
  private onSettled: (() => void) | null = null;

  constructor(
    session: Session,
    private readonly io: PacketIo,
    private readonly read: RunReader,
    private readonly host: TransferHost,
  ) {
    this.session = session;
    this.startedAt = host.clock();
    const { blksize, windowsize } = session;
    const perRun = Math.max(1, Math.floor(RUN_BYTES / blksize));
    this.perRun = perRun;
    this.lastRun = Math.floor((session.lastBlock - 1) / perRun);
    // A window from its base spans at most ceil(window / perRun) + 1 runs, plus one read ahead;
    // retransmissions start at the base, so older runs are never needed again.
    const runs = Math.min(this.lastRun + 1, Math.ceil(windowsize / perRun) + 2);
    this.runs = [];
    for (let i = 0; i < runs; i += 1) this.runs.push(takeRun(blksize, perRun));
  }

  /** When the session wants its timeout (ms, the host's clock). */
  get deadline(): number {
    return this.session.deadline;
  }

  start(): void {
    this.apply({ kind: 'start' });
  }

  /** A datagram of `n` bytes from the client. */
  onPacket(buf: Buffer, n = buf.length): void {
    // An ACK is 4 bytes (padded by some ROMs) and almost every packet is one; anything else but an
    // ERROR is ignored: the session's timer covers a lost or mangled ACK.
    if (n < 4 || buf[0] !== 0) return;
    const op = buf[1];
    if (op === Opcode.ACK) return this.apply({ kind: 'ack', block: (buf[2]! << 8) | buf[3]! });
    if (op === Opcode.ERROR) {
      // Lenient about the missing terminator, like the codec: several embedded clients omit it.
      const end = buf.indexOf(0, 4);
      this.apply({ kind: 'error', code: (buf[2]! << 8) | buf[3]!, message: buf.toString('latin1', 4, end < 0 || end > n ? n : end) });
    }
  }

  /** The socket failed with `code` (an errno name, 'ECONNREFUSED'). */
  socketError(code: string): void {
    // A connected UDP socket reports the client's ICMP "port unreachable" as ECONNREFUSED: it has gone.
    if (code === 'ECONNREFUSED') this.end({ kind: 'aborted', code: ErrorCode.NotDefined, message: 'client port unreachable' });
    else this.end({ kind: 'failed', message: `socket error: ${code}` });
  }

  /** The host's timer (or loop) reached the deadline; an early call re-arms. */
  timeout(): void {
    if (this.done) return;
    if (this.host.clock() >= this.session.deadline) this.apply({ kind: 'timeout' });
    else this.io.armTimer(this.session.deadline);
  }

  /** Ends the transfer (if still running), telling the client why. */
  abort(message: string): void {
    if (this.done) return;
    // RFC 1350 §7: an ERROR tells the client to stop now instead of retrying until its own timeout.
    this.io.send(encodeError(ErrorCode.NotDefined, message));
    this.end({ kind: 'aborted', code: ErrorCode.NotDefined, message });
  }

  /** Calls `then` once the transfer has ended and no read still uses the file or the ring. */
  settled(then: () => void): void {
    if (this.done && this.reading === 0) then();
    else this.onSettled = then;
  }

  /** Ended and no read in flight: the run buffers go to the next transfer (after the io's last sends have left). */
  private release(): void {
    this.io.whenFlushed(() => {
      for (const run of this.runs) giveRun(run);
    });
    this.onSettled?.();
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
        if (retransmit) this.retransmits += 1;
        return this.io.send(encodeTftp({ op: 'oack', options: action.options }));
      case 'send-data':
        if (retransmit) this.retransmits += 1;
        this.parked = null;
        return this.pump(action.from, action.to);
      case 'send-error':
        return this.io.send(encodeError(action.code, action.message));
      case 'arm-timer':
        return this.io.armTimer(action.at);
      case 'finish':
        return this.end(action.result);
    }
  }

  /** Sends blocks from..to in order; the first one not read yet parks the rest until its run is. */
  private pump(from: number, to: number): void {
    for (let b = from; b <= to && !this.done; b += 1) {
      const q = Math.floor((b - 1) / this.perRun);
      const run = this.runs[q % this.runs.length]!;
      if (run.q !== q || run.state !== 'ready') {
        if (run.q === q && run.state === 'failed') return this.apply({ kind: 'fail', message: `could not read block ${b}` });
        this.parked = { from: b, to };
        this.load(q);
        return;
      }
      const length = Math.max(0, Math.min(this.session.blksize, this.session.size - (b - 1) * this.session.blksize));
      const packet = run.packets[(b - 1) % this.perRun]!;
      this.io.send(length === this.session.blksize ? packet : packet.subarray(0, DATA_HEADER + length));
    }
    // Read ahead while the client works on what was sent.
    const first = Math.floor((this.session.base - 1) / this.perRun);
    const last = Math.min(first + this.runs.length - 1, this.lastRun);
    for (let q = first; q <= last && !this.done; q += 1) this.load(q);
  }

  /** Reads run q into its buffers (after sends still queued from them have left), unless it holds it already. */
  private load(q: number): void {
    const run = this.runs[q % this.runs.length]!;
    if (run.q === q && run.state !== 'empty') return;
    const busy = run.state === 'loading';
    run.q = q;
    run.state = 'loading';
    if (busy) return; // a read for an older run is still writing here: it restarts for q when it ends
    this.reading += 1;
    this.io.whenFlushed(() => this.readRun(run));
  }

  private readRun(run: Run): void {
    const q = run.q;
    const { blksize, size } = this.session;
    const position = q * this.perRun * blksize;
    const want = Math.max(0, Math.min(this.perRun * blksize, size - position));
    const blocks = Math.ceil(want / blksize);
    const views = blocks === 0 ? [] : run.data.slice(0, blocks);
    if (blocks > 0 && want % blksize !== 0) views[blocks - 1] = views[blocks - 1]!.subarray(0, want % blksize);
    const onRead = (error: Error | null, bytes: number): void => {
      this.reading -= 1;
      if (this.done) {
        if (this.reading === 0) this.release();
        return;
      }
      if (run.q !== q) {
        // Claimed for another run meanwhile: read that one now.
        this.reading += 1;
        return this.io.whenFlushed(() => this.readRun(run));
      }
      if (error || bytes < want) {
        run.state = 'failed';
      } else {
        for (let i = 0; i < this.perRun; i += 1) writeDataHeader(run.packets[i]!, q * this.perRun + i + 1);
        run.state = 'ready';
      }
      const parked = this.parked;
      if (parked && Math.floor((parked.from - 1) / this.perRun) === q) {
        this.parked = null;
        this.pump(parked.from, parked.to);
      }
    };
    if (this.done) return onRead(null, 0);
    this.read(views, position, onRead);
  }

  private end(result: FinishResult): void {
    if (this.done) return;
    this.done = true;
    this.parked = null;
    const bytes = result.kind === 'complete' ? this.session.size : bytesAcked(this.session);
    this.host.finished(result, bytes, this.host.clock() - this.startedAt, this.retransmits);
    this.io.close();
    if (this.reading === 0) this.release();
  }
}

/** `views` after the first `n` bytes were filled (a short read leaves a view partly filled). */
export function remaining(views: readonly Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < views.length && n >= views[i]!.length) n -= views[i++]!.length;
  const rest = views.slice(i);
  if (rest.length > 0 && n > 0) rest[0] = rest[0]!.subarray(n);
  return rest;
}
