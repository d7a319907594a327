// The built UI, served by the control API as static files confined to the UI folder; a page that
// lists the API when the UI is not built.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { EVENTS_STREAM_PATH } from '../../shared/contract.js';
import { commonHeaders, htmlHeaders } from './auth.js';
import { HttpError } from './http-error.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface UiRequest {
  /** The decoded, confined path segments (never '.', '..' or holding a separator). */
  segments: string[];
  /** The UI folder's real path, or null when none is configured. */
  root: string | null;
  /** The control API's own port (for the CSP and host checks in the page headers). */
  port: number;
  /** The API's routes, listed on the page shown when the UI is not built. */
  routeKeys: string[];
}

export async function serveUi(req: IncomingMessage, res: ServerResponse, { segments, root, port, routeKeys }: UiRequest): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'The UI is read-only: use GET.', { Allow: 'GET, HEAD' });
  const index = root ? await regularFile(join(root, 'index.html')) : null;
  if (!root || !index) return sendHtml(req, res, port, notBuiltPage(routeKeys));
  let file = segments.length === 0 ? index : await regularFile(join(root, ...segments));
  // Client-side routes (no file extension) get the app; a missing asset is a plain 404.
  if (!file && !extname(segments.at(-1) ?? '')) file = index;
  if (!file) throw new HttpError(404, 'NOT_FOUND', 'No such file in the UI.');
  // Defence in depth beyond the path decoding: a symlink inside the UI folder may not lead out of it.
  const real = await realpath(file.path);
  if (real !== root && !real.startsWith(root + sep)) throw new HttpError(403, 'FORBIDDEN', 'Outside the UI folder.');
  const type = CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    ...commonHeaders,
    ...(type.startsWith('text/html') ? htmlHeaders(port) : { 'Cache-Control': 'no-cache' }),
    'Content-Type': type,
    'Content-Length': String(file.size),
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(real)
    .on('error', () => res.destroy())
    .pipe(res);
}

async function regularFile(path: string): Promise<{ path: string; size: number } | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? { path, size: s.size } : null;
  } catch {
    return null;
  }
}

function sendHtml(req: IncomingMessage, res: ServerResponse, port: number, html: string): void {
  res.writeHead(200, {
    ...commonHeaders,
    ...htmlHeaders(port),
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(html)),
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}

function notBuiltPage(routeKeys: string[]): string {
  const routes = [...routeKeys, `WebSocket ${EVENTS_STREAM_PATH}?token=…&since=N&mac=…`];
  const items = routes.map((r) => `<li><code>${escapeHtml(r)}</code></li>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bootbench</title></head>
<body>
<h1>Bootbench</h1>
<p>The user interface is not built (run <code>npm run build</code>). The control API is running:</p>
<ul>
${items}
</ul>
<p>Every API request needs <code>Authorization: Bearer &lt;token&gt;</code>; the token is in <code>server.json</code> in the data folder.</p>
</body></html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
