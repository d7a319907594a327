// The request plumbing both HTTP servers share (the boot server the lab reaches and the loopback
// control API): decoding a request target into confined path segments, and reading a bounded body.
import type { IncomingMessage } from 'node:http';

export type RequestTarget = { ok: true; segments: string[]; query: URLSearchParams } | { ok: false; reason: string };

/**
 * Splits and decodes a request target. Each segment is percent-decoded once, on its own, so that an
 * encoded '/' can never become a separator and '%2e%2e' can never step up; a decoded segment that
 * is '.', '..' or holds '/', '\' or NUL is refused. Empty segments ('//') are dropped.
 * `new URL()` is not used: it resolves '..' itself and reads '//host/x' as another host.
 */
export function parseRequestTarget(target: string): RequestTarget {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  if (!path.startsWith('/')) return { ok: false, reason: 'the path must start with "/"' };
  if (path.includes('\\')) return { ok: false, reason: 'backslash in path' };
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    let s: string;
    try {
      s = raw.includes('%') ? decodeURIComponent(raw) : raw;
    } catch {
      return { ok: false, reason: 'invalid percent-encoding' };
    }
    if (s === '.' || s === '..') return { ok: false, reason: 'dot segment in path' };
    if (s.includes('/')) return { ok: false, reason: 'encoded "/" in path' };
    if (s.includes('\\')) return { ok: false, reason: 'backslash in path' };
    if (s.includes('\0')) return { ok: false, reason: 'NUL in path' };
    segments.push(s);
  }
  return { ok: true, segments, query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' };

/**
 * Reads a request body of at most `maxBytes`. Past the limit it stops reading at once and says so:
 * the caller answers 413 with `Connection: close`, because the unread rest would otherwise be taken
 * for the next request on a kept-alive connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      resolve({ ok: false, reason: 'too-large' });
    };
    req.on('data', onData);
    req.once('end', () => resolve({ ok: true, body: Buffer.concat(chunks) }));
    req.once('error', reject);
  });
}
