// A minimal io_uring (Linux ≥ 6.1) for the TFTP lanes: queue sends, receives and cancellations,
// then submit them all and wait for completions in ONE system call.
//
// Why: a lane's cost per block is dominated by system calls, each one a koffi call (~1.4 µs) plus
// a kernel entry, and by the scheduler: a send() that wakes a client on the lane's own core lets
// that client preempt the lane on the way out of the call, once per block. With a ring a round of
// the lane (every block due to every ready client, and every receive re-armed) is one
// io_uring_enter: the clients are woken together and the lane is preempted at most once.
//
// The ring is set up SINGLE_ISSUER | DEFER_TASKRUN: completions are posted only inside
// io_uring_enter(GETEVENTS) called by this thread, so the completion queue never changes while
// JavaScript reads it, and no memory barrier beyond the system call itself is needed.
import koffi from 'koffi';
import { errnoName, hotCalls, libraryHandle } from './libc.js';

// <linux/io_uring.h>; the system call numbers are the same on every architecture (425–427).
const SYS_IO_URING_SETUP = 425;
const SYS_IO_URING_ENTER = 426;
const IORING_SETUP_CQSIZE = 1 << 3;
const IORING_SETUP_SUBMIT_ALL = 1 << 7;
const IORING_SETUP_SINGLE_ISSUER = 1 << 12;
const IORING_SETUP_DEFER_TASKRUN = 1 << 13;
const IORING_FEAT_SINGLE_MMAP = 1 << 0;
const IORING_FEAT_NODROP = 1 << 1;
const IORING_FEAT_EXT_ARG = 1 << 8;
const IORING_ENTER_GETEVENTS = 1 << 0;
const IORING_ENTER_EXT_ARG = 1 << 3;
const IORING_OFF_SQ_RING = 0;
// IORING_OFF_CQ_RING is not needed: with FEAT_SINGLE_MMAP one mapping holds both rings.
const IORING_OFF_SQES = 0x10000000;
const IORING_OP_ASYNC_CANCEL = 14;
const IORING_OP_SEND = 26;
const IORING_OP_RECV = 27;
const IORING_ASYNC_CANCEL_ALL = 1 << 0;
const IORING_ASYNC_CANCEL_FD = 1 << 1;
const PROT_READ_WRITE = 0x3;
const MAP_SHARED_POPULATE = 0x01 | 0x8000;

const SQE_BYTES = 64;
const SQE_WORDS = SQE_BYTES / 4;
const CQE_BYTES = 16;
const PARAMS_BYTES = 120;
const TWO_32 = 4_294_967_296;

/** Linux errno values the ring reports (negated in completions). */
export const ETIME = 62;
export const ECANCELED = 125;
/** io_uring_enter: the completion queue overflowed (it is drained by the next reap). */
export const EBUSY = 16;

type Syscall = (...args: unknown[]) => number | bigint;

interface Bindings {
  setup: Syscall;
  enter: Syscall;
  mmap: (addr: null, length: number, prot: number, flags: number, fd: number, offset: number) => unknown;
  munmap: (addr: unknown, length: number) => number;
}

let bindings: Bindings | null = null;
function bind(): Bindings {
  if (bindings) return bindings;
  const lib = libraryHandle();
  // glibc has no io_uring wrappers; syscall() is declared once per shape (its arguments are all
  // integers or pointers, passed in registers, so a fixed prototype is what the variadic one reads).
  bindings = {
    setup: lib.func('syscall', 'long', ['long', 'uint32_t', 'void *']) as unknown as Syscall,
    enter: lib.func('syscall', 'long', ['long', 'int', 'uint32_t', 'uint32_t', 'uint32_t', 'void *', 'size_t']) as unknown as Syscall,
    mmap: lib.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)') as unknown as Bindings['mmap'],
    munmap: lib.func('int munmap(void *addr, size_t len)') as unknown as Bindings['munmap'],
  };
  return bindings;
}

/** Why io_uring_setup refused, in words a user can act on. */
function setupFailure(errno: number): string {
  const name = errnoName(errno);
  if (name === 'ENOSYS') return 'this kernel has no io_uring (ENOSYS)';
  if (name === 'EPERM' || name === 'EACCES')
    return `io_uring is not allowed here (${name}: a seccomp filter such as Docker's default profile, or sysctl kernel.io_uring_disabled)`;
  if (name === 'EINVAL') return "this kernel's io_uring lacks SINGLE_ISSUER / DEFER_TASKRUN (EINVAL: needs Linux 6.1)";
  return `io_uring_setup failed (${name})`;
}

/** What a completion said: the tag it was queued with, and the result (bytes, or −errno). */
export type CompletionHandler = (tag: number, result: number) => void;

/**
 * One io_uring. Not thread-safe: it belongs to the thread that opened it (SINGLE_ISSUER).
 * Tags are unsigned 32-bit numbers chosen by the caller; they come back with each completion.
 */
export class Uring {
  private closed = false;
  private readonly enterArg = Buffer.allocUnsafeSlow(24); // struct io_uring_getevents_arg
  private readonly timespec = Buffer.alloc(16); // struct __kernel_timespec
  /** The wait the timespec holds now (ms): rewritten only when it changes. */
  private timespecMs = 0;
  private readonly enterCall = bind().enter;

  private constructor(
    private readonly fd: number,
    private readonly sq: { head: Uint32Array; tail: Uint32Array; mask: number; entries: number },
    private readonly sqes: Uint32Array,
    /** cqes: the completion array as 32-bit words (user_data low word, high word, res, flags). */
    private readonly cq: { head: Uint32Array; tail: Uint32Array; mask: number; cqes: Int32Array },
    private readonly maps: Array<{ at: unknown; length: number }>,
  ) {
    this.enterArg.fill(0);
    const ts = BigInt(koffi.address(this.timespec) as bigint | number);
    this.enterArg.writeBigUInt64LE(ts, 16);
  }

  /**
   * Opens a ring with room for `entries` queued requests (a power of two) and `completions`
   * pending completions; throws with the reason when this kernel (or a seccomp filter, as in
   * Docker's default profile) does not offer what the lane needs.
   */
  static open(entries = 256, completions = 4096): Uring {
    if (process.platform !== 'linux') throw new Error('io_uring is Linux only');
    const b = bind();
    const params = Buffer.alloc(PARAMS_BYTES);
    params.writeUInt32LE(completions, 4);
    params.writeUInt32LE(IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, 8);
    const fd = Number(b.setup(SYS_IO_URING_SETUP, entries, params));
    if (fd < 0) throw new Error(setupFailure(koffi.errno()));
    const maps: Array<{ at: unknown; length: number }> = [];
    try {
      const features = params.readUInt32LE(20);
      const needed = IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | IORING_FEAT_EXT_ARG;
      if ((features & needed) !== needed) throw new Error(`io_uring lacks features (have 0x${features.toString(16)})`);
      const sqEntries = params.readUInt32LE(0);
      const cqEntries = params.readUInt32LE(4);
      const sqOff = (k: number) => params.readUInt32LE(40 + k * 4); // head, tail, ring_mask, ring_entries, flags, dropped, array
      const cqOff = (k: number) => params.readUInt32LE(80 + k * 4); // head, tail, ring_mask, ring_entries, overflow, cqes
      const ringBytes = Math.max(sqOff(6) + sqEntries * 4, cqOff(5) + cqEntries * CQE_BYTES);
      const map = (length: number, offset: number): ArrayBuffer => {
        const at = b.mmap(null, length, PROT_READ_WRITE, MAP_SHARED_POPULATE, fd, offset);
        // MAP_FAILED is (void *) −1.
        if (at === null || BigInt.asIntN(64, BigInt(koffi.address(at as never) as bigint | number)) === -1n) {
          throw new Error(`mmap of the io_uring failed (${errnoName(koffi.errno())})`);
        }
        maps.push({ at, length });
        return koffi.view(at as never, length);
      };
      const ring = map(ringBytes, IORING_OFF_SQ_RING);
      const sqeMemory = map(sqEntries * SQE_BYTES, IORING_OFF_SQES);
      const words = new Uint32Array(ring);
      // The SQ array maps ring slots to SQE indices: the identity, written once.
      const array = new Uint32Array(ring, sqOff(6), sqEntries);
      for (let i = 0; i < sqEntries; i += 1) array[i] = i;
      const sq = {
        head: new Uint32Array(ring, sqOff(0), 1),
        tail: new Uint32Array(ring, sqOff(1), 1),
        mask: words[sqOff(2) / 4]!,
        entries: sqEntries,
      };
      const cq = {
        head: new Uint32Array(ring, cqOff(0), 1),
        tail: new Uint32Array(ring, cqOff(1), 1),
        mask: words[cqOff(2) / 4]!,
        cqes: new Int32Array(ring, cqOff(5), cqEntries * (CQE_BYTES / 4)),
      };
      // Zeroed once: the kernel never writes SQEs, so put() writes only the fields that vary.
      const sqes = new Uint32Array(sqeMemory).fill(0);
      return new Uring(fd, sq, sqes, cq, maps);
    } catch (e) {
      for (const m of maps) b.munmap(m.at, m.length);
      hotCalls().close(fd);
      throw e;
    }
  }

  /**
   * Queues a send of `length` bytes at memory address `at` (the buffer must stay alive and
   * unchanged until its completion).
   */
  send(fd: number, at: number, length: number, tag: number): void {
    this.put(IORING_OP_SEND, fd, at, length, 0, tag);
  }

  /** Queues a receive of up to `length` bytes into memory at `at` (alive until its completion). */
  recv(fd: number, at: number, length: number, tag: number): void {
    this.put(IORING_OP_RECV, fd, at, length, 0, tag);
  }

  /** Queues the cancellation of the request queued with tag `target`; it completes with −ECANCELED. */
  cancel(target: number, tag: number): void {
    this.put(IORING_OP_ASYNC_CANCEL, -1, target, 0, 0, tag); // matched by user_data, held in addr
  }

  /** Queues the cancellation of every request on `fd`; they complete with −ECANCELED. */
  cancelAll(fd: number, tag: number): void {
    this.put(IORING_OP_ASYNC_CANCEL, fd, 0, 0, IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD, tag);
  }

  /**
   * Submits everything queued and waits up to `waitMs` (0: not at all) for one completion.
   * Returns 0, or the errno of a failure (ETIME when the wait ended without a completion, EINTR).
   */
  enter(waitMs: number): number {
    // Queued and not yet consumed by the kernel: counted from the ring itself, so that requests
    // left over by a failed call are submitted by the next one.
    const toSubmit = (this.sq.tail[0]! - this.sq.head[0]!) >>> 0;
    if (waitMs <= 0) {
      if (toSubmit === 0) return 0;
      const n = Number(this.enterCall(SYS_IO_URING_ENTER, this.fd, toSubmit, 0, 0, null, 0));
      return n < 0 ? koffi.errno() : 0;
    }
    const ms = Math.ceil(waitMs);
    if (ms !== this.timespecMs) {
      // tv_sec and tv_nsec are 64-bit; a wait of a few seconds fits their low words.
      this.timespecMs = ms;
      this.timespec.writeUInt32LE(Math.floor(ms / 1000), 0);
      this.timespec.writeUInt32LE((ms % 1000) * 1_000_000, 8);
    }
    const n = Number(
      this.enterCall(SYS_IO_URING_ENTER, this.fd, toSubmit, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, this.enterArg, 24),
    );
    return n < 0 ? koffi.errno() : 0;
  }

  /**
   * Hands every pending completion to `handle`, in order, including those posted while handlers
   * run (a handler may submit, and sends complete during submission); returns how many there were.
   */
  reap(handle: CompletionHandler): number {
    const { head, tail, mask, cqes } = this.cq;
    let h = head[0]!;
    let n = 0;
    while (h !== tail[0]!) {
      const w = (h & mask) * (CQE_BYTES / 4);
      // user_data: the tag in its low word (unsigned); res: a signed 32-bit result.
      const tag = cqes[w]! >>> 0;
      const result = cqes[w + 2]!;
      h = (h + 1) >>> 0;
      head[0] = h; // before the handler: it may queue, submit and re-enter
      handle(tag, result);
      n += 1;
    }
    return n;
  }

  /** Unmaps the ring and closes it; requests still in flight are cancelled by the kernel. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const b = bind();
    for (const m of this.maps) b.munmap(m.at, m.length);
    hotCalls().close(this.fd);
  }

  private put(opcode: number, fd: number, at: number, length: number, opFlags: number, tag: number): void {
    const tail = this.sq.tail[0]!;
    if ((tail - this.sq.head[0]!) >>> 0 === this.sq.entries) {
      // Full: submit what is there first. Should the kernel refuse it, overwriting a queued
      // request would lose it silently: fail loudly instead.
      const failed = this.enter(0);
      if ((tail - this.sq.head[0]!) >>> 0 === this.sq.entries) throw new Error(`io_uring submission queue full (${errnoName(failed)})`);
    }
    const w = (tail & this.sq.mask) * SQE_WORDS;
    const s = this.sqes;
    // Words 0–1: opcode (flags, ioprio 0), fd; 2–3: off (0); 4–5: addr; 6: len; 7: msg_flags or
    // cancel_flags; 8–9: user_data (the tag; high word 0); the rest stays 0.
    s[w] = opcode;
    s[w + 1] = fd;
    s[w + 4] = at % TWO_32;
    s[w + 5] = Math.floor(at / TWO_32);
    s[w + 6] = length;
    s[w + 7] = opFlags;
    s[w + 8] = tag;
    this.sq.tail[0] = (tail + 1) >>> 0;
  }
}
