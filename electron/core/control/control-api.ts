// The control API: the one transport between the core and everything that drives it (the React UI,
// the CLI verbs, tests). HTTP + a WebSocket event stream on loopback, guarded by a token, a Host
// check (DNS rebinding) and an Origin check (cross-site calls); it also serves the built UI.
// Routes are declared once in `routeSchemas` below (input validation) and typed by the shared
// ControlRoutes contract; adding a route is one entry here, one in ControlRoutes, one handler.
import { realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import {
  EVENTS_STREAM_PATH,
  type EventsFilter,
  type UploadStream,
  type ApiErrorBody,
  type ParamNames,
  type PathOf,
  type RouteBody,
  type RouteKey,
  type RouteOutput,
  type RouteParams,
  type RouteQuery,
} from '../../shared/contract.js';
import {
  AnswerFileQuery,
  BatchRequest,
  BootPolicyUpdate,
  HostBootRequest,
  HostKernelArgsUpdate,
  HostWaitPolicyUpdate,
  InventoryImportRequest,
  ChainSettingUpdate,
  CertificateAcceptance,
  CheckQuery,
  DistroId,
  DistroUpdate,
  EventsQuery,
  HostChainUpdate,
  HostLabelUpdate,
  ImportRequest,
  InstallRequest,
  IsoUploadName,
  LocateRequest,
  MacParams,
  PowerActionParams,
  PowerSettingsUpdate,
  ServeRequest,
  SettingsUpdate,
  TemplateName,
  TemplateSave,
  TimelineQuery,
  UploadQuery,
} from '../../shared/schemas.js';
import { BootbenchError, errnoCode, isBootbenchError, type ErrorCode } from '../errors.js';
import type { EventBus } from '../events.js';
import { parseRequestTarget, readBody } from '../net/http-request.js';
import { EventStreams } from './event-streams.js';
import { HttpError } from './http-error.js';
import { serveUi } from './static-ui.js';
import { bearerToken, commonHeaders, hostAllowed, originAllowed, tokenMatches } from './auth.js';

// ---------------------------------------------------------------------------------------------
// Route table

// The route types are the contract's (the browser client uses them too).
export type { RouteKey, RouteParams, RouteQuery, RouteBody, RouteOutput } from '../../shared/contract.js';
export interface RouteInput<K extends RouteKey> {
  params: RouteParams<K>;
  query: RouteQuery<K>;
  body: RouteBody<K>;
}
export type RouteHandler<K extends RouteKey> = (input: RouteInput<K>) => RouteOutput<K> | Promise<RouteOutput<K>>;

/** Routes the API answers itself (from the event bus); every other route needs a handler. */
type BuiltinRoute = 'GET /api/events';
export type ControlHandlers = { [K in Exclude<RouteKey, BuiltinRoute>]: RouteHandler<K> };

// A schema is required exactly where the contract says the route takes that input.
type Slot<F extends string, T> = [T] extends [undefined] ? { [P in F]?: never } : { [P in F]: z.ZodType<T> };
type RouteSchema<K extends RouteKey> = Slot<'query', RouteQuery<K>> &
  Slot<'body', RouteBody<K>> &
  // A raw route gets the request body as a stream (uploads), not parsed JSON.
  (RouteBody<K> extends UploadStream ? { raw: true } : { raw?: never }) &
  ([ParamNames<PathOf<K>>] extends [never] ? { params?: never } : { params: z.ZodType<RouteParams<K>> }) & {
    /** A JSON body larger than the default (1 MiB) this route accepts. */
    maxBodyBytes?: number;
  };

/** Input validation per route: the one place a new route is declared on the server side. */
export const routeSchemas: { [K in RouteKey]: RouteSchema<K> } = {
  'GET /api/status': {},
  'GET /api/hosts': {},
  'GET /api/interfaces': {},
  'GET /api/events': { query: EventsQuery },
  'GET /api/distros': {},
  'POST /api/distros/import': { body: ImportRequest },
  'PUT /api/distros/upload/:name': {
    params: z.object({ name: IsoUploadName }),
    query: UploadQuery,
    body: z.custom<UploadStream>(),
    raw: true,
  },
  'PUT /api/distros/:id': { params: z.object({ id: DistroId }), body: DistroUpdate },
  'DELETE /api/distros/:id': { params: z.object({ id: DistroId }) },
  'POST /api/distros/:id/locate': { params: z.object({ id: DistroId }), body: LocateRequest },
  'POST /api/hosts/:mac/install': { params: MacParams, body: InstallRequest },
  'POST /api/hosts/:mac/cancel': { params: MacParams },
  'PUT /api/hosts/:mac/label': { params: MacParams, body: HostLabelUpdate },
  'PUT /api/hosts/:mac/chain': { params: MacParams, body: HostChainUpdate },
  'PUT /api/boot/chain': { body: ChainSettingUpdate },
  'PUT /api/boot/policy': { body: BootPolicyUpdate },
  'PUT /api/hosts/:mac/wait-policy': { params: MacParams, body: HostWaitPolicyUpdate },
  'PUT /api/hosts/:mac/kernel-args': { params: MacParams, body: HostKernelArgsUpdate },
  'POST /api/hosts/:mac/boot': { params: MacParams, body: HostBootRequest },
  // Before the routes with ':mac': the first route that matches answers.
  'POST /api/hosts/batch': { body: BatchRequest },
  // An inventory CSV of up to 4 MiB (schemas.ts), JSON-escaped.
  'POST /api/hosts/import': { body: InventoryImportRequest, maxBodyBytes: 10 * 1024 * 1024 },
  'GET /api/reservations': {},
  'DELETE /api/hosts/:mac': { params: MacParams },
  'GET /api/hosts/:mac/answer-file': { params: MacParams, query: AnswerFileQuery },
  'GET /api/hosts/:mac/timeline': { params: MacParams, query: TimelineQuery },
  'GET /api/hosts/:mac/power': { params: MacParams },
  'PUT /api/hosts/:mac/power': { params: MacParams, body: PowerSettingsUpdate },
  // Before ':action': the first route that matches answers.
  'POST /api/hosts/:mac/power/accept-certificate': { params: MacParams, body: CertificateAcceptance },
  'POST /api/hosts/:mac/power/:action': { params: PowerActionParams },
  'GET /api/settings': {},
  'PUT /api/settings': { body: SettingsUpdate },
  'POST /api/settings/initial-password': {},
  'GET /api/templates': {},
  'PUT /api/templates/:name': { params: z.object({ name: TemplateName }), body: TemplateSave },
  'GET /api/check': { query: CheckQuery },
  'POST /api/serve': { body: ServeRequest },
  'POST /api/stop': {},
};

/** A route table with its types erased: what the HTTP layer below works with. */
export type RouteTable = Readonly<
  Record<string, { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType; raw?: true; maxBodyBytes?: number }>
>;
export type UntypedHandler = (input: { params: unknown; query: unknown; body: unknown }) => unknown;

interface CompiledRoute {
  key: string;
  method: string;
  segments: string[]; // ':name' marks a parameter
  schema: RouteTable[string];
}

function compileRoutes(table: RouteTable): CompiledRoute[] {
  return Object.entries(table).map(([key, schema]) => {
    const [method = '', path = ''] = key.split(' ');
    return { key, method, segments: path.split('/').filter(Boolean), schema };
  });
}

// ---------------------------------------------------------------------------------------------
// Errors

// BootbenchErrors that mean "your input is wrong" answer 400; every other code means "the request
// is fine but the server's state does not allow it" (port taken, foreign DHCP …) and answers 409.
// A BMC that did not answer or answered an error: the request was fine, the machine behind it failed.
const BAD_GATEWAY_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['BMC_NO_ANSWER', 'BMC_FAILED', 'BMC_CREDENTIALS_REFUSED']);

const BAD_INPUT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BAD_ARGUMENT',
  'POOL_INVALID',
  'NO_SUCH_INTERFACE',
  'ISO_UNREADABLE',
  'ISO_UNSUPPORTED',
  'ISO_NOT_FOUND',
  'ISO_CHECKSUM',
  'DISTRO_NOT_FOUND',
  'ISO_NOT_THE_SAME',
  'HOST_NOT_FOUND',
  'INVENTORY_INVALID',
]);

export function statusOfError(e: BootbenchError): 400 | 409 | 502 {
  if (BAD_GATEWAY_CODES.has(e.code)) return 502;
  return BAD_INPUT_CODES.has(e.code) ? 400 : 409;
}

/** The body field a refused body is about (its first issue's key), for a form to mark; none for other inputs. */
function fieldOfZodError(where: string, error: z.ZodError): { name: string; detail: string } | undefined {
  const issue = error.issues[0];
  const name = issue?.path[0];
  return where === 'body' && issue && typeof name === 'string' ? { name, detail: issue.message } : undefined;
}

function describeZodError(where: string, error: z.ZodError): string {
  return error.issues.map((issue) => `${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`).join('; ');
}

// ---------------------------------------------------------------------------------------------
// The server

export interface ControlApiOptions {
  port: number; // 0 = any free port
  token: string;
  bus: EventBus;
  handlers: ControlHandlers;
  /** Folder of the built renderer, served statically when it holds an index.html. */
  uiRoot?: string;
  /** A stream client whose unsent data exceeds this is dropped (close 1013) instead of buffered without bound. */
  maxBufferedBytes?: number;
}

export interface ControlApi {
  url: string; // http://127.0.0.1:PORT
  uiUrl: string; // url + '/?token=' + token
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_MAX_BUFFERED = 8 * 1024 * 1024;

/** The control API with the contract's routes: the typed entry the core uses. */
export function startControlApi(opts: ControlApiOptions): Promise<ControlApi> {
  const { bus } = opts;
  return startRouteServer({
    ...opts,
    routes: routeSchemas,
    handlers: {
      ...(opts.handlers as unknown as Record<string, UntypedHandler>),
      'GET /api/events': ({ query }) => bus.history(query as EventsFilter),
    },
  });
}

export interface RouteServerOptions extends Omit<ControlApiOptions, 'handlers'> {
  routes: RouteTable;
  handlers: Readonly<Record<string, UntypedHandler>>;
}

/**
 * The HTTP + WebSocket layer under startControlApi, for any route table. Exported so that tests can
 * exercise route mechanics (path parameters, JSON bodies) that the contract has no route for yet.
 */
export async function startRouteServer(opts: RouteServerOptions): Promise<ControlApi> {
  if (opts.token.length < 16)
    throw new BootbenchError('BAD_ARGUMENT', { message: 'The control token must be at least 16 characters long.' });
  const { bus, token, handlers } = opts;
  const routes = compileRoutes(opts.routes);
  const uiRoot = opts.uiRoot ? await realpath(opts.uiRoot).catch(() => null) : null;
  const maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
  let port = 0; // set once listening; no request can arrive before

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((e: unknown) => sendError(res, internalError(e, `${req.method} ${req.url}`)));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const streams = new EventStreams(bus, maxBuffered);

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    guardHostAndOrigin(req, port);
    const target = parseTarget(req.url ?? '');
    if (target.segments[0] === 'api') {
      if (!tokenMatches(bearerToken(req.headers.authorization), token)) {
        throw new HttpError(401, 'UNAUTHORIZED', 'A valid control token is required (Authorization: Bearer <token>; see server.json).', {
          'WWW-Authenticate': 'Bearer realm="bootbench"',
        });
      }
      await handleApi(req, res, target);
    } else {
      await serveUi(req, res, { segments: target.segments, root: uiRoot, port, routeKeys: routes.map((r) => r.key) });
    }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, target: Target): Promise<void> {
    const { route, params } = matchRoute(routes, req.method ?? 'GET', target.segments);
    const input = {
      params: route.schema.params ? parseWith(route.schema.params, 'params', params) : params,
      query: route.schema.query ? parseWith(route.schema.query, 'query', Object.fromEntries(target.query)) : undefined,
      body: route.schema.raw
        ? uploadOf(req)
        : route.schema.body
          ? parseWith(route.schema.body, 'body', await readJsonBody(req, route.schema.maxBodyBytes ?? MAX_BODY_BYTES))
          : undefined,
    };
    const handler = handlers[route.key];
    if (!handler) throw new HttpError(501, 'NOT_IMPLEMENTED', `${route.key} is declared but has no handler.`);
    let output: unknown;
    try {
      output = await handler(input);
    } catch (e) {
      if (isBootbenchError(e)) throw new HttpError(statusOfError(e), e.code, e.message, {}, e.field, e.problems);
      throw internalError(e, route.key);
    }
    sendJson(res, output === undefined ? 204 : 200, output);
  }

  function internalError(e: unknown, what: string): HttpError {
    if (e instanceof HttpError) return e;
    bus.log('core', 'error', 'control.error', `Control API ${what} failed: ${e instanceof Error ? e.message : String(e)}`, {
      data: { route: what, stack: e instanceof Error ? (e.stack ?? '') : '' },
    });
    return new HttpError(500, 'INTERNAL', 'Internal error in the Bootbench server; see its log for details.');
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      guardHostAndOrigin(req, port);
      const target = parseTarget(req.url ?? '');
      if (`/${target.segments.join('/')}` !== EVENTS_STREAM_PATH) throw new HttpError(404, 'NOT_FOUND', 'No WebSocket here.');
      if (!tokenMatches(target.query.get('token'), token))
        throw new HttpError(401, 'UNAUTHORIZED', 'A valid token query parameter is required.');
      const query = parseWith(EventsQuery, 'query', Object.fromEntries([...target.query].filter(([k]) => k !== 'token')));
      wss.handleUpgrade(req, socket, head, (ws) => streams.add(ws, query));
    } catch (e) {
      rejectUpgrade(socket, e instanceof HttpError ? e : internalError(e, 'upgrade'));
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Loopback only: the control API is never reachable from the lab network.
      server.listen(opts.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await streams.closeAll([]);
    const where = { port: opts.port, proto: 'tcp', address: '127.0.0.1' };
    if (errnoCode(e) === 'EADDRINUSE') throw new BootbenchError('PORT_IN_USE', where, { cause: e });
    if (errnoCode(e) === 'EACCES') throw new BootbenchError('BIND_DENIED', where, { cause: e });
    throw e;
  }
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    await streams.closeAll(wss.clients);
    wss.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
    });
  };
  return {
    url,
    uiUrl: `${url}/?token=${encodeURIComponent(token)}`,
    port,
    close: () => (closing ??= close()),
  };
}

// ---------------------------------------------------------------------------------------------
// Request plumbing

type Target = { segments: string[]; query: URLSearchParams };

function parseTarget(raw: string): Target {
  const target = parseRequestTarget(raw);
  if (!target.ok) throw new HttpError(400, 'BAD_PATH', `The request path is not acceptable: ${target.reason}.`);
  return target;
}

function guardHostAndOrigin(req: IncomingMessage, port: number): void {
  // 421 Misdirected Request (RFC 9110 §15.5.20): this server is not authoritative for that name.
  if (!hostAllowed(req.headers.host, port))
    throw new HttpError(421, 'WRONG_HOST', `This server only answers to 127.0.0.1:${port} or localhost:${port}.`);
  if (!originAllowed(req.headers.origin, port)) throw new HttpError(403, 'FOREIGN_ORIGIN', 'Cross-origin requests are not allowed.');
}

function matchRoute(routes: CompiledRoute[], method: string, segments: string[]): { route: CompiledRoute; params: Record<string, string> } {
  const allowed: string[] = [];
  for (const route of routes) {
    if (route.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const hit = route.segments.every((s, i) => {
      const actual = segments[i] ?? '';
      if (s.startsWith(':')) params[s.slice(1)] = actual;
      return s.startsWith(':') || s === actual;
    });
    if (!hit) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  if (allowed.length > 0)
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `Use ${allowed.join(' or ')} here.`, { Allow: allowed.join(', ') });
  throw new HttpError(404, 'NOT_FOUND', `No route ${method} /${segments.join('/')}.`);
}

function parseWith<T>(schema: z.ZodType<T>, where: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new HttpError(400, 'BAD_REQUEST', describeZodError(where, result.error), {}, fieldOfZodError(where, result.error));
  return result.data;
}

/** The request body as a stream, for upload routes (any content type; the length when sent). */
function uploadOf(req: IncomingMessage): UploadStream {
  const length = Number(req.headers['content-length']);
  return { stream: req, length: Number.isFinite(length) ? length : null };
}

async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  const read = await readBody(req, maxBytes);
  if (!read.ok) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The body may be at most ${maxBytes} bytes.`, { Connection: 'close' });
  try {
    return JSON.parse(read.body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The body is not valid JSON.');
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = status === 204 ? '' : JSON.stringify(value);
  res.writeHead(status, {
    ...commonHeaders,
    'Cache-Control': 'no-store',
    ...(status === 204 ? {} : { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) }),
  });
  res.end(body);
}

function sendError(res: ServerResponse, e: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(e.headers)) res.setHeader(name, value);
  const body: ApiErrorBody = {
    error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}), ...(e.problems ? { problems: e.problems } : {}) },
  };
  sendJson(res, e.status, body);
}

function rejectUpgrade(socket: Duplex, e: HttpError): void {
  const body = JSON.stringify({ error: { code: e.code, message: e.message } } satisfies ApiErrorBody);
  const headers = {
    ...commonHeaders,
    ...e.headers,
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${e.status} ${e.code}\r\n${head}\r\n${body}`);
}
