// Sending a FileSource (a loader, a file inside an ISO, a generated document) as an HTTP response:
// always with Content-Length (iPXE is far slower without it: it then reads until the connection
// closes and cannot reuse it), Accept-Ranges and single byte ranges (RFC 9110 §14), HEAD,
// Last-Modified / If-Modified-Since, streamed in large chunks with backpressure.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import type { OpenResult, FileSource } from '../files/file-source.js';

/** 1 MiB reads: few syscalls and event-loop turns per GiB, small enough to start sending at once. */
export const DEFAULT_CHUNK = 1024 * 1024;
const DEFAULT_IDLE_MS = 120_000;

const OCTETS = 'application/octet-stream';
const TEXT = 'text/plain; charset=utf-8';
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.ipxe': TEXT,
  '.txt': TEXT,
  '.cfg': TEXT,
  '.conf': TEXT,
  '.seed': TEXT,
  '.preseed': TEXT,
  '.ks': TEXT,
  '.sh': TEXT,
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.efi': OCTETS,
  '.kpxe': OCTETS,
  '.kkpxe': OCTETS,
  '.pxe': OCTETS,
  '.lkrn': OCTETS,
  '.img': OCTETS,
  '.iso': 'application/x-iso9660-image',
  '.gz': 'application/gzip',
  '.xz': 'application/x-xz',
  '.zst': 'application/zstd',
  '.rpm': 'application/x-rpm',
  '.deb': 'application/vnd.debian.binary-package',
};

/** Content type by file extension; kernels and initrds (`vmlinuz`, `initrd`) have none: octets. */
export function contentTypeFor(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? OCTETS;
}

/** `end` is inclusive, as in Content-Range. */
export type RangeRequest = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const SPEC = /^(?:(\d+)-(\d*)|-(\d+))$/;

/**
 * Reads a Range header (RFC 9110 §14.1.2) against a representation of `size` bytes.
 * - no header, another unit, or a syntax error: the header is ignored (§14.2 allows it) → full;
 * - one satisfiable range → partial (the last byte clamped to size − 1);
 * - several ranges → full 200 body when at least one is satisfiable, 416 when none is: we never
 *   send multipart/byteranges (no PXE client or installer asks for them, and §14.2 lets a server
 *   ignore Range); a whole body is always a correct answer.
 * Offsets are JS numbers: exact up to 2^53, far beyond 4 GiB ISOs.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'full' };
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'full' };
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length === 0) return { kind: 'full' };
  const ranges: { start: number; end: number }[] = [];
  for (const spec of specs) {
    const m = SPEC.exec(spec);
    if (!m) return { kind: 'full' };
    if (m[3] !== undefined) {
      const suffix = Number(m[3]);
      if (suffix > 0 && size > 0) ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(m[1]);
    const last = m[2] === '' ? Infinity : Number(m[2]);
    if (last < start) return { kind: 'full' }; // invalid range-spec: ignore the header (§14.1.1)
    if (start < size) ranges.push({ start, end: Math.min(last, size - 1) });
  }
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  if (specs.length > 1) return { kind: 'full' };
  const [only] = ranges as [{ start: number; end: number }];
  return { kind: 'partial', ...only };
}

/** A small in-memory body (error text, a generated script): Content-Length, no Range. */
export function sendText(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  // A flat [name, value, …] list: writeHead takes it without walking an object (hot for scripts).
  const list = ['Content-Length', String(bytes.length)];
  if (!('Content-Type' in headers)) list.push('Content-Type', TEXT);
  if (!('Cache-Control' in headers)) list.push('Cache-Control', 'no-store');
  for (const name in headers) list.push(name, headers[name] as string);
  res.writeHead(status, list);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

export interface SendFileOptions {
  /** Defaults to contentTypeFor(name). */
  contentType?: string;
  /** Used for the content type when contentType is not given. */
  name?: string;
  chunkSize?: number;
  headers?: Record<string, string>;
  /** A transfer whose client takes nothing for this long is cut (default 120 s). */
  idleTimeoutMs?: number;
}

/**
 * Answers GET/HEAD with `file` (200, 206, 304 or 416; other methods 405) and closes the file
 * when done, also when the client goes away mid-transfer.
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: FileSource, options: SendFileOptions = {}): Promise<void> {
  try {
    await respond(req, res, file, options);
  } catch (e) {
    // Headers out means the client was promised Content-Length bytes: cut the connection so that
    // it sees a truncated transfer rather than a short file that looks complete.
    if (res.headersSent) res.destroy();
    else throw e;
  } finally {
    await file.close().catch(() => undefined);
  }
}

async function respond(req: IncomingMessage, res: ServerResponse, file: FileSource, options: SendFileOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(req, res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
  const size = file.size;
  const lastModified = file.mtime ? file.mtime.toUTCString() : null;
  const headers: Record<string, string> = {
    'Content-Type': options.contentType ?? contentTypeFor(options.name ?? ''),
    'Accept-Ranges': 'bytes',
    ...(lastModified ? { 'Last-Modified': lastModified } : {}),
    ...options.headers,
  };

  // RFC 9110 §13.2.2: If-Modified-Since is evaluated before Range.
  const ims = req.headers['if-modified-since'];
  if (file.mtime && ims) {
    const since = Date.parse(ims);
    if (!Number.isNaN(since) && Math.floor(file.mtime.getTime() / 1000) * 1000 <= since) {
      res.writeHead(304, headers);
      return void res.end();
    }
  }

  // If-Range (§13.1.5) with a date other than ours means "the file changed: send all of it".
  const ifRange = req.headers['if-range'];
  const range = ifRange !== undefined && ifRange !== lastModified ? ({ kind: 'full' } as const) : parseRange(req.headers.range, size);

  if (range.kind === 'unsatisfiable') {
    return sendText(req, res, 416, 'Range not satisfiable\n', { 'Content-Range': `bytes */${size}`, 'Accept-Ranges': 'bytes' });
  }
  const [start, end] = range.kind === 'partial' ? [range.start, range.end + 1] : [0, size];
  if (range.kind === 'partial') headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  headers['Content-Length'] = String(end - start);
  res.writeHead(range.kind === 'partial' ? 206 : 200, headers);
  if (req.method === 'HEAD' || end === start) return void res.end();
  await streamBytes(res, file, start, end, options.chunkSize ?? DEFAULT_CHUNK, options.idleTimeoutMs ?? DEFAULT_IDLE_MS);
}

/**
 * Copies [start, end) of `file` into `res`. The next chunk is read while the previous one drains
 * (one read in flight), and nothing more is read once the client has gone away.
 */
async function streamBytes(
  res: ServerResponse,
  file: FileSource,
  start: number,
  end: number,
  chunkSize: number,
  idleMs: number,
): Promise<void> {
  let gone = false;
  let wake: (() => void) | null = null;
  const onClose = () => {
    gone = true;
    wake?.();
  };
  const onDrain = () => wake?.();
  res.once('close', onClose);
  res.on('drain', onDrain);
  // A client that stops reading holds this transfer and its file open: drop it after a while.
  res.setTimeout(idleMs, () => res.destroy());

  // Buffers come from a small shared pool and go back once the socket has taken the bytes
  // (write callback without error): res.write keeps a reference until then. Fresh 1 MiB buffers
  // per chunk cost page faults and kernel zeroing for every MiB sent, which halved throughput.
  const readChunk = async (position: number): Promise<Buffer> => {
    const length = Math.min(chunkSize, end - position);
    const buffer = takeBuffer(chunkSize, length);
    let got = 0;
    try {
      while (got < length) {
        const n = await file.read(buffer, got, length - got, position + got);
        if (n === 0) throw new Error(`file ended at ${position + got} of ${end} bytes (changed while being sent?)`);
        got += n;
      }
    } catch (e) {
      giveBuffer(buffer);
      throw e;
    }
    return buffer.subarray(0, length);
  };

  // The prefetched read may fail while we wait for 'drain': mark it handled now (the loop still
  // sees the rejection when it awaits it) so that it never counts as an unhandled rejection.
  const prefetch = (position: number): Promise<Buffer> => {
    const p = readChunk(position);
    p.catch(() => undefined);
    return p;
  };

  let next: Promise<Buffer> | null = prefetch(start);
  try {
    let position = start;
    while (next && !gone) {
      const chunk: Buffer = await next;
      next = null;
      if (gone) break;
      position += chunk.length;
      if (position < end) next = prefetch(position);
      if (!res.write(chunk, (err) => err || giveBuffer(chunk)) && !gone) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    }
    if (!gone) res.end();
  } finally {
    res.off('close', onClose);
    res.off('drain', onDrain);
    // Let a read still in flight settle before the caller closes the file under it.
    if (next) await next.then(giveBuffer, () => undefined);
  }
}

// Shared across transfers: a few chunk buffers, enough for the transfers of a lab in flight.
const POOL_MAX = 8;
const pool: Buffer[] = [];

function takeBuffer(chunkSize: number, length: number): Buffer {
  if (chunkSize !== DEFAULT_CHUNK) return Buffer.allocUnsafeSlow(length);
  return pool.pop() ?? Buffer.allocUnsafeSlow(DEFAULT_CHUNK);
}

/** Takes back a buffer (or a view from its start) that nothing references any more. */
function giveBuffer(view: Buffer): void {
  const whole = Buffer.from(view.buffer, view.byteOffset, view.buffer.byteLength - view.byteOffset);
  if (view.byteOffset === 0 && whole.length === DEFAULT_CHUNK && pool.length < POOL_MAX) pool.push(whole);
}

/** Boot content is read-only: GET and HEAD, anything else 405. */
export function requireGetOrHead(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  sendText(req, res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
  return false;
}

/**
 * Sends what a FileResolver opened, or 404/500. Forbidden (a directory, a link out of the folder)
 * answers like a missing file: the client learns nothing about what lies outside the served names.
 */
export async function sendOpened(req: IncomingMessage, res: ServerResponse, opened: OpenResult, name: string): Promise<void> {
  if (!opened.ok) {
    const status = opened.failure.kind === 'error' ? 500 : 404;
    return sendText(req, res, status, status === 404 ? 'Not found\n' : 'Internal error\n');
  }
  await sendFile(req, res, opened.file, { name });
}
