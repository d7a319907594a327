// A Redfish service for the tests: a small BMC that serves DMTF's published resources (DSP0266 the
// protocol, DSP0268 the schemas; shapes as in DMTF's public mockups) over HTTPS with a self-signed
// certificate made at test time by `openssl req -x509`, with Basic authentication, and that drives
// a machine: a QEMU VM (qemuMachine) whose power it switches as a real BMC does, honouring the
// one-time PXE boot override by starting that one boot with the network first (bootindex).
//   /redfish                                   {"v1": "/redfish/v1/"}
//   /redfish/v1/                               ServiceRoot (no authentication, as DSP0266 §13.3.5)
//   /redfish/v1/Systems                        the collection, one member
//   /redfish/v1/Systems/vm1                    ComputerSystem: PowerState, Boot (+ allowable values), ETag; PATCH Boot
//   /redfish/v1/Systems/vm1/Actions/ComputerSystem.Reset   POST {"ResetType": …}
//   /redfish/v1/Systems/vm1/ResetActionInfo    ActionInfo (when resetInfo = 'action-info')
//   /redfish/v1/{Chassis,Managers,SessionService/Sessions}  empty collections, so clients that list them work
// Knobs for bad input: `fault` (a malformed JSON body, JSON that is no Redfish resource, a body over 1 MiB with or without its
// length, never answering), rotateCertificate() (the BMC's certificate changes).
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, existsSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { enterNamespace } from './netns.js';
import { startVm, type Vm, type VmOptions } from './qemu.js';

/** What the BMC switches on and off. */
export interface BmcMachine {
  /** Power on. `pxeFirst`: this boot tries the network before the disk (a PXE override). */
  start(o: { pxeFirst: boolean }): Promise<void>;
  stop(): Promise<void>;
  readonly running: boolean;
}

export type BmcFault = 'none' | 'malformed-json' | 'not-redfish' | 'oversize' | 'oversize-chunked' | 'silent';

export interface RedfishBmcOptions {
  user: string;
  password: string;
  machine: BmcMachine;
  /** ResetType@Redfish.AllowableValues. Default: On, ForceOff, GracefulShutdown, ForceRestart, PowerCycle, PushPowerButton. */
  resetTypes?: string[];
  /** Inline allowable values (default), or an @Redfish.ActionInfo resource that lists them. */
  resetInfo?: 'inline' | 'action-info';
  /** BootSourceOverrideMode@Redfish.AllowableValues; null: the system has no boot mode choice. */
  bootModes?: string[] | null;
  /** Listen in this network namespace (all its addresses); default 127.0.0.1 here. */
  ns?: string;
  /** 'http': a BMC without TLS (for the allowHttp tests). Default 'https'. */
  scheme?: 'https' | 'http';
}

export interface BmcRequest {
  method: string;
  path: string;
  authorized: boolean;
  /** Whether the client sent an Authorization header at all. */
  sentCredentials: boolean;
  body: string;
}

export interface RedfishBmc {
  readonly port: number;
  /** https://127.0.0.1:PORT (or the given host in a namespace). */
  url(host?: string): string;
  /** SHA-256 of the certificate now served (AA:BB:…). */
  fingerprint(): string;
  /** Serves a new self-signed certificate from now on; returns its fingerprint. */
  rotateCertificate(): string;
  fault: BmcFault;
  readonly requests: BmcRequest[];
  readonly boot: { target: string; enabled: string; mode: string };
  /** One entry per power-on: whether it booted the network first. */
  readonly powerOns: { pxeFirst: boolean; at: number }[];
  readonly resets: string[];
  close(): Promise<void>;
}

const SYSTEM = '/redfish/v1/Systems/vm1';
const RESET = `${SYSTEM}/Actions/ComputerSystem.Reset`;
const RESET_INFO = `${SYSTEM}/ResetActionInfo`;
const TARGETS = ['None', 'Pxe', 'Hdd', 'Cd', 'Usb', 'BiosSetup'];
const ENABLED = ['Disabled', 'Once', 'Continuous'];
const OVERSIZE = 2 * 1024 * 1024;

/** A self-signed certificate and its key (PEM), made by openssl as a BMC vendor's firmware would. */
export function makeCertificate(commonName = 'bmc.redfish.test'): { cert: string; key: string; fingerprint: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bootbench-bmc-cert-'));
  try {
    const r = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        `/CN=${commonName}`,
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`openssl req -x509 failed: ${r.stderr}`);
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    return { cert, key: readFileSync(join(dir, 'key.pem'), 'utf8'), fingerprint: new X509Certificate(cert).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startRedfishBmc(o: RedfishBmcOptions): Promise<RedfishBmc> {
  let tls = makeCertificate();
  const resetTypes = o.resetTypes ?? ['On', 'ForceOff', 'GracefulShutdown', 'ForceRestart', 'PowerCycle', 'PushPowerButton'];
  const bootModes = o.bootModes === undefined ? ['UEFI', 'Legacy'] : o.bootModes;
  const boot = { target: 'None', enabled: 'Disabled', mode: bootModes?.[0] ?? '' };
  let etag = 1;
  const requests: BmcRequest[] = [];
  const powerOns: { pxeFirst: boolean; at: number }[] = [];
  const resets: string[] = [];
  const sockets = new Set<Socket>();
  const expected = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`;

  const powerOn = async () => {
    const pxeFirst = boot.target === 'Pxe' && boot.enabled !== 'Disabled';
    // DSP0268 Boot.BootSourceOverrideEnabled "Once": the override applies to one boot, then reverts to Disabled.
    if (boot.enabled === 'Once') {
      boot.enabled = 'Disabled';
      etag += 1;
    }
    powerOns.push({ pxeFirst, at: Date.now() });
    await o.machine.start({ pxeFirst });
  };
  const reset = async (type: string) => {
    resets.push(type);
    const on = o.machine.running;
    if (type === 'On' || type === 'ForceOn') return on ? undefined : powerOn();
    if (type === 'ForceOff' || type === 'GracefulShutdown') return on ? o.machine.stop() : undefined;
    if (type === 'PushPowerButton') return on ? o.machine.stop() : powerOn();
    // ForceRestart, GracefulRestart, PowerCycle: off (if on), then on.
    if (on) await o.machine.stop();
    return powerOn();
  };

  const system = () => ({
    '@odata.type': '#ComputerSystem.v1_20_0.ComputerSystem',
    '@odata.id': SYSTEM,
    Id: 'vm1',
    Name: 'Bootbench test VM',
    SystemType: 'Virtual',
    Manufacturer: 'QEMU',
    PowerState: o.machine.running ? 'On' : 'Off',
    Status: { State: 'Enabled', Health: 'OK' },
    Boot: {
      BootSourceOverrideTarget: boot.target,
      BootSourceOverrideEnabled: boot.enabled,
      'BootSourceOverrideTarget@Redfish.AllowableValues': TARGETS,
      ...(bootModes ? { BootSourceOverrideMode: boot.mode, 'BootSourceOverrideMode@Redfish.AllowableValues': bootModes } : {}),
    },
    Actions: {
      '#ComputerSystem.Reset': {
        target: RESET,
        ...(o.resetInfo === 'action-info' ? { '@Redfish.ActionInfo': RESET_INFO } : { 'ResetType@Redfish.AllowableValues': resetTypes }),
      },
    },
  });
  const collection = (id: string, name: string, members: string[]) => ({
    '@odata.type': `#${name}Collection.${name}Collection`,
    '@odata.id': id,
    Name: `${name} Collection`,
    Members: members.map((m) => ({ '@odata.id': m })),
    'Members@odata.count': members.length,
  });
  const serviceRoot = {
    '@odata.type': '#ServiceRoot.v1_15_0.ServiceRoot',
    '@odata.id': '/redfish/v1/',
    Id: 'RootService',
    Name: 'Bootbench test BMC',
    RedfishVersion: '1.15.0',
    UUID: '92384634-2938-2342-8820-489239905423',
    Systems: { '@odata.id': '/redfish/v1/Systems' },
    Chassis: { '@odata.id': '/redfish/v1/Chassis' },
    Managers: { '@odata.id': '/redfish/v1/Managers' },
    SessionService: { '@odata.id': '/redfish/v1/SessionService' },
    Links: { Sessions: { '@odata.id': '/redfish/v1/SessionService/Sessions' } },
  };

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'OData-Version': '4.0', ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), ...headers });
    res.end(text);
  };
  const error = (res: ServerResponse, status: number, id: string, message: string, headers?: Record<string, string>) =>
    send(
      res,
      status,
      { error: { code: `Base.1.8.${id}`, message, '@Message.ExtendedInfo': [{ MessageId: `Base.1.8.${id}`, Message: message }] } },
      headers,
    );

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    const open = path === '/redfish' || path === '/redfish/v1';
    const authorized = req.headers.authorization === expected;
    requests.push({ method: req.method ?? '', path, authorized, sentCredentials: req.headers.authorization !== undefined, body });
    if (bmc.fault === 'silent') return; // never answers: the socket stays open until close()
    if (bmc.fault === 'malformed-json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end('{"@odata.id": "/redfish/v1/", "Systems": {"@odata.id": ');
    }
    if (bmc.fault === 'not-redfish') return send(res, 200, { hello: 'this is JSON, not a Redfish resource' });
    if (bmc.fault === 'oversize' || bmc.fault === 'oversize-chunked') {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        ...(bmc.fault === 'oversize' ? { 'Content-Length': String(OVERSIZE) } : {}),
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let sent = 0; sent < OVERSIZE && !res.destroyed; sent += chunk.length) {
        if (!res.write(chunk))
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done).off('close', done);
              resolve();
            };
            res.on('drain', done).on('close', done);
          });
      }
      return void res.end();
    }
    if (!open && !authorized)
      return error(res, 401, 'InsufficientPrivilege', 'The user name or password is not valid.', {
        'WWW-Authenticate': 'Basic realm="Redfish"',
      });
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/redfish' && get) return send(res, 200, { v1: '/redfish/v1/' });
    if (path === '/redfish/v1' && get) return send(res, 200, serviceRoot);
    if (path === '/redfish/v1/Systems' && get) return send(res, 200, collection('/redfish/v1/Systems', 'ComputerSystem', [SYSTEM]));
    if (path === '/redfish/v1/Chassis' && get) return send(res, 200, collection(path, 'Chassis', []));
    if (path === '/redfish/v1/Managers' && get) return send(res, 200, collection(path, 'Manager', []));
    if (path === '/redfish/v1/SessionService' && get)
      return send(res, 200, {
        '@odata.type': '#SessionService.v1_1_8.SessionService',
        '@odata.id': path,
        Id: 'SessionService',
        Name: 'Session Service',
        ServiceEnabled: false,
        Sessions: { '@odata.id': `${path}/Sessions` },
      });
    if (path === '/redfish/v1/SessionService/Sessions' && get) return send(res, 200, collection(path, 'Session', []));
    if (path === SYSTEM && get) return send(res, 200, system(), { ETag: `W/"${etag}"` });
    if (path === SYSTEM && req.method === 'PATCH') return patchBoot(req, res, body);
    if (path === RESET_INFO && get && o.resetInfo === 'action-info')
      return send(res, 200, {
        '@odata.type': '#ActionInfo.v1_3_0.ActionInfo',
        '@odata.id': RESET_INFO,
        Id: 'ResetActionInfo',
        Name: 'Reset Action Info',
        Parameters: [{ Name: 'ResetType', Required: true, DataType: 'String', AllowableValues: resetTypes }],
      });
    if (path === RESET && req.method === 'POST') {
      const type = jsonOf(body)?.ResetType;
      if (typeof type !== 'string' || !resetTypes.includes(type))
        return error(res, 400, 'ActionParameterNotSupported', `The value ${JSON.stringify(type)} for ResetType is not supported.`);
      await reset(type);
      return send(res, 204);
    }
    const known = [SYSTEM, RESET, '/redfish', '/redfish/v1', '/redfish/v1/Systems'].includes(path);
    return known
      ? error(res, 405, 'OperationNotAllowed', 'The operation is not allowed.')
      : error(res, 404, 'ResourceMissingAtURI', `No resource ${path}.`);
  };

  const patchBoot = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const ifMatch = req.headers['if-match'];
    if (ifMatch && ifMatch !== `W/"${etag}"` && ifMatch !== '*')
      return error(res, 412, 'PreconditionFailed', 'The ETag supplied did not match the ETag required to change this resource.');
    const patch = jsonOf(body);
    const b = patch?.Boot as Record<string, unknown> | undefined;
    if (!patch || typeof b !== 'object' || b === null || Object.keys(patch).length !== 1)
      return error(res, 400, 'MalformedJSON', 'The request body is not a Boot patch.');
    const checks: [string, readonly string[] | null][] = [
      ['BootSourceOverrideTarget', TARGETS],
      ['BootSourceOverrideEnabled', ENABLED],
      ['BootSourceOverrideMode', bootModes],
    ];
    for (const key of Object.keys(b)) {
      const allowed = checks.find(([k]) => k === key)?.[1];
      if (!allowed)
        return error(res, 400, 'PropertyUnknown', `The property ${key} is not in the list of valid properties for the resource.`);
      if (typeof b[key] !== 'string' || !allowed.includes(b[key]))
        return error(
          res,
          400,
          'PropertyValueNotInList',
          `The value ${JSON.stringify(b[key])} for the property ${key} is not in the list of acceptable values.`,
        );
    }
    if (typeof b.BootSourceOverrideTarget === 'string') boot.target = b.BootSourceOverrideTarget;
    if (typeof b.BootSourceOverrideEnabled === 'string') boot.enabled = b.BootSourceOverrideEnabled;
    if (typeof b.BootSourceOverrideMode === 'string') boot.mode = b.BootSourceOverrideMode;
    etag += 1;
    send(res, 204);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 65536) chunks.push(c);
    });
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((e: Error) => {
        if (!res.headersSent) error(res, 500, 'InternalError', e.message);
      });
    });
  };
  const scheme = o.scheme ?? 'https';
  const server: Server = scheme === 'https' ? createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest) : createHttpServer(onRequest);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined); // a client that drops the handshake (a pin refused) is normal here

  if (o.ns) {
    // Node binds a port-only listen() synchronously (all addresses), so only that call runs inside
    // the namespace; accepted sockets belong to the listening socket's namespace.
    const leave = enterNamespace(o.ns);
    try {
      server.listen(0);
    } finally {
      leave();
    }
    await new Promise<void>((resolve, reject) => (server.listening ? resolve() : server.once('listening', resolve).once('error', reject)));
  } else {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const bmc: RedfishBmc = {
    port,
    url: (host = '127.0.0.1') => `${scheme}://${host}:${port}`,
    fingerprint: () => tls.fingerprint,
    rotateCertificate() {
      tls = makeCertificate();
      (server as ReturnType<typeof createHttpsServer>).setSecureContext({ cert: tls.cert, key: tls.key });
      return tls.fingerprint;
    },
    fault: 'none',
    requests,
    boot,
    powerOns,
    resets,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      if (o.machine.running) await o.machine.stop();
    },
  };
  return bmc;
}

function jsonOf(body: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(body) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A machine that is only a power switch: for the tests of the protocol itself. */
export function switchMachine(): BmcMachine & { readonly starts: { pxeFirst: boolean }[] } {
  let running = false;
  const starts: { pxeFirst: boolean }[] = [];
  return {
    starts,
    get running() {
      return running;
    },
    async start(o) {
      starts.push(o);
      running = true;
    },
    async stop() {
      running = false;
    },
  };
}

/**
 * A QEMU VM behind the BMC: power-on starts QEMU (a tap on the lab bridge, as startVm), with the
 * network first for a PXE-override boot and the disk first otherwise (bootindex; SeaBIOS and OVMF
 * fall back to the next device, so a blank disk still reaches the network). Power-off kills it;
 * the disk (and OVMF's vars) persist across power cycles, as hardware's do. A guest reboot inside
 * one power-on keeps that boot's order. Each earlier boot's console is kept as NAME.serial.N.log.
 */
export function qemuMachine(o: Omit<VmOptions, 'bootFirst'>): BmcMachine & { readonly vm: Vm | null; readonly boots: number } {
  let vm: Vm | null = null;
  let boots = 0;
  return {
    get vm() {
      return vm;
    },
    get boots() {
      return boots;
    },
    get running() {
      return vm !== null && !vm.exited;
    },
    async start({ pxeFirst }) {
      if (vm && !vm.exited) return;
      if (vm) await vm.dispose();
      const serial = join(o.logDir, `${o.name}.serial.log`);
      if (boots > 0 && existsSync(serial)) renameSync(serial, join(o.logDir, `${o.name}.serial.${boots}.log`));
      boots += 1;
      vm = await startVm({ ...o, diskPath: o.diskPath ?? join(o.logDir, `${o.name}.disk.raw`), bootFirst: pxeFirst ? 'network' : 'disk' });
    },
    async stop() {
      await vm?.dispose(); // SIGTERM, then SIGKILL: the power is cut, nothing is flushed by the guest
    },
  };
}
