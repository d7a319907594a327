// The boot HTTP server: what PXE clients and installers fetch (iPXE scripts, boot loaders, later
// ISO content, answer files and reports). A transport only: it knows no install or ISO policy.
// Feature modules mount handlers under a path prefix; this file normalises and confines the path,
// logs every request on the event bus and keeps the counters. It never exposes control operations
// (those live on the loopback control API, behind a token).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ServiceStatus } from '../../shared/contract.js';
import { BootbenchError, errnoCode } from '../errors.js';
import type { EventBus } from '../events.js';
import { parseRequestTarget } from '../net/http-request.js';
import { findPortHolder } from '../net/port-holder.js';
import { sendText } from './file-response.js';

/** `rest` is the confined, decoded path below the mount prefix, without a leading '/' ('' for the prefix itself). */
export type MountHandler = (req: IncomingMessage, res: ServerResponse, rest: string) => void | Promise<void>;

export interface BootHttpServerOptions {
  /** The NIC's IPv4 address (never 0.0.0.0 in the product: only the chosen interface serves). */
  address: string;
  /** Default 80; 0 picks a free port (tests). */
  port?: number;
  bus: EventBus;
  /** The MAC of a client address (from the DHCP leases / host registry), for per-host event logs. */
  macForIp?: (ip: string) => string | null;
}

export interface BootHttpServer {
  mount(prefix: string, handler: MountHandler): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ServiceStatus;
  /** http://address[:port]; the real port once started when `port` was 0. */
  readonly url: string;
}

/** Maps a listen() failure to the catalog's words, naming the process that holds the port. */
export async function bindError(
  e: unknown,
  port: number,
  address: string,
  holderOf: (port: number) => Promise<string | null> = (p) => findPortHolder(p, 'tcp'),
): Promise<unknown> {
  const where = { port, proto: 'tcp', address };
  if (errnoCode(e) === 'EADDRINUSE') {
    const holder = await holderOf(port).catch(() => null);
    return new BootbenchError('PORT_IN_USE', { ...where, holder }, { cause: e });
  }
  if (errnoCode(e) === 'EACCES') return new BootbenchError('BIND_DENIED', where, { cause: e });
  return e;
}

interface Mount {
  segments: string[];
  handler: MountHandler;
}

// A handler may mark a request's log line as debug (e.g. the iPXE wait loop's poll every few
// seconds), so that polling does not drown a host's event backlog.
const quiet = new WeakSet<ServerResponse>();
export function logQuietly(res: ServerResponse): void {
  quiet.add(res);
}

export function createBootHttpServer(opts: BootHttpServerOptions): BootHttpServer {
  const { bus } = opts;
  const wantedPort = opts.port ?? 80;
  let port = wantedPort;
  const mounts: Mount[] = [];
  const counters = { requests: 0, bytes: 0, errors: 0, clientErrors: 0, active: 0 };
  let server: Server | null = null;
  let state: ServiceStatus['state'] = 'stopped';
  let lastError: string | null = null;
  const sockets = new Set<Socket>();

  const urlOf = () => (port === 80 ? `http://${opts.address}` : `http://${opts.address}:${port}`);

  function route(segments: string[]): { mount: Mount; rest: string } | null {
    let best: Mount | null = null;
    for (const m of mounts) {
      if (m.segments.length > segments.length || (best && best.segments.length >= m.segments.length)) continue;
      if (m.segments.every((s, i) => s === segments[i])) best = m;
    }
    return best ? { mount: best, rest: segments.slice(best.segments.length).join('/') } : null;
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    const socket = req.socket;
    const writtenBefore = socket.bytesWritten;
    const client = socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
    counters.requests += 1;
    counters.active += 1;
    const path = (req.url ?? '').split('?', 1)[0] ?? '';
    const log = () => {
      counters.active -= 1;
      const bytes = Math.max(0, socket.bytesWritten - writtenBefore);
      counters.bytes += bytes;
      const complete = res.writableFinished;
      const status = res.statusCode;
      if (status >= 500 || !complete) counters.errors += 1;
      else if (status >= 400) counters.clientErrors += 1;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const mac = opts.macForIp?.(client) ?? null;
      const level = status >= 500 ? 'error' : !complete || status >= 400 ? 'warn' : quiet.has(res) ? 'debug' : 'info';
      bus.log(
        'http',
        level,
        'http.request',
        `${req.method} ${path} ${status}${complete ? '' : ' (aborted)'} ${bytes} B ${durationMs.toFixed(1)} ms from ${client}`,
        {
          mac,
          data: { method: req.method, path, status, bytes, durationMs: Math.round(durationMs * 10) / 10, client, complete },
        },
      );
    };
    // 'close' follows 'finish' on every response (kept-alive ones too) and also comes alone when
    // the client goes away mid-transfer: one listener sees both; writableFinished tells them apart.
    res.once('close', log);

    const parsed = parseRequestTarget(req.url ?? '');
    if (!parsed.ok) return sendText(req, res, 400, `Bad request: ${parsed.reason}\n`);
    const hit = route(parsed.segments);
    if (!hit) return sendText(req, res, 404, 'Not found\n');
    let result: void | Promise<void>;
    try {
      result = hit.mount.handler(req, res, hit.rest);
    } catch (e) {
      return failed(req, res, e);
    }
    if (result) result.catch((e: unknown) => failed(req, res, e));
  }

  function failed(req: IncomingMessage, res: ServerResponse, e: unknown): void {
    lastError = e instanceof Error ? e.message : String(e);
    bus.log('http', 'error', 'http.error', `${req.method} ${req.url} failed: ${lastError}`);
    if (res.headersSent) res.destroy();
    else sendText(req, res, 500, 'Internal error\n');
  }

  return {
    mount(prefix, handler) {
      const parsed = parseRequestTarget(prefix);
      if (!parsed.ok) throw new BootbenchError('BAD_ARGUMENT', { message: `Invalid HTTP mount prefix ${prefix}: ${parsed.reason}` });
      const key = parsed.segments.join('/');
      if (mounts.some((m) => m.segments.join('/') === key))
        throw new BootbenchError('BAD_ARGUMENT', { message: `HTTP mount prefix /${key} is already taken` });
      mounts.push({ segments: parsed.segments, handler });
    },

    async start() {
      if (server) return;
      state = 'starting';
      const s = createServer({ keepAlive: true, requestTimeout: 60_000, headersTimeout: 30_000 }, onRequest);
      // iPXE reuses a connection for its next fetch from the same server (kernel, then initrd).
      s.keepAliveTimeout = 30_000;
      // A client that half-closes after its request (HTTP/1.0 through `nc`, as minimal installer
      // environments do) still gets the whole answer: by default Node ends the socket at the
      // client's FIN and cuts a response that is still being read from the ISO.
      (s as unknown as { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
      // No server-wide socket timeout: Node would re-arm a timer on every request. Stalled
      // transfers are cut by sendFile's own idle timeout; idle kept-alive sockets by
      // keepAliveTimeout; slow request heads by headersTimeout.
      s.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      s.on('clientError', (err: NodeJS.ErrnoException, socket) => {
        // Malformed request line or headers: answer 400 once and close, as Node would by default.
        counters.clientErrors += 1;
        if (socket.writable && err.code !== 'ECONNRESET')
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        else socket.destroy();
      });
      try {
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen({ port: wantedPort, host: opts.address, exclusive: true }, () => {
            s.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        state = 'failed';
        const mapped = await bindError(e, wantedPort, opts.address);
        lastError = mapped instanceof Error ? mapped.message : String(mapped);
        throw mapped;
      }
      s.on('error', (e) => {
        lastError = e.message;
        bus.log('http', 'error', 'http.socket', `boot HTTP server error: ${e.message}`);
      });
      const address = s.address();
      port = typeof address === 'object' && address ? address.port : wantedPort;
      server = s;
      state = 'up';
      lastError = null;
      bus.log('http', 'info', 'http.listening', `boot HTTP server listening on ${urlOf()}`);
    },

    async stop() {
      const s = server;
      if (!s) return;
      server = null;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        // keep-alive and in-flight transfers would otherwise hold close() open
        for (const socket of sockets) socket.destroy();
      });
      state = 'stopped';
    },

    status() {
      return { name: 'http', state, address: `${opts.address}:${port}`, error: lastError, counters: { ...counters } };
    },

    get url() {
      return urlOf();
    },
  };
}
