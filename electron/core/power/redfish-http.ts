// One Redfish request over its own connection: HTTPS with the BMC's certificate pinned, Basic
// credentials sent only after the pin check, a deadline, and a bounded body.
//
// Why our own TLS connection (tls.connect with rejectUnauthorized:false, then a fingerprint check
// on `secureConnect`, then node:http over that socket) rather than `ca` = the pinned certificate
// with a custom checkServerIdentity: BMC certificates are self-signed, often for a name that is not
// the address we dial, and sometimes expired or marked non-CA, so chain verification would fail on
// perfectly good BMCs; first contact needs an unverified handshake anyway to learn the certificate;
// and the store keeps a fingerprint, not the certificate. Verification is off only for this one
// socket, which carries nothing until the presented certificate is the pinned one: the request
// (and its Authorization header) is written after the check, never before. No global agent, no
// NODE_TLS_REJECT_UNAUTHORIZED; one connection per request (a few requests per power action), so
// no pooled socket can skip the check.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

import { checkPin, type CertificatePins } from './cert-pin.js';
import { RedfishError, redactSecrets } from './redfish-error.js';
import { redfishErrorMessage } from './redfish-json.js';

/** Larger answers are refused without being read: no Redfish resource Bootbench reads comes near. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface RedfishEndpoint {
  /** https://host[:port] (http:// only when allowed explicitly, checked by the caller). */
  origin: URL;
  user: string;
  password: string;
  pins: CertificatePins;
}

export interface RedfishCall {
  method: 'GET' | 'PATCH' | 'POST';
  path: string;
  body?: unknown;
  /** The resource's ETag, for a PATCH (some BMCs require If-Match). */
  ifMatch?: string | null;
  timeoutMs: number;
  signal?: AbortSignal;
  maxBytes?: number;
}

export interface RedfishReply {
  status: number;
  /** The parsed body; null for an empty one (204). */
  json: unknown;
  etag: string | null;
}

export function redfishCall(endpoint: RedfishEndpoint, call: RedfishCall): Promise<RedfishReply> {
  const origin = endpoint.origin.origin;
  const what = `${call.method} ${call.path}`;
  const secrets = [endpoint.password, basicCredentials(endpoint)];
  const maxBytes = call.maxBytes ?? MAX_BODY_BYTES;
  return new Promise<RedfishReply>((resolve, reject) => {
    let socket: Socket | null = null;
    let settled = false;
    const finish = (error: Error | null, reply?: RedfishReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
      socket?.destroy();
      if (error) reject(error);
      else resolve(reply!);
    };
    const timer = setTimeout(() => finish(new RedfishError('TIMEOUT', { origin, what, ms: call.timeoutMs })), call.timeoutMs);
    const onAbort = (): void =>
      finish(call.signal?.reason instanceof Error ? call.signal.reason : new Error(`${what} to ${origin} was aborted`));
    if (call.signal?.aborted) return onAbort();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    const unreachable = (e: Error): void => finish(new RedfishError('UNREACHABLE', { origin, reason: describeSocketError(e) }));

    const send = (connected: Socket): void => {
      const payload = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
      const headers: Record<string, string | number> = {
        Host: endpoint.origin.host,
        Accept: 'application/json',
        'OData-Version': '4.0',
        Authorization: `Basic ${basicCredentials(endpoint)}`,
        Connection: 'close',
      };
      if (payload) {
        headers['Content-Type'] = 'application/json; charset=utf-8';
        headers['Content-Length'] = payload.length;
      }
      if (call.ifMatch) headers['If-Match'] = call.ifMatch;
      // agent undefined + createConnection: node:http uses this very socket, no pool involved.
      const req = httpRequest({ method: call.method, path: call.path, headers, createConnection: () => connected });
      req.on('error', unreachable);
      req.on('response', (res: IncomingMessage) => {
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes)
          return finish(new RedfishError('TOO_LARGE', { origin, what, limit: maxBytes }));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) finish(new RedfishError('TOO_LARGE', { origin, what, limit: maxBytes }));
          else chunks.push(chunk);
        });
        res.on('error', unreachable);
        res.on('end', () => {
          try {
            finish(null, interpret({ origin, what, user: endpoint.user, secrets }, res, Buffer.concat(chunks)));
          } catch (e) {
            finish(e as Error);
          }
        });
      });
      req.end(payload);
    };

    const { hostname, port: portText, protocol } = endpoint.origin;
    const host = hostname.replace(/^\[(.*)\]$/, '$1'); // an IPv6 literal without its brackets
    if (protocol === 'http:') {
      socket = netConnect({ host, port: Number(portText || 80) });
      socket.once('error', unreachable);
      socket.once('connect', () => send(socket!));
      return;
    }
    const tls = tlsConnect({
      host,
      port: Number(portText || 443),
      servername: isIP(host) ? undefined : host, // SNI takes names only (RFC 6066 §3)
      rejectUnauthorized: false, // this socket only: the pin check below replaces chain verification
      ALPNProtocols: ['http/1.1'],
    });
    socket = tls;
    tls.once('error', unreachable);
    tls.once('secureConnect', () => {
      const presented = tls.getPeerCertificate()?.fingerprint256;
      if (!presented) return finish(new RedfishError('UNREACHABLE', { origin, reason: 'it presented no TLS certificate' }));
      let decision: ReturnType<typeof checkPin>;
      try {
        decision = checkPin(endpoint.pins.pinned(), presented);
      } catch (e) {
        return finish(e as Error); // never thrown from an event handler: that would end the process
      }
      if (decision.kind === 'changed') {
        endpoint.pins.presented(decision.presented).then(
          () => finish(new RedfishError('CERTIFICATE_CHANGED', { origin, pinned: decision.pinned, presented: decision.presented })),
          (e: Error) => finish(e),
        );
        return;
      }
      const ready = decision.kind === 'first-use' ? endpoint.pins.pin(decision.fingerprint) : Promise.resolve();
      ready.then(
        () => {
          if (!settled) send(tls);
        },
        (e: Error) => finish(e),
      );
    });
  });
}

function basicCredentials(endpoint: RedfishEndpoint): string {
  return Buffer.from(`${endpoint.user}:${endpoint.password}`).toString('base64');
}

/** A complete answer → the reply, or the error it means. */
function interpret(c: { origin: string; what: string; user: string; secrets: string[] }, res: IncomingMessage, body: Buffer): RedfishReply {
  const status = res.statusCode ?? 0;
  if (status === 401 || status === 403) throw new RedfishError('CREDENTIALS_REFUSED', { origin: c.origin, user: c.user, status });
  let json: unknown = null;
  let parseError: string | null = null;
  if (body.length > 0) {
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (e) {
      parseError = redactSecrets((e as Error).message, c.secrets, 160);
    }
  }
  if (status >= 300) {
    const words = json !== null ? redfishErrorMessage(json) : null;
    const message =
      status < 400
        ? `a redirect to ${res.headers.location ?? 'nowhere'}, which is not followed`
        : (words ?? res.statusMessage ?? 'no reason given');
    throw new RedfishError('BMC_ERROR', { origin: c.origin, what: c.what, status, message: redactSecrets(message, c.secrets) });
  }
  if (parseError !== null) throw new RedfishError('MALFORMED', { origin: c.origin, what: c.what, reason: `not JSON (${parseError})` });
  if (status !== 204 && body.length > 0 && (typeof json !== 'object' || json === null))
    throw new RedfishError('MALFORMED', { origin: c.origin, what: c.what, reason: 'the body is not a JSON object' });
  const etag = res.headers.etag;
  return { status, json, etag: typeof etag === 'string' ? etag : null };
}

function describeSocketError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens on that port)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to it';
    case 'ECONNRESET':
      return 'it closed the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its name does not resolve';
    default:
      return code?.startsWith('ERR_SSL') || code === 'EPROTO' ? `the TLS handshake failed (${e.message})` : e.message;
  }
}
