// One read transfer as a pure state machine (STYLE.md habit 3): option negotiation, then
// `step(session, event, now) => [next, actions]`. The transport (server.ts) performs the actions:
// it sends packets, keeps ONE timer per transfer at `session.deadline`, and reports what happened.
//
// Blocks are numbered here with absolute indexes (1, 2, … lastBlock); only the wire carries them
// modulo 65536. After block 65535 the wire number wraps to 0, as tftpd-hpa does, so files larger
// than 65535 × blksize (32 MiB at 512-byte blocks) still transfer.
import { ErrorCode, type TftpOption } from './codec.js';

export const DEFAULT_BLKSIZE = 512; // RFC 1350
export const MIN_BLKSIZE = 8; // RFC 2348
export const MAX_BLKSIZE = 65464; // RFC 2348's upper bound
/** Largest window we agree to (RFC 7440 lets the server answer with a smaller one). */
export const MAX_WINDOWSIZE = 64;
/** Bytes in flight per transfer at most: bounds memory (read-ahead) and bursts into small switch buffers. */
const MAX_WINDOW_BYTES = 1 << 20;
const MAX_BACKOFF_MS = 8000;

/** The largest blksize that fits one unfragmented IPv4 packet on a link: MTU − 20 IP − 8 UDP − 4 TFTP. */
export function blksizeForMtu(mtu: number): number {
  return clamp(Math.floor(mtu) - 32, MIN_BLKSIZE, MAX_BLKSIZE);
}

export interface Negotiated {
  blksize: number;
  windowsize: number;
  timeoutMs: number;
  /** Options to acknowledge in an OACK; null when the client asked for none we accept (then DATA 1 comes first). */
  oack: TftpOption[] | null;
}

/**
 * RFC 2347: the server acknowledges the options it accepts, may lower blksize (RFC 2348) and
 * windowsize (RFC 7440), must echo timeout unchanged (RFC 2349), and ignores what it does not know.
 * An invalid value makes us ignore that option, not refuse the transfer.
 */
export function negotiate(options: readonly TftpOption[], ctx: { size: number; mtu: number; timeoutMs: number }): Negotiated {
  const asked = new Map<string, { name: string; value: number }>();
  for (const o of options) {
    const key = o.name.toLowerCase();
    // First occurrence wins; a non-decimal value is ignored (all four options are decimal numbers).
    if (!asked.has(key) && /^\d{1,10}$/.test(o.value)) asked.set(key, { name: o.name, value: Number(o.value) });
  }
  const oack: TftpOption[] = [];
  let blksize = DEFAULT_BLKSIZE;
  const b = asked.get('blksize');
  if (b && b.value >= MIN_BLKSIZE) {
    // Clamped to the link: a DATA packet that needs IP fragmentation is lost whole when one
    // fragment is, and several PXE ROMs do not reassemble at all.
    blksize = Math.min(b.value, blksizeForMtu(ctx.mtu));
    oack.push({ name: b.name, value: String(blksize) });
  }
  let timeoutMs = ctx.timeoutMs;
  const t = asked.get('timeout');
  if (t && t.value >= 1 && t.value <= 255) {
    timeoutMs = t.value * 1000;
    oack.push({ name: t.name, value: String(t.value) });
  }
  // RFC 2349: tsize only when asked (some EFI ROMs reject unsolicited options); in a RRQ the
  // client sends 0 and the server answers the real size.
  const s = asked.get('tsize');
  if (s) oack.push({ name: s.name, value: String(ctx.size) });
  let windowsize = 1;
  const w = asked.get('windowsize');
  if (w && w.value >= 1 && w.value <= 65535) {
    windowsize = Math.max(1, Math.min(w.value, MAX_WINDOWSIZE, Math.floor(MAX_WINDOW_BYTES / blksize)));
    oack.push({ name: w.name, value: String(windowsize) });
  }
  return { blksize, windowsize, timeoutMs, oack: oack.length > 0 ? oack : null };
}

export interface Session {
  readonly phase: 'new' | 'negotiating' | 'sending' | 'done';
  readonly blksize: number;
  readonly windowsize: number;
  readonly timeoutMs: number;
  readonly maxTries: number;
  readonly size: number;
  /** Absolute index of the last DATA block (the first one shorter than blksize, possibly empty). */
  readonly lastBlock: number;
  /** First block the client has not acknowledged (absolute). */
  readonly base: number;
  /** Highest block handed out for sending (absolute). */
  readonly sentTo: number;
  /** Retransmissions since the last progress. */
  readonly tries: number;
  /** When the transport should report a timeout (ms, same clock as `now`). */
  readonly deadline: number;
  readonly oack: readonly TftpOption[] | null;
}

export type SessionEvent =
  | { kind: 'start' }
  | { kind: 'ack'; block: number } // the 16-bit number from the wire
  | { kind: 'error'; code: number; message: string } // the client sent ERROR
  | { kind: 'timeout' }
  | { kind: 'fail'; message: string }; // the server could not read the file

export type FinishResult =
  | { kind: 'complete' }
  /** The client stopped right after our OACK: the UEFI "ask the size, then abort" probe (RFC 2347 allows it). */
  | { kind: 'probe'; code: number; message: string }
  | { kind: 'aborted'; code: number; message: string }
  | { kind: 'timeout' }
  | { kind: 'failed'; message: string };

export type SessionAction =
  | { kind: 'send-oack'; options: readonly TftpOption[] }
  /** Send blocks from..to (absolute, inclusive), in order. */
  | { kind: 'send-data'; from: number; to: number }
  | { kind: 'send-error'; code: number; message: string }
  | { kind: 'arm-timer'; at: number }
  | { kind: 'finish'; result: FinishResult };

export type StepResult = readonly [Session, readonly SessionAction[]];

export function createSession(p: { size: number; maxTries: number } & Negotiated): Session {
  return {
    phase: 'new',
    blksize: p.blksize,
    windowsize: p.windowsize,
    timeoutMs: p.timeoutMs,
    maxTries: p.maxTries,
    size: p.size,
    lastBlock: Math.floor(p.size / p.blksize) + 1,
    base: 1,
    sentTo: 0,
    tries: 0,
    deadline: Number.POSITIVE_INFINITY,
    oack: p.oack,
  };
}

export function step(s: Session, event: SessionEvent, now: number): StepResult {
  if (s.phase === 'done') return [s, []];
  switch (event.kind) {
    case 'start':
      if (s.phase !== 'new') return [s, []];
      if (s.oack) return armed({ ...s, phase: 'negotiating' }, [{ kind: 'send-oack', options: s.oack }], now);
      return sendWindow({ ...s, phase: 'sending' }, now);
    case 'ack':
      return onAck(s, event.block, now);
    case 'error':
      // RFC 1350: an ERROR is not acknowledged or retransmitted; the transfer just ends.
      return finish(
        s,
        s.phase === 'negotiating'
          ? { kind: 'probe', code: event.code, message: event.message }
          : { kind: 'aborted', code: event.code, message: event.message },
      );
    case 'timeout':
      return onTimeout(s, now);
    case 'fail':
      return finish(s, { kind: 'failed', message: event.message }, [
        { kind: 'send-error', code: ErrorCode.NotDefined, message: 'Read error on the server' },
      ]);
  }
}

function onAck(s: Session, block: number, now: number): StepResult {
  if (s.phase === 'negotiating') {
    // RFC 2347: ACK 0 confirms the OACK; anything else is stray and ignored.
    return block === 0 ? sendWindow({ ...s, phase: 'sending', base: 1, tries: 0 }, now) : [s, []];
  }
  if (s.phase !== 'sending') return [s, []];
  // Map the 16-bit number onto the blocks in flight, relative to the last acknowledged one, so
  // rollover needs no special case.
  const rel = (block - ((s.base - 1) & 0xffff)) & 0xffff;
  // rel 0: a duplicate ACK of what was already acknowledged. Resending on it is the Sorcerer's
  // Apprentice bug (RFC 1123 §4.2.3.1): every duplicate doubles the traffic. Only our timer resends.
  if (rel === 0) return [s, []];
  const acked = s.base - 1 + rel;
  if (acked > s.sentTo) return [s, []]; // not a block we sent (stale or bogus)
  if (acked === s.lastBlock) return finish({ ...s, base: acked + 1 }, { kind: 'complete' });
  // RFC 7440 §4: an ACK inside the window means the client lost the blocks after it; the next
  // window starts right there (after a full window it is simply the next window).
  return sendWindowFrom(s, acked + 1, 0, now);
}

function onTimeout(s: Session, now: number): StepResult {
  if (s.phase !== 'negotiating' && s.phase !== 'sending') return [s, []];
  if (now < s.deadline) return [s, []]; // a timer that fired early or for an older deadline
  const tries = s.tries + 1;
  if (tries > s.maxTries) return finish(s, { kind: 'timeout' });
  const next = { ...s, tries };
  if (s.phase === 'negotiating') return armed(next, [{ kind: 'send-oack', options: s.oack ?? [] }], now);
  return sendWindow(next, now);
}

function sendWindow(s: Session, now: number): StepResult {
  return sendWindowFrom(s, s.base, s.tries, now);
}

/**
 * The window from `base` with `tries` retransmissions so far, and its timer. Every ACK of a
 * transfer comes here: the next session is made in one object, not one per field changed (a
 * block's garbage is what the lanes' scavenges collect).
 */
function sendWindowFrom(s: Session, base: number, tries: number, now: number): StepResult {
  const to = Math.min(base + s.windowsize - 1, s.lastBlock);
  const at = now + backoffDelay(s.timeoutMs, tries);
  return [
    { ...s, base, tries, sentTo: Math.max(s.sentTo, to), deadline: at },
    [
      { kind: 'send-data', from: base, to },
      { kind: 'arm-timer', at },
    ],
  ];
}

function armed(s: Session, actions: SessionAction[], now: number): StepResult {
  const at = now + backoffDelay(s.timeoutMs, s.tries);
  return [{ ...s, deadline: at }, [...actions, { kind: 'arm-timer', at }]];
}

function finish(s: Session, result: FinishResult, before: SessionAction[] = []): StepResult {
  return [{ ...s, phase: 'done', deadline: Number.POSITIVE_INFINITY }, [...before, { kind: 'finish', result }]];
}

/** Exponential backoff: the base timeout doubles with each retransmission, up to 8 s (or the base, if larger). */
export function backoffDelay(timeoutMs: number, tries: number): number {
  return Math.min(timeoutMs * 2 ** tries, Math.max(timeoutMs, MAX_BACKOFF_MS));
}

/** Bytes the client has acknowledged so far. */
export function bytesAcked(s: Session): number {
  return Math.min((s.base - 1) * s.blksize, s.size);
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}
