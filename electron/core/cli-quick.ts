// The fast path of `bootbench` for the verbs that are one control-API call: `import FILE`,
// `distros` and `hosts` (with --json, --verify, --data). A CLI process spends most of its life
// starting: Node alone takes ~75-95 ms here, `node:http` ~60 ms more and the full CLI's module graph
// more still, against ~17 ms of work in the server for an import. So this module loads only
// node:fs, node:net and node:path, speaks HTTP/1.1 over one socket itself, and prints exactly what
// the full CLI prints (the formatters are shared: cli-format.ts).
//
// Anything it does not handle (another verb, an unknown flag, --help, no server.json, a dead
// server, a reply it cannot read) makes quickRun return null before anything is printed, and
// bin/bootbench.cjs runs the full CLI (dist/cli.mjs), whose messages and exit codes are the
// reference. An error answer from the server is reported here with the full CLI's words
// (control/api-error.ts, as ControlClient) rather than asked a second time.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import type { Distro, Host } from '../shared/contract.js';
import { dataFiles, resolveDataDir } from './store/data-dir.js';
import { formatDistros, formatHosts, formatImported } from './cli-format.js';
import { checkServerInfo, isProcessAlive } from './control/server-info-check.js';
import { apiError } from './control/api-error.js';

export type QuickVerb = 'import' | 'distros' | 'hosts';

export interface QuickCall {
  verb: QuickVerb;
  json: boolean;
  verify: boolean;
  /** --data as given (resolved with resolveDataDir, as the full CLI does), or undefined. */
  data: string | undefined;
  /** import: the ISO path as given. */
  file: string | undefined;
}

/**
 * The call, or null when the arguments are anything but the plain forms. The full CLI parses with
 * util.parseArgs (strict); every form it might read differently (short flags, `--`, a value that
 * looks like an option, stray positionals) goes to it, so both paths never disagree on meaning.
 */
export function parseQuickArgs(argv: readonly string[]): QuickCall | null {
  const [verb, ...rest] = argv;
  if (verb !== 'import' && verb !== 'distros' && verb !== 'hosts') return null;
  const call: QuickCall = { verb, json: false, verify: false, data: undefined, file: undefined };
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] as string;
    if (arg === '--json') call.json = true;
    else if (arg === '--verify' && verb === 'import') call.verify = true;
    else if (arg.startsWith('--data=')) call.data = arg.slice('--data='.length);
    else if (arg === '--data') {
      const value = rest[(i += 1)];
      if (value === undefined || value.startsWith('-')) return null;
      call.data = value;
    } else if (arg.startsWith('-')) return null;
    else positionals.push(arg);
  }
  if (verb === 'import') {
    if (positionals.length !== 1) return null;
    call.file = positionals[0];
  } else if (positionals.length !== 0) return null;
  return call;
}

export interface ServerTarget {
  pid: number;
  port: number;
  token: string;
}

/**
 * Where to send the token, from server.json's parsed content, or null when the full CLI would
 * refuse the file. The same checks as control/server-info.ts (checkServerInfo): in particular the
 * token only ever goes to http://127.0.0.1:PORT. A token that is not plain visible ASCII would not
 * survive as a header.
 */
export function serverTarget(value: unknown): ServerTarget | null {
  const checked = checkServerInfo(value);
  if (!checked.ok) return null;
  const { pid, controlUrl, token } = checked.info;
  // The token goes into a header line as it is: printable ASCII only, or the full CLI decides.
  if (!/^[\x21-\x7e]+$/.test(token)) return null;
  const port = Number(/:(\d+)$/.exec(controlUrl)?.[1]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { pid, port, token };
}

/** The request bytes: HTTP/1.1 with Host as the control API demands (DNS-rebinding guard), one request per connection. */
export function encodeRequest(method: 'GET' | 'POST', path: string, target: ServerTarget, body: string | null): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${target.port}`, `Authorization: Bearer ${target.token}`, 'Connection: close'];
  if (body !== null) head.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body ?? ''}`, 'utf8');
}

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * A whole HTTP/1.1 response from the bytes received so far (RFC 9112): 'more' while incomplete,
 * null when it is not one. The control API sends Content-Length; chunked and read-until-close
 * (a response with neither, `ended` once the peer closed) are read too.
 */
export function parseHttpResponse(bytes: Buffer, ended: boolean): HttpAnswer | 'more' | null {
  const headEnd = bytes.indexOf(HEAD_END);
  if (headEnd < 0) return ended ? null : 'more';
  const lines = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const statusLine = /^HTTP\/1\.[01] ([1-5]\d\d)(?: |$)/.exec(lines[0] ?? '');
  if (!statusLine) return null;
  const status = Number(statusLine[1]);
  if (status < 200) return null; // 1xx: never sent to a request without Expect; not worth reading past
  let length: number | null = null;
  let chunked = false;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (!/^\d+$/.test(value) || (length !== null && length !== Number(value))) return null;
      length = Number(value);
    } else if (name === 'transfer-encoding') chunked = value.toLowerCase().split(',').map((s) => s.trim()).at(-1) === 'chunked';
  }
  const start = headEnd + HEAD_END.length;
  // RFC 9112 §6.3: 204 and 304 have no body; chunked wins over Content-Length; with neither, the body ends when the connection does.
  if (status === 204 || status === 304) return { status, body: Buffer.alloc(0) };
  if (chunked) return decodeChunked(status, bytes, start, ended);
  if (length !== null) {
    if (bytes.length - start < length) return ended ? null : 'more';
    return { status, body: bytes.subarray(start, start + length) };
  }
  return ended ? { status, body: bytes.subarray(start) } : 'more';
}

/** A chunked body (RFC 9112 §7.1) from `from`; chunk extensions and trailer fields are skipped. */
function decodeChunked(status: number, buf: Buffer, from: number, done: boolean): HttpAnswer | 'more' | null {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const eol = buf.indexOf(CRLF, at);
    if (eol < 0) return done ? null : 'more';
    const size = /^([0-9a-fA-F]{1,8})(?:;.*)?$/.exec(buf.subarray(at, eol).toString('latin1'));
    if (!size) return null;
    const n = parseInt(size[1] as string, 16);
    at = eol + CRLF.length;
    if (n === 0) {
      // The last chunk, then trailer fields (usually none) and an empty line.
      const end = buf.subarray(at, at + 2).equals(CRLF) ? at : buf.indexOf(HEAD_END, at - CRLF.length);
      if (end < 0) return done ? null : 'more';
      return { status, body: Buffer.concat(parts) };
    }
    if (buf.length < at + n + CRLF.length) return done ? null : 'more';
    if (!buf.subarray(at + n, at + n + CRLF.length).equals(CRLF)) return null;
    parts.push(buf.subarray(at, at + n));
    at += n + CRLF.length;
  }
}

/** One request on one connection to 127.0.0.1; null on any failure (the full CLI then says what went wrong). */
function exchange(port: number, request: Buffer): Promise<HttpAnswer | null> {
  return new Promise((done) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (answer: HttpAnswer | null) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      done(answer);
    };
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseHttpResponse(received, false);
      if (answer !== 'more') finish(answer);
    });
    socket.on('end', () => {
      const answer = parseHttpResponse(received, true);
      finish(answer === 'more' ? null : answer);
    });
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(null));
    socket.write(request);
  });
}

function readTarget(dataDir: string): ServerTarget | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, dataFiles.serverInfo), 'utf8');
  } catch {
    return null;
  }
  try {
    const target = serverTarget(JSON.parse(text));
    return target && isProcessAlive(target.pid) ? target : null; // as findRunningServer
  } catch {
    return null;
  }
}

/**
 * What the full CLI would print for these arguments, or null when the full CLI must run instead.
 * Prints nothing itself, so that a null leaves the terminal untouched for the full CLI.
 */
export interface QuickOutput {
  stdout: string;
  stderr: string;
  code: number;
}

export async function quickRun(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<QuickOutput | null> {
  const call = parseQuickArgs(argv);
  if (!call) return null;
  const target = readTarget(resolveDataDir(call.data, env));
  if (!target) return null;
  // The server reads the file itself: hand it an absolute path (as the full CLI does).
  const request =
    call.verb === 'import'
      ? encodeRequest('POST', '/api/distros/import', target, JSON.stringify({ path: resolve(call.file as string), verify: call.verify }))
      : encodeRequest('GET', call.verb === 'distros' ? '/api/distros' : '/api/hosts', target, null);
  const answer = await exchange(target.port, request);
  if (!answer || answer.status === 204 || answer.status < 200) return null;
  const text = answer.body.toString('utf8');
  // An error answer: the full CLI's words and exit code (apiError, as ControlClient), without
  // asking the server a second time (a failed import, or a --verify that hashed the whole ISO).
  if (answer.status >= 300) return { stdout: '', stderr: `bootbench: ${apiError(answer.status, text).message}\n`, code: 1 };
  try {
    const value: unknown = JSON.parse(text);
    const out = call.json
      ? `${JSON.stringify(value, null, 2)}\n`
      : call.verb === 'import'
        ? formatImported(value as Distro)
        : call.verb === 'distros'
          ? formatDistros(value as Distro[])
          : formatHosts(value as Host[]);
    return { stdout: out, stderr: '', code: 0 };
  } catch {
    return null;
  }
}
