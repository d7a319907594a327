// The boot HTTP routes of a running install, all under its unguessable token:
//   /install/<token>/kernel, /initrd       the installer, read straight out of the ISO
//   /install/<token>/answer                kickstart, preseed or AutoYaST, rendered per request
//   /install/<token>/nocloud/user-data     autoinstall (cloud-init NoCloud seed), meta-data, vendor-data
//   /install/<token>/report?event=E        start | installed | failed (GET or POST, &message=…)
//   /install/<token>/report?event=first-boot  POST hostname=…&kernel=… from the installed system's
//                                          one-shot unit (first-boot.ts): the one report its token
//                                          still takes once the install is `installed`, and only once
//   /install/<token>/log                   POST: log lines for the host's timeline
//   /install/<token>/webhook               POST: Subiquity's reporting events (JSON)
// A token belongs to one host's install while it runs; an unknown or finished token gets 404 and
// changes nothing (but for the first boot, above). Nothing here can touch another host or any other state.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireGetOrHead, sendOpened, sendText } from '../http/file-response.js';
import type { BootHttpServer } from '../http/server.js';
import type { EventBus } from '../events.js';
import { readBody } from '../net/http-request.js';
import { readFirstBootReport } from './first-boot.js';
import type { InstallManager } from './manager.js';

const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;
const MAX_POST_BYTES = 256 * 1024;
const TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } as const;

export function mountInstallRoutes(server: Pick<BootHttpServer, 'mount'>, manager: InstallManager, bus: EventBus): void {
  server.mount('/install', async (req, res, rest) => {
    const [token = '', ...parts] = rest.split('/');
    const what = parts.join('/');
    if (what === 'report' && TOKEN.test(token) && queryOf(req).get('event') === 'first-boot') return firstBoot(req, res, manager, token);
    const found = TOKEN.test(token) ? manager.byTokenOf(token) : null;
    if (!found) return sendText(req, res, 404, NOT_FOUND);
    const { mac } = found;
    const via = `HTTP from ${req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '?'}`;

    switch (what) {
      case 'kernel':
      case 'initrd': {
        if (!requireGetOrHead(req, res)) return;
        const opened = await manager.openBootFile(mac, what);
        if (req.method === 'GET' && opened.ok) manager.observe(mac, { type: what === 'kernel' ? 'kernel-fetched' : 'initrd-fetched', via });
        return sendOpened(req, res, opened, what);
      }
      case 'answer':
      case 'nocloud/user-data': {
        if (!requireGetOrHead(req, res)) return;
        const answer = await manager.answerFor(mac);
        if (!answer) return sendText(req, res, 404, 'Not found: this install has no answer file\n');
        if (req.method === 'GET') manager.observe(mac, { type: 'answer-fetched' });
        return sendText(req, res, 200, answer.text, { 'Content-Type': answer.contentType, 'Cache-Control': 'no-store' });
      }
      case 'nocloud/meta-data':
        if (!requireGetOrHead(req, res)) return;
        return sendText(req, res, 200, `instance-id: bootbench-${found.run.id}\nlocal-hostname: ${manager.hostnameFor(mac)}\n`, TEXT);
      case 'nocloud/vendor-data':
      case 'nocloud/network-config':
        // Present and empty: cloud-init asks for them and would otherwise log 404s as errors.
        if (!requireGetOrHead(req, res)) return;
        return sendText(req, res, what === 'nocloud/vendor-data' ? 200 : 404, what === 'nocloud/vendor-data' ? '' : 'Not found\n', TEXT);
      case 'report':
        return report(req, res, manager, mac, bus);
      case 'log':
        return postedLines(req, res, (lines) => {
          for (const line of lines) bus.log('install', 'info', 'install.log', line, { mac });
          if (lines.length > 0) manager.observe(mac, { type: 'activity', summary: `log: ${lines.at(-1)?.slice(0, 120) ?? ''}` });
        });
      case 'webhook':
        return postedText(req, res, (text) => {
          const event = webhookEvent(text);
          bus.log('install', event.failed ? 'error' : 'info', 'install.webhook', event.line, { mac, data: event.data });
          manager.observe(mac, { type: 'activity', summary: event.line.slice(0, 120) });
        });
      default:
        return sendText(req, res, 404, 'Not found\n');
    }
  });
}

function queryOf(req: IncomingMessage): URLSearchParams {
  return new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
}

const NOT_FOUND = 'Not found: no install under this token (finished, cancelled or never queued)\n';

/**
 * The installed system's first boot (POST, form fields hostname and kernel; GET with them in the
 * query works too). 409 for a replay; 425 (RFC 8470, Too Early) while the install has not reported
 * `installed`: the unit tries again later.
 */
async function firstBoot(req: IncomingMessage, res: ServerResponse, manager: InstallManager, token: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'POST') return sendText(req, res, 405, 'Method not allowed\n', { Allow: 'GET, POST' });
  const fields = queryOf(req);
  if (req.method === 'POST') {
    const read = await readBody(req, MAX_POST_BYTES);
    if (!read.ok) return tooLarge(req, res);
    for (const [k, v] of new URLSearchParams(read.body.toString('utf8'))) if (!fields.has(k)) fields.set(k, v);
  }
  const { outcome } = manager.confirmFirstBoot(token, readFirstBootReport(fields));
  switch (outcome) {
    case 'confirmed':
      return sendText(req, res, 200, 'ok\n', TEXT);
    case 'already-confirmed':
      return sendText(req, res, 409, 'Conflict: the first boot of this install was already confirmed\n', TEXT);
    case 'not-installed':
      return sendText(req, res, 425, 'Too early: this install has not reported "installed" yet\n', TEXT);
    case 'unknown-token':
      return sendText(req, res, 404, NOT_FOUND, TEXT);
  }
}

async function report(req: IncomingMessage, res: ServerResponse, manager: InstallManager, mac: string, bus: EventBus): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'POST') return sendText(req, res, 405, 'Method not allowed\n', { Allow: 'GET, POST' });
  const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
  let body = '';
  if (req.method === 'POST') {
    const read = await readBody(req, MAX_POST_BYTES);
    if (!read.ok) return tooLarge(req, res);
    body = read.body.toString('utf8').trim();
  }
  const event = query.get('event');
  const message = (query.get('message') ?? body).slice(0, 500) || undefined;
  if (event !== 'start' && event !== 'installed' && event !== 'failed')
    return sendText(req, res, 400, 'event must be start, installed, failed or first-boot\n');
  bus.log(
    'install',
    event === 'failed' ? 'error' : 'info',
    `install.report`,
    `installer reported ${event}${message ? `: ${message}` : ''}`,
    { mac, data: { event } },
  );
  manager.observe(mac, { type: 'report', event, ...(message ? { message } : {}) });
  sendText(req, res, 200, 'ok\n', TEXT);
}

async function postedText(req: IncomingMessage, res: ServerResponse, use: (text: string) => void): Promise<void> {
  if (req.method !== 'POST' && req.method !== 'PUT') return sendText(req, res, 405, 'Method not allowed\n', { Allow: 'POST' });
  const read = await readBody(req, MAX_POST_BYTES);
  if (!read.ok) return tooLarge(req, res);
  use(read.body.toString('utf8'));
  sendText(req, res, 200, 'ok\n', TEXT);
}

function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  sendText(req, res, 413, `Too large: at most ${MAX_POST_BYTES} bytes\n`, { ...TEXT, Connection: 'close' });
}

function postedLines(req: IncomingMessage, res: ServerResponse, use: (lines: string[]) => void): Promise<void> {
  return postedText(req, res, (text) =>
    use(
      text
        .split(/\r?\n/)
        .map((l) => l.trimEnd())
        .filter((l) => l !== '')
        .slice(0, 1000),
    ),
  );
}

/**
 * One line from a Subiquity/curtin webhook event: {"event_type": "start"|"finish"|"log",
 * "name": "subiquity/Install/…", "description": …, "result": "SUCCESS"|"FAIL"|"WARN", …}.
 */
export function webhookEvent(text: string): { line: string; failed: boolean; data: Record<string, unknown> } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { line: `webhook: ${text.slice(0, 200)}`, failed: false, data: {} };
  }
  const e = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : '');
  const type = str('event_type');
  const result = str('result');
  const failed = result === 'FAIL';
  const line = [type, str('name'), str('description'), type === 'finish' && result ? `(${result})` : ''].filter(Boolean).join(' ');
  return { line: line || 'webhook event', failed, data: { eventType: type, name: str('name'), result } };
}
