// Builds the React UI: renderer/main.tsx → dist/renderer/{index.html, main.js, main.css}.
// Production React (NODE_ENV=production), one ES module, no inline script or style, so the page
// runs under a strict CSP (the core sends one as a header; index.html carries the same in a <meta>
// for when it is opened some other way).
import { build } from 'esbuild';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const OUT = 'dist/renderer';

// 'self' covers ws:// to the same host and port (CSP Level 3), which is what the event stream uses.
// No frame-ancestors here: a <meta> CSP cannot carry it (the core's header does).
const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${RENDERER_CSP}">
<meta name="referrer" content="no-referrer">
<title>Bootbench</title>
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/main.css">
<script type="module" src="/main.js"></script>
</head>
<body>
<div id="root"></div>
<noscript>Bootbench needs JavaScript.</noscript>
</body>
</html>
`;

// A network card with a boot arrow: served as a file, so the page asks for no favicon.ico (a 404).
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="3" y="9" width="26" height="16" rx="3" fill="#0b5cad"/><path d="M9 25v4M15 25v4M21 25v4" stroke="#0b5cad" stroke-width="2"/><path d="M16 12v8M12 16l4 4 4-4" stroke="#fff" stroke-width="2.5" fill="none" stroke-linecap="round"/></svg>
`;

export async function buildRenderer() {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  await build({
    // The event stream's worker is its own file (/events-worker.js): script-src 'self' allows it.
    entryPoints: { main: 'renderer/main.tsx', 'events-worker': 'renderer/api/events-worker.ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari17'],
    outdir: OUT,
    minify: true,
    sourcemap: 'linked',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    logLevel: 'warning',
  });
  await build({ entryPoints: { main: 'renderer/styles/app.css' }, bundle: true, outdir: OUT, minify: true, logLevel: 'warning' });
  await writeFile(join(OUT, 'index.html'), html);
  await writeFile(join(OUT, 'icon.svg'), ICON);
}

if (import.meta.url === `file://${process.argv[1]}`) await buildRenderer();
