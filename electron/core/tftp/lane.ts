// A TFTP lane: a worker thread that moves its transfers' packets with direct system calls (koffi
// over libc) instead of libuv: the I/O strategy the pool (pool.ts) uses on Linux. The protocol is
// engine.ts, as in the main thread and the portable worker; what is here is the loop and the calls.
//
// Why: in lock-step a transfer is one packet each way per block, so what a block costs the server
// in CPU sets the pace. Through libuv a block cost ~50 µs of CPU here (epoll, recvmsg twice, a
// request object and a callback into JS per send) against 22–27 µs for tftpd-hpa; a lane spends
// 23–26 µs: one recv() and one send() per block while it has one transfer, epoll_wait() + recv() + send()
// with several (the wait shared by every socket that is ready). docs/design/tftp.md has the numbers.
//
// One turn of the loop:
//   1. messages: when the main thread's counter moved, every queued message is read
//      (receiveMessageOnPort: the lane never returns to its event loop while it has work);
//   2. deadlines: transfers whose timer is due get their timeout;
//   3. packets, waiting at most SLICE_MS: with no transfer Atomics.wait on the counter; with one a
//      blocking recv() on its socket (SO_RCVTIMEO); with several epoll_wait() then recv() on each
//      ready one (epoll: the cost of a turn follows the sockets that are ready, not all of them,
//      which with a rack's worth of lock-step clients is what a turn costs).
// Every wait ends within SLICE_MS, so a new job, an abort, a stop or a deadline is seen at most that
// late, while a packet is handled the moment it arrives.
//
// The file is read in this thread with a blocking readv per run (a slow disk stalls this lane's
// transfers, as it stalls a tftpd process); sends block only while the socket's buffer is full.
import { readvSync } from 'node:fs';
import { isMainThread, parentPort, receiveMessageOnPort, threadId, workerData, type MessagePort } from 'node:worker_threads';
import { openPinnedUdpFd } from '../net/bound-socket.js';
import {
  EPOLL_CLOEXEC,
  EPOLL_CTL_ADD,
  EPOLL_DATA_OFFSET,
  EPOLL_EVENT_BYTES,
  EPOLLIN,
  errnoName,
  hotCalls,
  libc,
  type HotCalls,
} from '../net/libc.js';
import { remaining, Transfer, type RunReader } from './engine.js';
import {
  delayLoad,
  SIGNAL_POSTED,
  SIGNAL_STOP,
  SIGNALS,
  WORKER_MARK,
  type FromWorker,
  type ToWorker,
  type WorkerJob,
} from './worker-protocol.js';

/** The longest a lane blocks in one call. */
export const SLICE_MS = 20;
/** A client sends ACKs (4 bytes) and ERRORs (a message: RFC 1350 sets no limit, 512 is plenty). */
const INBOX_BYTES = 2048;
/** How often the loop looks at every transfer's deadline (ms). */
const SCAN_MS = 10;
/** Ready sockets taken per epoll_wait (more wait for the next turn). */
const EVENTS_MAX = 64;

/** Linux errno numbers the loop branches on (the lane runs on Linux only). */
const EINTR = 4;
const EAGAIN = 11;

interface LaneTransfer {
  readonly id: number;
  /** The socket, pinned to the NIC, bound to the server's address, connected to the client. */
  readonly fd: number;
  readonly transfer: Transfer;
}

/** Blocking readv of the served file (at `base` in descriptor `fd`), in this thread. */
function blockingReader(fd: number, base: number): RunReader {
  return (views, position, done) => {
    let got = 0;
    let rest: Buffer[] = [...views];
    try {
      // Bounded: every turn reads at least one byte or stops.
      while (rest.length > 0) {
        const n = readvSync(fd, rest, base + position + got);
        if (n === 0) break; // the file ended
        got += n;
        rest = remaining(rest, n);
      }
    } catch (e) {
      return done(e as Error, got);
    }
    done(null, got);
  };
}

/** Opens the transfer's socket and starts it; null (and 'open-failed' posted) when the socket cannot be opened. */
function startTransfer(
  job: WorkerJob,
  calls: HotCalls,
  epfd: number,
  post: (m: FromWorker) => void,
  onEnd: () => void,
): LaneTransfer | null {
  const api = libc();
  let fd = -1;
  try {
    fd = openPinnedUdpFd({ iface: job.iface, address: job.address, port: 0 });
    api.connectInet4(fd, job.clientAddress, job.clientPort);
    api.setReceiveTimeout(fd, SLICE_MS);
    const event = Buffer.alloc(EPOLL_EVENT_BYTES);
    event.writeUInt32LE(EPOLLIN, 0);
    event.writeUInt32LE(fd, EPOLL_DATA_OFFSET);
    if (calls.epollCtl(epfd, EPOLL_CTL_ADD, fd, event) < 0) throw new Error(`epoll_ctl failed: ${errnoName(calls.errno())}`);
  } catch (e) {
    if (fd >= 0) calls.close(fd);
    post({ type: 'open-failed', id: job.id, message: (e as Error).message });
    return null;
  }
  const socket = fd;
  const transfer: Transfer = new Transfer(
    job.session,
    {
      send: (packet) => {
        // Blocking send: it waits only while the socket's send buffer is full (a window burst), which
        // is the flow control we want. EINTR (a signal) is retried once; a lost packet is the timer's job.
        let n = Number(calls.send(socket, packet, packet.length, 0));
        if (n < 0 && calls.errno() === EINTR) n = Number(calls.send(socket, packet, packet.length, 0));
        if (n < 0) {
          const errno = calls.errno();
          if (errno !== EAGAIN && errno !== EINTR) transfer.socketError(errnoName(errno));
        }
      },
      whenFlushed: (then) => then(), // send() returned: the kernel has copied the packet
      armTimer: () => undefined, // the loop watches transfer.deadline
      close: () => void calls.close(socket), // which also takes it out of the epoll set
    },
    blockingReader(job.fd, job.position),
    {
      clock: () => performance.now(),
      // Reads are synchronous here: none uses the descriptor any more, so the main thread may close it.
      finished: (result, bytes, durationMs, retransmits) => {
        onEnd();
        post({ type: 'end', id: job.id, result, bytes, durationMs, retransmits, threadId });
      },
    },
  );
  post({ type: 'started', id: job.id });
  transfer.start();
  return { id: job.id, fd, transfer };
}

/** A packet (or a receive error) on a transfer's socket: `n` bytes in `inbox`, or −1 and errno. */
function received(t: LaneTransfer, inbox: Buffer, n: number, calls: HotCalls): void {
  if (n >= 0) return t.transfer.onPacket(inbox, n);
  const errno = calls.errno();
  if (errno !== EAGAIN && errno !== EINTR) t.transfer.socketError(errnoName(errno)); // EAGAIN: nothing yet (SO_RCVTIMEO)
}

/** The lane's loop (see the top of the file). Returns after a stop, once every transfer has ended. */
export function runLane(port: MessagePort, signals: Int32Array): void {
  const calls = hotCalls();
  const MSG_DONTWAIT = libc().consts.MSG_DONTWAIT;
  const post = (m: FromWorker) => port.postMessage(m);
  const epfd = calls.epollCreate(EPOLL_CLOEXEC);
  if (epfd < 0) throw new Error(`epoll_create1 failed: ${errnoName(calls.errno())}`);
  const events = Buffer.alloc(EVENTS_MAX * EPOLL_EVENT_BYTES);
  let transfers: LaneTransfer[] = [];
  const byFd = new Map<number, LaneTransfer>();
  const inbox = Buffer.allocUnsafeSlow(INBOX_BYTES);
  let seen = Atomics.load(signals, SIGNAL_POSTED);
  /** When the loop next looks at every transfer's deadline (at the latest SCAN_MS after the last look). */
  let nextScan = 0;
  /** A transfer ended since the last turn: the lists are compacted. */
  let ended = false;
  const onEnd = (): void => {
    ended = true;
  };

  const readMessages = (): void => {
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      const message = m.message as ToWorker;
      if (message.type === 'start') {
        const t = startTransfer(message, calls, epfd, post, onEnd);
        nextScan = 0; // its first deadline
        if (t) {
          transfers.push(t);
          byFd.set(t.fd, t);
        }
      } else transfers.find((t) => t.id === message.id)?.transfer.abort(message.message);
    }
  };

  post({ type: 'ready' });
  // Jobs posted while this thread was loading bumped the counter already: read them now.
  readMessages();
  try {
    while (Atomics.load(signals, SIGNAL_STOP) === 0) {
      const posted = Atomics.load(signals, SIGNAL_POSTED);
      if (posted !== seen) {
        seen = posted;
        readMessages();
      }
      let now = performance.now();
      if (now >= nextScan) {
        // Deadlines are re-armed by every ACK and are at least a retransmission timeout (≥ 300 ms)
        // away: looking at them every SCAN_MS, not every turn, keeps a turn's cost to what is ready
        // (a rack puts fifty transfers in a lane, and a turn often serves one of them).
        for (const t of transfers) if (!t.transfer.done && now >= t.transfer.deadline) t.transfer.timeout();
        now = performance.now();
        nextScan = now + SCAN_MS;
        for (const t of transfers) if (!t.transfer.done && t.transfer.deadline < nextScan) nextScan = t.transfer.deadline;
      }
      if (ended) {
        ended = false;
        for (const t of transfers) if (t.transfer.done && byFd.get(t.fd) === t) byFd.delete(t.fd);
        transfers = transfers.filter((t) => !t.transfer.done);
      }
      if (transfers.length === 0) {
        Atomics.wait(signals, SIGNAL_POSTED, seen, 1000);
        continue;
      }
      if (transfers.length === 1) {
        // Two system calls per block: this recv() and the send() of the next block. The loop stays
        // here while nothing else needs a look: no message posted, no stop asked.
        const t = transfers[0]!;
        while (!t.transfer.done && Atomics.load(signals, SIGNAL_POSTED) === seen && Atomics.load(signals, SIGNAL_STOP) === 0) {
          received(t, inbox, Number(calls.recv(t.fd, inbox, INBOX_BYTES, 0)), calls);
          if (!t.transfer.done && performance.now() >= t.transfer.deadline) t.transfer.timeout();
        }
        continue;
      }
      const wait = Math.min(SLICE_MS, nextScan - now);
      const ready = Number(calls.epollWait(epfd, events, EVENTS_MAX, Math.max(0, Math.ceil(wait))));
      // Bounded by EVENTS_MAX; ready ≤ 0: the wait ended, or a signal (EINTR).
      for (let i = 0; i < ready; i += 1) {
        const t = byFd.get(events.readUInt32LE(i * EPOLL_EVENT_BYTES + EPOLL_DATA_OFFSET));
        if (!t || t.transfer.done) continue;
        received(t, inbox, Number(calls.recv(t.fd, inbox, INBOX_BYTES, MSG_DONTWAIT)), calls);
      }
    }
    for (const t of transfers) t.transfer.abort('server stopped');
    post({ type: 'stopped' });
  } catch (e) {
    // A bug, not a client: the sockets are raw descriptors that worker termination would not close.
    for (const t of transfers) if (!t.transfer.done) calls.close(t.fd);
    throw e;
  } finally {
    calls.close(epfd);
  }
}

const data = workerData as Record<string, unknown> | null;
if (!isMainThread && parentPort && data?.[WORKER_MARK] === true && data[SIGNALS] instanceof SharedArrayBuffer) {
  delayLoad(data);
  runLane(parentPort, new Int32Array(data[SIGNALS]));
}
