// A TFTP lane: a worker thread that runs its transfers with direct system calls (koffi over libc)
// instead of libuv. The pool (pool.ts) uses lanes on Linux; the portable worker (worker.ts) and the
// main thread run the same session machine (session.ts) over libuv sockets.
//
// Why: in lock-step a transfer is one packet each way per block, so what a block costs the server
// in CPU sets the pace. Through libuv a block cost Bootbench ~50 µs of CPU here (epoll, recvmsg
// twice, a request object and a callback into JS per send) against 22–27 µs for tftpd-hpa, and
// Bootbench stayed below it (0.93× one transfer, 0.78× ten). A lane spends 23–26 µs: per block one
// recv() and one send() while it has one transfer, poll() + recv() + send() with several (the poll
// shared by every socket that is ready); docs/design/tftp.md has the measurements.
//
// Two ways to move packets:
//   - the ring (io_uring, Linux ≥ 6.1, net/uring.ts): every transfer on it keeps a receive queued;
//     a turn of the loop submits every send and re-armed receive and waits for completions in ONE
//     io_uring_enter, whatever the number of transfers. With ten lock-step clients on two cores
//     this is what beats a process per transfer: a send() that wakes a client on the lane's own
//     core let the client preempt the lane once per block; on the ring, once per turn.
//   - calls: recv()/send() per block (poll() first when there are several transfers).
// LaneIo 'auto' (the default): a lane's lone transfer uses calls (two per block: measured faster
// for one lock-step client than a ring turn per block), several go on the ring. 'ring': every
// transfer on the ring. 'calls', or io_uring missing or refused (older kernels, Docker's default
// seccomp profile): calls only.
// One turn of the loop:
//   1. messages: when the main thread's counter moved, every queued message is read
//      (receiveMessageOnPort: the lane never returns to its event loop while it has work);
//   2. deadlines: transfers whose timer is due get their timeout;
//   3. packets, waiting at most SLICE_MS: with no transfer Atomics.wait on the counter; otherwise
//      io_uring_enter (the ring), or a blocking recv() on the lone socket (SO_RCVTIMEO), or poll()
//      then recv() on each ready one (calls).
// Every wait ends within SLICE_MS, so a new job, an abort, a stop or a deadline is seen at most that
// late, while a packet is handled the moment it arrives.
//
// File data is read in runs of 64 KiB into a small read ring (`runs`), each run with ONE preadv()
// whose iovecs put every block right behind its 4-byte DATA header: a packet is then one send() of
// a slice of the read ring, nothing copied. Runs are read ahead after a window is sent, while the
// client works on it. Reads happen in this thread (a slow disk stalls this lane's transfers, as it
// stalls a tftpd process).
import { isMainThread, parentPort, receiveMessageOnPort, threadId, workerData, type MessagePort } from 'node:worker_threads';
import { openPinnedUdpFd } from '../net/bound-socket.js';
import { errnoName, hotCalls, libc, POLLERR, POLLHUP, POLLIN, type HotCalls } from '../net/libc.js';
import { EBUSY, ECANCELED, ETIME, Uring } from '../net/uring.js';
import { DATA_HEADER, encodeError, encodeTftp, ErrorCode, Opcode, writeDataHeader } from './codec.js';
import { bytesAcked, step, type FinishResult, type Session, type SessionAction, type SessionEvent } from './session.js';
import { LANE_IO, SIGNAL_POSTED, SIGNAL_STOP, SIGNALS, WORKER_MARK, type FromWorker, type LaneIo, type ToWorker, type TransferEnd, type WorkerJob } from './worker-protocol.js';

/** The longest a lane blocks in one call. */
export const SLICE_MS = 20;
/** Bytes read per pread() (at most): 44 blocks of 1468, 128 of 512. */
const RUN_BYTES = 65_536;
/** A client sends ACKs (4 bytes) and ERRORs (a message: RFC 1350 sets no limit, 512 is plenty). */
const INBOX_BYTES = 2048;
const POLLFD_BYTES = 8; // struct pollfd: int fd, short events, short revents

/** Linux errno numbers the loop branches on (the lane runs on Linux only). */
const EINTR = 4;
const EAGAIN = 11;
const ECONNREFUSED = 111;

/** What a ring completion was for: the low 2 bits of its tag; the rest is the transfer's serial. */
const TAG_RECV = 0;
const TAG_SEND = 1;
const TAG_CANCEL = 2;
const SERIAL_MASK = 0x3fff_ffff;

interface Run {
  /** Which run of the file this holds (block b is in run floor((b − 1) / perRun)); −1: none. */
  q: number;
  /** perRun packets of DATA_HEADER + blksize bytes, back to back. */
  readonly buf: Buffer;
  /** Per block: its packet (header and data), a view made once. */
  readonly packets: readonly Buffer[];
  /** Per block: where its packet is in memory (for the ring). */
  readonly addresses: readonly number[];
  /** perRun struct iovec pointing at the data part of each packet. */
  readonly iov: Buffer;
}

const IOVEC_BYTES = 16;

interface LaneHost {
  readonly calls: HotCalls;
  /** The lane's io_uring, or null when it moves packets with direct calls. */
  readonly ring: Uring | null;
  post(m: FromWorker): void;
}

/** One transfer of a lane: its connected socket, its session, its read ring (`runs`). */
export class LaneTransfer {
  retransmits = 0;
  done = false;
  /**
   * On the ring: its receive stays queued there and its DATA is sent through it. Off it (a lane's
   * only transfer, or a lane without a ring): blocking recv() and send() calls.
   */
  onRing = false;
  /** Leaving the ring: its requests are being cancelled; off it once none is left. */
  leaving = false;
  /** Ring requests queued or in flight: the transfer stays on the ring (and its socket open) until none is left. */
  inFlight = 0;
  /** Where receives from the ring land. */
  readonly inbox: Buffer | null;
  private readonly inboxAt: number;
  private session: Session;
  private readonly startedAt = performance.now();
  private readonly perRun: number;
  private readonly runs: Run[];
  private readonly lastRun: number;

  constructor(
    readonly id: number,
    /** The socket, pinned to the NIC, bound to the server's address, connected to the client. */
    readonly fd: number,
    private readonly file: { fd: number; position: number },
    session: Session,
    private readonly host: LaneHost,
    /** Names this transfer's ring requests (unique among the lane's transfers). */
    readonly serial = 0,
  ) {
    this.session = session;
    this.inbox = host.ring ? Buffer.allocUnsafeSlow(INBOX_BYTES) : null;
    this.inboxAt = this.inbox ? host.calls.address(this.inbox) : 0;
    const { blksize, windowsize } = session;
    const perRun = Math.max(1, Math.floor(RUN_BYTES / blksize));
    this.perRun = perRun;
    this.lastRun = Math.floor((session.lastBlock - 1) / perRun);
    // A window from its base spans at most ceil(window / perRun) + 1 runs, plus one read ahead;
    // retransmissions start at the base, so older runs are never needed again.
    const runs = Math.ceil(windowsize / perRun) + 2;
    const slot = DATA_HEADER + blksize;
    this.runs = Array.from({ length: runs }, () => {
      const buf = Buffer.allocUnsafeSlow(perRun * slot); // owns its memory: its address never moves
      const iov = Buffer.alloc(perRun * IOVEC_BYTES);
      const at = host.calls.address(buf);
      for (let i = 0; i < perRun; i += 1) {
        iov.writeBigUInt64LE(BigInt(at + i * slot + DATA_HEADER), i * IOVEC_BYTES);
        iov.writeBigUInt64LE(BigInt(blksize), i * IOVEC_BYTES + 8);
      }
      const packets = Array.from({ length: perRun }, (_, i) => buf.subarray(i * slot, (i + 1) * slot));
      const addresses = Array.from({ length: perRun }, (_, i) => at + i * slot);
      return { q: -1, buf, packets, iov, addresses };
    });
  }

  /** When the session wants its timeout (ms, performance.now()). */
  get deadline(): number {
    return this.session.deadline;
  }

  /** Steps the session and performs what it asks; a read failure becomes the session's 'fail'. */
  apply(event: SessionEvent, now: number): void {
    let next: SessionEvent | null = event;
    const retransmit = event.kind === 'timeout';
    while (next !== null && !this.done) {
      const [session, actions] = step(this.session, next, now);
      this.session = session;
      next = null;
      for (const action of actions) {
        next = this.perform(action, retransmit);
        if (next !== null || this.done) break;
      }
    }
  }

  /** A datagram of `n` bytes from the client, in `buf`. */
  onPacket(buf: Buffer, n: number, now: number): void {
    // An ACK is 4 bytes (padded by some ROMs); anything else but an ERROR is ignored, and the
    // session's timer covers a lost or mangled ACK.
    if (n < 4 || buf[0] !== 0) return;
    const op = buf[1];
    if (op === Opcode.ACK) return this.apply({ kind: 'ack', block: (buf[2]! << 8) | buf[3]! }, now);
    if (op === Opcode.ERROR) {
      // Lenient about the missing terminator, as the codec: several embedded clients omit it.
      const end = buf.indexOf(0, 4);
      const message = buf.toString('latin1', 4, end < 0 || end > n ? n : end);
      this.apply({ kind: 'error', code: (buf[2]! << 8) | buf[3]!, message }, now);
    }
  }

  /** Moves the transfer onto the ring: its receive is queued there from now on. */
  joinRing(): void {
    this.onRing = true;
    this.leaving = false;
    this.armReceive();
  }

  /**
   * Starts moving it off the ring: its queued receive is cancelled; sends still in flight finish
   * (cancelling one would lose a block until the retransmission timer). Off it once nothing is
   * outstanding (see onCompletion).
   */
  leaveRing(): void {
    if (!this.onRing || this.leaving || this.done) return;
    this.leaving = true;
    this.inFlight += 1;
    this.host.ring!.cancel(this.serial * 4 + TAG_RECV, this.serial * 4 + TAG_CANCEL);
  }

  /**
   * A ring completion for this transfer (`result`: bytes, or −errno). Returns true when it was
   * the last one outstanding: the transfer is then off the ring (or, if it ended, its socket may close).
   */
  onCompletion(kind: number, result: number, now: number): boolean {
    this.inFlight -= 1;
    if (!this.done && result !== -ECANCELED) {
      if (kind === TAG_RECV) {
        // A receive that completed before the cancellation reached it still carries an ACK.
        if (result >= 0) this.onPacket(this.inbox!, result, now);
        else this.onReceiveError(-result);
        if (!this.done && !this.leaving) this.armReceive();
      } else if (kind === TAG_SEND && result < 0) {
        this.socketFailed(-result);
      }
    }
    if (this.inFlight > 0) return false;
    this.onRing = false;
    this.leaving = false;
    return true;
  }

  private armReceive(): void {
    this.inFlight += 1;
    this.host.ring!.recv(this.fd, this.inboxAt, INBOX_BYTES, this.serial * 4 + TAG_RECV);
  }

  /** recv() failed with `errno`. */
  onReceiveError(errno: number): void {
    if (errno === EAGAIN || errno === EINTR) return; // nothing yet (SO_RCVTIMEO), or a signal
    this.socketFailed(errno);
  }

  /** Ends the transfer (if still running), telling the client why. */
  abort(message: string): void {
    if (this.done) return;
    if (this.onRing) this.host.ring!.enter(0); // what is queued goes first: the ERROR is the last thing the client gets
    // RFC 1350 §7: an ERROR tells the client to stop now instead of retrying until its timeout.
    const packet = encodeError(ErrorCode.NotDefined, message);
    this.host.calls.send(this.fd, packet, packet.length, 0);
    this.end({ kind: 'aborted', code: ErrorCode.NotDefined, message });
  }

  private perform(action: SessionAction, retransmit: boolean): SessionEvent | null {
    switch (action.kind) {
      case 'send-oack':
        if (retransmit) this.retransmits += 1;
        this.send(encodeTftp({ op: 'oack', options: action.options }));
        return null;
      case 'send-data': {
        if (retransmit) this.retransmits += 1;
        for (let b = action.from; b <= action.to && !this.done; b += 1) {
          const failure = this.sendBlock(b);
          if (failure !== null) return { kind: 'fail', message: failure };
        }
        // Submitted now, before the read-ahead below: the client works while the disk does.
        if (this.onRing && !this.done && this.readAheadDue()) this.host.ring!.enter(0);
        const failure = this.done ? null : this.readAhead();
        return failure === null ? null : { kind: 'fail', message: failure };
      }
      case 'send-error': {
        const packet = encodeError(action.code, action.message);
        this.host.calls.send(this.fd, packet, packet.length, 0);
        return null;
      }
      case 'arm-timer':
        return null; // the loop watches session.deadline
      case 'finish':
        this.end(action.result);
        return null;
    }
  }

  /** Sends block b (absolute); a message when the file could not be read. */
  private sendBlock(b: number): string | null {
    const { blksize, size } = this.session;
    const q = Math.floor((b - 1) / this.perRun);
    const run = this.runs[q % this.runs.length]!;
    if (run.q !== q) {
      const failure = this.load(run, q);
      if (failure !== null) return failure;
    }
    const length = Math.max(0, Math.min(blksize, size - (b - 1) * blksize));
    const i = (b - 1) % this.perRun;
    if (this.onRing) {
      this.inFlight += 1;
      // Not linked: the ring issues a socket's sends in order, and one that finds the buffer full
      // waits on the socket's queue behind those before it (a link would make each send after the
      // first wait for the one before to complete, as deferred work).
      this.host.ring!.send(this.fd, run.addresses[i]!, DATA_HEADER + length, this.serial * 4 + TAG_SEND);
    } else {
      this.send(run.packets[i]!, DATA_HEADER + length);
    }
    return null;
  }

  /** Whether readAhead() would read anything. */
  private readAheadDue(): boolean {
    const first = Math.floor((this.session.base - 1) / this.perRun);
    const last = Math.min(first + this.runs.length - 1, this.lastRun);
    for (let q = first; q <= last; q += 1) if (this.runs[q % this.runs.length]!.q !== q) return true;
    return false;
  }

  /** Reads the runs after the window's first one, while the client works on what was sent. */
  private readAhead(): string | null {
    const first = Math.floor((this.session.base - 1) / this.perRun);
    const last = Math.min(first + this.runs.length - 1, this.lastRun);
    for (let q = first; q <= last; q += 1) {
      const run = this.runs[q % this.runs.length]!;
      if (run.q === q) continue;
      const failure = this.load(run, q);
      if (failure !== null) return failure;
    }
    return null;
  }

  /** Reads run q of the file into `run` with one preadv (blocking: this thread's own wait), headers written. */
  private load(run: Run, q: number): string | null {
    const { blksize, size } = this.session;
    const offset = q * this.perRun * blksize;
    const want = Math.max(0, Math.min(this.perRun * blksize, size - offset));
    run.q = -1;
    if (want > 0) {
      let n = -1;
      // Bounded: a signal interrupts a read at most a few times.
      for (let attempt = 0; attempt < 3 && n < 0; attempt += 1) {
        n = Number(this.host.calls.preadv(this.file.fd, run.iov, Math.ceil(want / blksize), this.file.position + offset));
        if (n < 0 && this.host.calls.errno() !== EINTR) return `could not read the file: ${errnoName(this.host.calls.errno())}`;
      }
      if (n < 0) return 'could not read the file: EINTR';
      // The last block's iovec asks for a whole block: a plain file ends there (n === want), a file
      // inside an ISO is followed by the image's next bytes (n > want, never sent). Less is a file
      // that shrank.
      if (n < want) return 'the file shrank during the transfer';
    }
    for (let i = 0; i < this.perRun; i += 1) writeDataHeader(run.packets[i]!, q * this.perRun + i + 1);
    run.q = q;
    return null;
  }

  private send(packet: Buffer, length = packet.length): void {
    // Blocking send: it waits only while the socket's send buffer is full (a window burst), which
    // is the flow control we want. EINTR (a signal) is retried once; a lost packet is the timer's job.
    let n = Number(this.host.calls.send(this.fd, packet, length, 0));
    if (n < 0 && this.host.calls.errno() === EINTR) n = Number(this.host.calls.send(this.fd, packet, length, 0));
    if (n < 0) {
      const errno = this.host.calls.errno();
      if (errno !== EAGAIN && errno !== EINTR) this.socketFailed(errno);
    }
  }

  /** A connected UDP socket reports the client's ICMP "port unreachable" as ECONNREFUSED: it has gone. */
  private socketFailed(errno: number): void {
    if (errno === ECONNREFUSED) this.end({ kind: 'aborted', code: ErrorCode.NotDefined, message: 'client port unreachable' });
    else this.end({ kind: 'failed', message: `socket error: ${errnoName(errno)}` });
  }

  private end(result: FinishResult): void {
    if (this.done) return;
    this.done = true;
    if (this.onRing) {
      // The socket stays open until every request on it has completed: closed now, its number
      // could be reused by the next transfer's socket while queued requests still name it.
      this.inFlight += 1;
      this.host.ring!.cancelAll(this.fd, this.serial * 4 + TAG_CANCEL);
    } else {
      this.host.calls.close(this.fd);
    }
    const bytes = result.kind === 'complete' ? this.session.size : bytesAcked(this.session);
    const end: TransferEnd = { type: 'end', id: this.id, result, bytes, durationMs: performance.now() - this.startedAt, retransmits: this.retransmits, threadId };
    this.host.post(end);
  }
}

/** The lane's loop (see the top of the file). Returns after a stop, once every transfer has ended. */
export function runLane(port: MessagePort, signals: Int32Array, io: LaneIo = 'auto'): void {
  const calls = hotCalls();
  const api = libc();
  let ring: Uring | null = null;
  let ringRefused: string | undefined;
  if (io !== 'calls') {
    try {
      ring = Uring.open();
    } catch (e) {
      ringRefused = (e as Error).message;
    }
  }
  const host: LaneHost = { calls, ring, post: (m) => port.postMessage(m) };
  const transfers: LaneTransfer[] = [];
  /** Transfers with ring requests outstanding, by serial (an ended one's socket closes once it leaves). */
  const bySerial = new Map<number, LaneTransfer>();
  let nextSerial = 1;
  const inbox = Buffer.allocUnsafeSlow(INBOX_BYTES);
  let pollfds = Buffer.alloc(0);
  let polled: LaneTransfer[] = [];
  /** The set of transfers changed since pollfds was built. */
  let changed = true;
  let seen = Atomics.load(signals, SIGNAL_POSTED);
  let now = performance.now();

  const start = (job: WorkerJob): void => {
    let fd = -1;
    try {
      fd = openPinnedUdpFd({ iface: job.iface, address: job.address, port: 0 });
      api.connectInet4(fd, job.clientAddress, job.clientPort);
      api.setReceiveTimeout(fd, SLICE_MS);
    } catch (e) {
      if (fd >= 0) calls.close(fd);
      host.post({ type: 'open-failed', id: job.id, message: (e as Error).message });
      return;
    }
    const serial = nextSerial;
    nextSerial = (nextSerial + 1) & SERIAL_MASK || 1;
    const t = new LaneTransfer(job.id, fd, { fd: job.fd, position: job.position }, job.session, host, serial);
    transfers.push(t);
    changed = true;
    host.post({ type: 'started', id: job.id });
    t.apply({ kind: 'start' }, performance.now());
  };
  const readMessages = (): void => {
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      const message = m.message as ToWorker;
      if (message.type === 'start') start(message);
      else transfers.find((t) => t.id === message.id)?.abort(message.message);
    }
  };
  const onCompletion = (tag: number, result: number): void => {
    const t = bySerial.get(tag >>> 2);
    if (!t) return;
    if (!t.onCompletion(tag & 3, result, now)) return;
    bySerial.delete(t.serial);
    if (t.done) calls.close(t.fd);
  };
  /** Ring mode: submits what is queued and handles the completions of at most `waitMs`. */
  const ringRound = (r: Uring, waitMs: number): void => {
    const failed = r.enter(waitMs);
    // ETIME: the wait ended without a completion; EINTR: a signal; EBUSY, EAGAIN: completions
    // overflowed or the kernel was short of memory (what was not submitted goes next turn).
    // Anything else is a bug here.
    if (failed !== 0 && failed !== ETIME && failed !== EINTR && failed !== EBUSY && failed !== EAGAIN) throw new Error(`io_uring_enter failed: ${errnoName(failed)}`);
    now = performance.now();
    r.reap(onCompletion);
  };

  host.post({ type: 'ready', io: ring ? io : 'calls', ...(ringRefused ? { ringRefused } : {}) });
  // Jobs posted while this thread was loading bumped the counter already: read them now.
  readMessages();
  try {
    while (Atomics.load(signals, SIGNAL_STOP) === 0) {
      const posted = Atomics.load(signals, SIGNAL_POSTED);
      if (posted !== seen) {
        seen = posted;
        readMessages();
      }
      now = performance.now();
      for (const t of transfers) if (!t.done && now >= t.deadline) t.apply({ kind: 'timeout' }, now);
      if (prune(transfers)) changed = true;
      if (transfers.length === 0 && bySerial.size === 0) {
        Atomics.wait(signals, SIGNAL_POSTED, seen, 1000);
        continue;
      }
      let wait = SLICE_MS;
      for (const t of transfers) wait = Math.min(wait, t.deadline - now);
      if (ring) {
        // A lone transfer runs off the ring, on the two-call loop below: for one lock-step client
        // that measured faster than a ring round per block. With more, all of them go on the ring.
        const lone = io === 'auto' && transfers.length === 1 ? transfers[0]! : null;
        if (lone) lone.leaveRing();
        else {
          for (const t of transfers) {
            if (t.onRing) continue;
            t.joinRing();
            bySerial.set(t.serial, t);
          }
        }
        if (bySerial.size > 0) {
          ringRound(ring, Math.max(wait, 0.001));
          continue;
        }
      }
      if (transfers.length === 1) {
        // Two system calls per block: this recv() and the send() of the next block. The loop stays
        // here while nothing else needs a look: no message posted, no stop asked.
        const t = transfers[0]!;
        while (!t.done && Atomics.load(signals, SIGNAL_POSTED) === seen && Atomics.load(signals, SIGNAL_STOP) === 0) {
          const n = Number(calls.recv(t.fd, inbox, INBOX_BYTES, 0));
          now = performance.now();
          if (n >= 0) t.onPacket(inbox, n, now);
          else t.onReceiveError(calls.errno());
          if (!t.done && now >= t.deadline) t.apply({ kind: 'timeout' }, now);
        }
        continue;
      }
      if (changed) {
        changed = false;
        polled = transfers.slice();
        pollfds = Buffer.alloc(polled.length * POLLFD_BYTES);
        polled.forEach((t, i) => {
          pollfds.writeInt32LE(t.fd, i * POLLFD_BYTES);
          pollfds.writeInt16LE(POLLIN, i * POLLFD_BYTES + 4);
        });
      }
      const ready = Number(calls.poll(pollfds, polled.length, Math.max(0, Math.ceil(wait))));
      if (ready <= 0) continue; // timeout, or EINTR
      now = performance.now();
      for (let i = 0; i < polled.length; i += 1) {
        const revents = pollfds.readInt16LE(i * POLLFD_BYTES + 6);
        const t = polled[i]!;
        if ((revents & (POLLIN | POLLERR | POLLHUP)) === 0 || t.done) continue;
        const n = Number(calls.recv(t.fd, inbox, INBOX_BYTES, api.consts.MSG_DONTWAIT));
        if (n >= 0) t.onPacket(inbox, n, now);
        else t.onReceiveError(calls.errno());
      }
    }
    for (const t of transfers) t.abort('server stopped');
    if (ring) {
      // Every request is cancelled by the aborts: wait (bounded) for their completions, so that
      // no receive is still pointed at memory this thread is about to drop.
      for (let round = 0; round < 50 && bySerial.size > 0; round += 1) ringRound(ring, SLICE_MS);
      for (const t of bySerial.values()) calls.close(t.fd);
      ring.close();
    }
    host.post({ type: 'stopped' });
  } catch (e) {
    // A bug, not a client: the sockets are raw descriptors that worker termination would not close.
    for (const t of transfers) if (!t.done) calls.close(t.fd);
    for (const t of bySerial.values()) if (!transfers.includes(t)) calls.close(t.fd);
    ring?.close();
    throw e;
  }
}

/** Drops ended transfers in place; true when there were any. */
function prune(transfers: LaneTransfer[]): boolean {
  let kept = 0;
  for (const t of transfers) if (!t.done) transfers[kept++] = t;
  const removed = kept !== transfers.length;
  transfers.length = kept;
  return removed;
}

const data = workerData as Record<string, unknown> | null;
if (!isMainThread && parentPort && data?.[WORKER_MARK] === true && data[SIGNALS] instanceof SharedArrayBuffer) {
  const io = data[LANE_IO];
  runLane(parentPort, new Int32Array(data[SIGNALS]), io === 'calls' || io === 'ring' ? io : 'auto');
}
