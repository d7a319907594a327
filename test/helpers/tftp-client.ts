// A scripted TFTP client for the cases real clients cannot be made to do: the UEFI size probe
// (RRQ with options → OACK → ERROR 8), raw request bytes, write requests, and a windowed download
// that reports what it got. Run inside a lab namespace (one JSON argument, JSON on stdout):
//   node --import tsx test/helpers/tftp-client.ts '{"server":"10.231.5.1","file":"x","options":{"tsize":"0"},"abortAfterOack":true}'
// Every wait is bounded: the client gives up after `timeoutMs` without a packet.
import dgram from 'node:dgram';
import { createHash } from 'node:crypto';
import { decodeTftp, encodeAck, encodeError, encodeTftp, type TftpPacket } from '../../electron/core/tftp/codec.js';

export interface TftpClientScript {
  server: string;
  port?: number;
  file?: string;
  /** Sent as is instead of an RRQ built from file/options. */
  rawHex?: string;
  mode?: string;
  options?: Record<string, string>;
  write?: boolean;
  abortAfterOack?: boolean;
  timeoutMs?: number;
  /**
   * Acknowledge this many DATA blocks, then stop acknowledging: with `vanish` the client closes
   * its socket at once (the server's next DATA meets ICMP port unreachable); without, it listens
   * for `listenMs` and counts how often the next block arrives (the server's retransmissions).
   */
  stopAfterBlocks?: number;
  vanish?: boolean;
  listenMs?: number;
}

export interface TftpClientResult {
  /** The server's first answer. */
  first: { op: string; code?: number; message?: string; options?: Record<string, string>; from: number } | null;
  bytes?: number;
  sha256?: string;
  blocks?: number;
  error?: string;
  /** stopAfterBlocks without vanish: how often the next block arrived while nothing was acknowledged. */
  repeats?: number;
  /** stopAfterBlocks without vanish: the ERROR the server sent meanwhile, if any. */
  serverError?: { code: number; message: string };
}

async function run(script: TftpClientScript): Promise<TftpClientResult> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  const timeoutMs = script.timeoutMs ?? 5000;
  const queue: { buf: Buffer; port: number }[] = [];
  let waiter: (() => void) | null = null;
  socket.on('message', (buf, rinfo) => {
    queue.push({ buf, port: rinfo.port });
    waiter?.();
  });
  const next = async (): Promise<{ packet: TftpPacket; port: number } | null> => {
    if (queue.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      waiter = null;
    }
    const item = queue.shift();
    if (!item) return null;
    const d = decodeTftp(item.buf);
    if (!d.ok) throw new Error(`server sent a malformed packet: ${d.error}`);
    return { packet: d.packet, port: item.port };
  };
  // Resolves once the datagram has left: the socket must not close before the last ACK or ERROR goes.
  const send = (buf: Buffer, port: number) => new Promise<void>((resolve) => socket.send(buf, port, script.server, () => resolve()));
  try {
    const request = script.rawHex
      ? Buffer.from(script.rawHex, 'hex')
      : encodeTftp({
          op: script.write ? 'wrq' : 'rrq',
          filename: script.file ?? '',
          mode: script.mode ?? 'octet',
          options: Object.entries(script.options ?? {}).map(([name, value]) => ({ name, value })),
        });
    await send(request, script.port ?? 69);
    const first = await next();
    if (!first) return { first: null };
    const p = first.packet;
    const summary: TftpClientResult['first'] =
      p.op === 'error'
        ? { op: 'error', code: p.code, message: p.message, from: first.port }
        : p.op === 'oack'
          ? { op: 'oack', options: Object.fromEntries(p.options.map((o) => [o.name, o.value])), from: first.port }
          : { op: p.op, from: first.port };
    if (p.op === 'error') return { first: summary };
    if (p.op === 'oack' && script.abortAfterOack) {
      await send(encodeError(8, 'User aborted the transfer'), first.port);
      return { first: summary };
    }
    const blksize = Number((p.op === 'oack' && p.options.find((o) => o.name === 'blksize')?.value) || 512);
    const windowsize = Number((p.op === 'oack' && p.options.find((o) => o.name === 'windowsize')?.value) || 1);
    const hash = createHash('sha256');
    let bytes = 0;
    let expected = 1; // absolute block expected next
    let inWindow = 0;
    let pending: { packet: TftpPacket; port: number } | null = p.op === 'oack' ? null : first;
    if (p.op === 'oack') await send(encodeAck(0), first.port);
    // Bounded: at most 2^24 blocks, and each wait gives up after timeoutMs.
    for (let guard = 0; guard < 1 << 24; guard += 1) {
      const item = pending ?? (await next());
      pending = null;
      if (!item) return { first: summary, error: `timed out waiting for block ${expected}`, bytes };
      const d = item.packet;
      if (d.op === 'error') return { first: summary, error: `server error ${d.code}: ${d.message}`, bytes };
      if (d.op !== 'data') continue;
      if (d.block !== (expected & 0xffff)) {
        await send(encodeAck((expected - 1) & 0xffff), item.port); // out of order: ask again from the gap
        inWindow = 0;
        continue;
      }
      hash.update(d.data);
      bytes += d.data.length;
      inWindow += 1;
      const last = d.data.length < blksize;
      if (last || inWindow === windowsize) {
        await send(encodeAck(d.block), item.port);
        inWindow = 0;
      }
      expected += 1;
      if (last) return { first: summary, bytes, sha256: hash.digest('hex'), blocks: expected - 1 };
      if (script.stopAfterBlocks !== undefined && expected - 1 >= script.stopAfterBlocks) {
        if (script.vanish) return { first: summary, bytes, blocks: expected - 1 };
        return { first: summary, bytes, blocks: expected - 1, ...(await listen(expected & 0xffff)) };
      }
    }
    return { first: summary, error: 'too many blocks' };

    /** Counts arrivals of block `wire` (and notes an ERROR) for listenMs, acknowledging nothing. */
    async function listen(wire: number): Promise<Pick<TftpClientResult, 'repeats' | 'serverError'>> {
      const end = Date.now() + (script.listenMs ?? 5000);
      let repeats = 0;
      // Bounded by listenMs (each next() waits at most timeoutMs).
      while (Date.now() < end) {
        const item = await next();
        if (!item) continue;
        if (item.packet.op === 'data' && item.packet.block === wire) repeats += 1;
        if (item.packet.op === 'error') return { repeats, serverError: { code: item.packet.code, message: item.packet.message } };
      }
      return { repeats };
    }
  } finally {
    socket.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  run(JSON.parse(process.argv[2] ?? '{}') as TftpClientScript).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    },
  );
}
