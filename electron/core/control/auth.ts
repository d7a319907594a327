// The control API's request guards, as pure functions: who may talk to it (the token), which names
// it answers to (Host: no DNS rebinding), which pages may call it (Origin: no cross-site calls),
// and the headers every answer carries. See docs/notes/control-api.md for the reasoning.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh control token: 256 random bits, URL-safe so it can ride in `?token=` unescaped. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time token comparison. Both sides are hashed first so that neither the content nor the
 * length of the real token leaks through timing (timingSafeEqual itself throws on unequal lengths).
 */
export function tokenMatches(presented: string | null | undefined, token: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || token.length === 0) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * The Host header must name us by a loopback name and our own port. A DNS-rebinding page reaches
 * 127.0.0.1 under its own domain, so its requests carry `Host: evil.example:PORT`: refusing any
 * other name is what stops it (the browser believes it is same-origin with evil.example).
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false; // HTTP/1.1 requires Host (RFC 9112 §3.2); HTTP/1.0 callers are not ours
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}` || h === `[::1]:${port}`;
}

/** The origins of our own UI page; an Origin header, when present, must be one of them. */
export function allowedOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
}

/**
 * Absent Origin: a non-browser client (CLI, curl) or a same-origin GET navigation, both fine since
 * the token is still required. Present: must be ours. `Origin: null` (sandboxed frames, file://)
 * is refused like any foreign origin.
 */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return allowedOrigins(port).includes(origin.toLowerCase());
}

/** Headers on every answer, API or page. */
export const commonHeaders: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer', // the UI URL carries ?token=: never send it onward
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Headers on HTML pages: a strict CSP, no framing (clickjacking), no caching. */
export function htmlHeaders(port: number): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}
