// The typed client of the control API, used by the CLI verbs (and tests): finds the running server
// through server.json, sends the token, and turns error answers into BootbenchErrors.
import {
  EVENTS_STREAM_PATH,
  type ApiErrorBody,
  type ControlRoutes,
  type CoreEvent,
  type Host,
  type NicInfo,
  type ServerStatus,
} from '../../shared/contract.js';
import { request as httpRequest } from 'node:http';
import { BootbenchError, errnoCode } from '../errors.js';
import type { RouteBody, RouteKey, RouteOutput, RouteParams, RouteQuery } from './control-api.js';
import { findRunningServer } from './server-info.js';

type GetRoute = Extract<RouteKey, `GET ${string}`>;
type QueryValue = string | number | boolean | null | undefined;

export interface EventsFilter {
  since?: number;
  mac?: string;
}

export interface StreamOptions {
  /** Called once when the stream ends, with the WebSocket close code (1013: dropped for being slow; 1001: server stopping). */
  onClose?: (code: number, reason: string) => void;
}

export class ControlClient {
  constructor(
    readonly controlUrl: string,
    private readonly token: string,
    private readonly dataDir: string | null = null,
  ) {}

  /** The client of the server running for this data dir; SERVER_NOT_RUNNING when there is none. */
  static async fromDataDir(dataDir: string): Promise<ControlClient> {
    const info = await findRunningServer(dataDir);
    if (!info) throw new BootbenchError('SERVER_NOT_RUNNING', { dataDir });
    return new ControlClient(info.controlUrl, info.token, dataDir);
  }

  get<R extends GetRoute>(route: R, query?: RouteQuery<R>): Promise<RouteOutput<R>> {
    return this.call(route, { query } as { query?: RouteQuery<R> });
  }

  /** Any route: path parameters are filled in from `params`, `body` is sent as JSON. */
  async call<R extends RouteKey>(
    route: R,
    input: { params?: RouteParams<R>; query?: RouteQuery<R>; body?: RouteBody<R> } = {},
  ): Promise<RouteOutput<R>> {
    const [method = 'GET', pattern = '/'] = route.split(' ');
    const url = new URL(fillParams(pattern, (input.params ?? {}) as Record<string, string>), this.controlUrl);
    for (const [key, value] of Object.entries((input.query ?? {}) as Record<string, QueryValue>)) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    const body = input.body !== undefined ? JSON.stringify(input.body) : null;
    let res: { status: number; text: string };
    try {
      res = await request(url, method, this.token, body);
    } catch (e) {
      throw this.unreachable(e);
    }
    if (res.status === 204) return undefined as unknown as RouteOutput<R>; // routes that answer 204 declare output: void
    const text = res.text;
    if (res.status < 200 || res.status >= 300) throw apiError(res.status, text);
    return JSON.parse(text) as RouteOutput<R>;
  }

  status(): Promise<ServerStatus> {
    return this.get('GET /api/status');
  }

  hosts(): Promise<Host[]> {
    return this.get('GET /api/hosts');
  }

  interfaces(): Promise<NicInfo[]> {
    return this.get('GET /api/interfaces');
  }

  events(filter: EventsFilter = {}): Promise<CoreEvent[]> {
    return this.get('GET /api/events', filter as ControlRoutes['GET /api/events']['query']);
  }

  /**
   * Backlog after `since`, then live events, one callback per event (for `bootbench logs --follow`).
   * Resolves once the stream is open (rejects with CONTROL_API when refused); the function it
   * returns stops the stream.
   */
  async streamEvents(filter: EventsFilter, onEvent: (event: CoreEvent) => void, options: StreamOptions = {}): Promise<() => void> {
    const url = new URL(EVENTS_STREAM_PATH, this.controlUrl.replace(/^http/, 'ws'));
    url.searchParams.set('token', this.token);
    if (filter.since !== undefined) url.searchParams.set('since', String(filter.since));
    if (filter.mac !== undefined) url.searchParams.set('mac', filter.mac);
    // No Origin header: ws sends none unless asked, and the server accepts its absence (the token guards).
    // ws is loaded only here: the other verbs must not pay for it at startup.
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      let opened = false;
      ws.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(apiError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', () => reject(apiError(res.statusCode ?? 0, '')));
      });
      ws.on('error', (e) => {
        if (!opened) reject(this.unreachable(e));
      });
      ws.on('open', () => {
        opened = true;
        resolve(() => ws.close(1000));
      });
      ws.on('message', (data: Buffer) => {
        let event: CoreEvent;
        try {
          event = JSON.parse(data.toString('utf8')) as CoreEvent;
        } catch {
          return; // the server sends only JSON; anything else is not an event
        }
        onEvent(event);
      });
      ws.on('close', (code, reason) => {
        if (opened) options.onClose?.(code, reason.toString('utf8'));
      });
    });
  }

  private unreachable(e: unknown): BootbenchError {
    const code = errnoCode((e as { cause?: unknown })?.cause) ?? errnoCode(e);
    // server.json named a live pid, but nothing listens: the server died and the pid was reused.
    if (code === 'ECONNREFUSED' && this.dataDir) return new BootbenchError('SERVER_NOT_RUNNING', { dataDir: this.dataDir }, { cause: e });
    return new BootbenchError(
      'CONTROL_API',
      { status: 0, message: `cannot reach ${this.controlUrl} (${code ?? (e instanceof Error ? e.message : String(e))})` },
      { cause: e },
    );
  }
}

function fillParams(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new BootbenchError('BAD_ARGUMENT', { message: `Missing path parameter "${name}" for ${pattern}.` });
    return encodeURIComponent(value);
  });
}

/** An error answer as a BootbenchError; the server's ApiErrorBody gives the words when there is one. */
export function apiError(status: number, text: string): BootbenchError {
  let message = text.trim().slice(0, 500) || `HTTP ${status}`;
  let apiCode: string | undefined;
  let problems: ApiErrorBody['error']['problems'];
  try {
    const body = JSON.parse(text) as Partial<ApiErrorBody>;
    if (body.error && typeof body.error.message === 'string') {
      message = body.error.message;
      apiCode = typeof body.error.code === 'string' ? body.error.code : undefined;
      if (Array.isArray(body.error.problems)) problems = body.error.problems;
    }
  } catch {
    // not JSON: keep the raw text
  }
  return new BootbenchError(
    'CONTROL_API',
    { status, message, ...(apiCode !== undefined ? { apiCode } : {}) },
    problems ? { problems } : {},
  );
}

/**
 * One request with node:http rather than fetch: fetch loads undici on first use, ~30 ms that every
 * CLI verb would pay at startup.
 */
function request(url: URL, method: string, token: string, body: string | null): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (body !== null) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}
