// The contract between the core and everything that talks to it (renderer, CLI, Electron shell):
// record types, event types and the control-API routes, declared once. The renderer imports only
// this folder. Records are JSON, camelCase (see ARCHITECTURE.md ★ Command line).
// Types and constants only: the zod schemas that validate input live in schemas.ts, so that a
// client (the CLI's verbs, which start on every command) loads no validation library.

export const FIRMWARES = ['bios', 'uefi', 'uefi-http', 'unknown'] as const;
export type Firmware = (typeof FIRMWARES)[number];

export const ARCHES = ['x86', 'x86_64', 'arm32', 'arm64', 'unknown'] as const;
export type Arch = (typeof ARCHES)[number];

// ★ Host states: discovered → queued → booting → installing → installed · or failed.
export const HOST_STATES = ['discovered', 'queued', 'booting', 'installing', 'installed', 'failed'] as const;
export type HostState = (typeof HOST_STATES)[number];

export interface Host {
  mac: string; // lower-case, colon-separated
  firmware: Firmware;
  arch: Arch;
  /** Option 93 as sent (RFC 4578), null when the client sent none. */
  clientArch: number | null;
  ip: string | null;
  state: HostState;
  distro: string | null;
  uuid: string | null;
  vendorClass: string | null;
  userClass: string | null;
  hostname: string | null;
  firstSeen: string; // ISO 8601
  lastSeen: string; // ISO 8601
  failureReason?: string;
}

export const DISTRO_FAMILIES = ['rhel', 'debian', 'ubuntu', 'suse', 'alpine', 'generic'] as const;
export type DistroFamily = (typeof DISTRO_FAMILIES)[number];

/** An imported installer ISO, served straight out of the file (★ distro record). */
export interface Distro {
  id: string; // e.g. "rocky-9.4-x86_64"
  family: DistroFamily;
  name: string; // "Rocky Linux"
  version: string;
  arch: string; // "x86_64", "aarch64", …
  variant: string | null;
  /** Paths inside the ISO; for `generic` the user may set them. */
  kernel: string | null;
  initrd: string | null;
  /** Extra kernel arguments (the user's, for `generic`). */
  kernelArgs: string;
  /** Absolute path of the ISO file on the server's disk. */
  iso: string;
  isoSize: number;
  isoMtime: string; // ISO 8601
  volumeId: string;
  /** ok: the file is there as imported; missing: moved or deleted; changed: size or mtime differ (re-import). */
  status: 'ok' | 'missing' | 'changed';
  /** Which files decided the detection. */
  evidence: string[];
  importedAt: string;
  /** sha256 of the whole ISO, when it was verified against a SHA256SUMS file beside it. */
  sha256: string | null;
}

export type NicKind = 'ethernet' | 'wifi' | 'bridge' | 'virtual' | 'vpn' | 'loopback' | 'unknown';

export interface NicAddress {
  address: string;
  prefix: number;
}

export interface NicInfo {
  name: string;
  mac: string | null;
  ipv4: NicAddress[];
  mtu: number | null;
  up: boolean;
  kind: NicKind;
  speedMbps: number | null;
}

export type ServiceName = 'dhcp' | 'proxydhcp' | 'tftp' | 'http' | 'syslog' | 'control';
export type ServiceState = 'starting' | 'up' | 'failed' | 'stopped';

export interface ServiceStatus {
  name: ServiceName;
  state: ServiceState;
  address: string | null; // "10.0.0.1:67"
  error: string | null;
  counters: Record<string, number>;
}

export type DhcpMode = 'auto' | 'dhcp' | 'proxy';

export interface ServerStatus {
  version: string;
  interface: string;
  serverIp: string;
  /** The mode asked for, and the one in force after foreign-DHCP detection. */
  requestedMode: DhcpMode;
  mode: 'dhcp' | 'proxy';
  foreignDhcp: ForeignDhcpServer[];
  services: ServiceStatus[];
  startedAt: string;
}

export interface ForeignDhcpServer {
  serverId: string;
  from: string;
  offeredIp: string | null;
  mac: string | null;
}

export type EventSource = 'dhcp' | 'tftp' | 'http' | 'syslog' | 'install' | 'core';
export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

interface EventBase {
  seq: number;
  time: string;
}

export interface LogEvent extends EventBase {
  type: 'log';
  source: EventSource;
  level: EventLevel;
  /** Stable machine-readable name, e.g. "dhcp.ack", "dhcp.dropped". */
  kind: string;
  mac: string | null;
  message: string;
  data?: Record<string, unknown>;
}

export interface HostEvent extends EventBase {
  type: 'host';
  host: Host;
}

export interface ServiceEvent extends EventBase {
  type: 'service';
  service: ServiceStatus;
}

export interface DistroEvent extends EventBase {
  type: 'distro';
  distro: Distro;
}

export type CoreEvent = LogEvent | HostEvent | ServiceEvent | DistroEvent;
/** What an emitter hands in; the bus stamps seq and time. */
export type CoreEventInput =
  | Omit<LogEvent, 'seq' | 'time'>
  | Omit<HostEvent, 'seq' | 'time'>
  | Omit<ServiceEvent, 'seq' | 'time'>
  | Omit<DistroEvent, 'seq' | 'time'>;

/** A MAC address in the contract's form (lower-case, colon-separated), or null if `text` is not one. */
export function normalizeMac(text: string): string | null {
  const mac = text.trim().toLowerCase().replace(/-/g, ':');
  return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) ? mac : null;
}

export interface ImportRequest {
  /** A path on the server's disk (the desktop app passes the dropped file's path). */
  path: string;
  /** Verify against a SHA256SUMS file beside the ISO (reads the whole file, with progress events). */
  verify?: boolean;
}

/** The body of an upload route: the raw bytes as they arrive (a browser's dropped File, PUT as is). */
export interface UploadStream {
  stream: AsyncIterable<Uint8Array>;
  length: number | null;
}

export interface EventsFilter {
  since?: number;
  mac?: string;
}

/**
 * Control API routes: one declaration both sides use. Paths are relative to the control URL;
 * every request carries the token (header `Authorization: Bearer <token>`).
 * The event stream is a WebSocket at `/api/events/stream` (token in the `token` query parameter,
 * since browsers cannot set headers on a WebSocket), sending one JSON CoreEvent per message.
 */
export interface ControlRoutes {
  'GET /api/status': { query: undefined; output: ServerStatus };
  'GET /api/hosts': { query: undefined; output: Host[] };
  'GET /api/interfaces': { query: undefined; output: NicInfo[] };
  'GET /api/events': { query: EventsFilter; output: CoreEvent[] };
  'GET /api/distros': { query: undefined; output: Distro[] };
  'POST /api/distros/import': { query: undefined; body: ImportRequest; output: Distro };
  /** A browser has no path for a dropped file: it uploads it (streamed into the data folder, with progress events). */
  'PUT /api/distros/upload/:name': { query: undefined; body: UploadStream; output: Distro };
}

export const EVENTS_STREAM_PATH = '/api/events/stream';

/** `server.json` in the data dir (mode 0600): how the other CLI verbs find a running server. */
export interface ServerInfo {
  pid: number;
  controlUrl: string; // http://127.0.0.1:PORT
  token: string;
  uiUrl: string; // controlUrl with the token, for a browser
  interface: string;
  startedAt: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}
