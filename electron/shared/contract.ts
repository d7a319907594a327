// The contract between the core and everything that talks to it (renderer, CLI, Electron shell):
// record types, event types and the control-API routes, declared once. The renderer imports only
// this folder. Records are JSON, camelCase (see ARCHITECTURE.md ★ Command line).
// Types and constants only: the zod schemas that validate input live in schemas.ts, so that a
// client (the CLI's verbs, which start on every command) loads no validation library.
import type { PowerActionResult, PowerMethod, PowerReading, PowerSettingsUpdate, PowerSettingsView } from './power.js';

export const FIRMWARES = ['bios', 'uefi', 'uefi-http', 'unknown'] as const;
export type Firmware = (typeof FIRMWARES)[number];

// One CPU-architecture vocabulary for hosts (DHCP option 93, RFC 4578) and distros (ISO detection),
// so that a host and the distro it installs can be compared (docs/decisions.md, "One architecture
// vocabulary"). The UEFI spec's and Debian's names for the two that matter most (x86_64, arm64),
// the kernel's for the rest. `x86` is an x86 whose width is not known: a BIOS PXE client (option
// 93 = 0) cannot say whether its CPU is 64-bit. Detection maps every spelling (aarch64, amd64,
// armhf, ppc64el, …) to these (iso/detect/arch.ts).
export const ARCHES = [
  'x86_64',
  'i386',
  'x86',
  'arm64',
  'arm32',
  'ppc64le',
  'ppc64',
  's390x',
  'riscv64',
  'loongarch64',
  'unknown',
] as const;
export type Arch = (typeof ARCHES)[number];

export function isArch(value: unknown): value is Arch {
  return (ARCHES as readonly unknown[]).includes(value);
}

// The UEFI boot chain (ARCHITECTURE.md ★ Command line, `serve --chain`): Bootbench's iPXE, or the
// signed chain (Microsoft-signed shim → distribution-signed GRUB → signed kernel) that Secure Boot
// firmware accepts. `auto` (a setting, never a host's chain) starts with iPXE and switches a host
// whose firmware refused the iPXE loader.
export const BOOT_CHAINS = ['ipxe', 'signed'] as const;
export type BootChain = (typeof BOOT_CHAINS)[number];
export const CHAIN_SETTINGS = ['auto', 'ipxe', 'signed'] as const;
export type ChainSetting = (typeof CHAIN_SETTINGS)[number];

export function isChainSetting(value: unknown): value is ChainSetting {
  return (CHAIN_SETTINGS as readonly unknown[]).includes(value);
}

// ★ What a machine seen for the first time does (`serve --new-hosts`, the UI's "New machines"), and
// what a host waiting with nothing queued does (its own override, else the global one):
//   wait    — today's behaviour: the boot menu opens with a timeout whose default is the wait loop,
//             which polls Bootbench so that a click on Install boots the host;
//   menu    — the boot menu stays on the machine's screen until someone picks an entry there (it
//             still re-reads its state now and then, so a click in the app still boots it);
//   local   — boot the local disk: Bootbench leaves the machine alone;
//   install — (global setting only) queue an install of `distro` with the current settings as soon
//             as the machine is first seen.
export const WAIT_POLICIES = ['wait', 'menu', 'local'] as const;
export type WaitPolicy = (typeof WAIT_POLICIES)[number];
export const NEW_HOST_ACTIONS = ['wait', 'menu', 'local', 'install'] as const;
export type NewHostAction = (typeof NEW_HOST_ACTIONS)[number];

export interface NewHostPolicy {
  action: NewHostAction;
  /** The distro id, for `install` (null otherwise). */
  distro: string | null;
}

/** The CLI's spelling (`wait`, `menu`, `local`, `install:DISTRO_ID`) of a policy; null when it is not one. */
export function parseNewHostPolicy(text: string): NewHostPolicy | null {
  const t = text.trim();
  if (t === 'wait' || t === 'menu' || t === 'local') return { action: t, distro: null };
  const m = /^install:(\S+)$/.exec(t);
  return m ? { action: 'install', distro: m[1]! } : null;
}

export function formatNewHostPolicy(policy: NewHostPolicy): string {
  return policy.action === 'install' ? `install:${policy.distro ?? ''}` : policy.action;
}

/** The boot menu's timeout when none is stored (records written before it, a fresh data folder). */
export const DEFAULT_MENU_TIMEOUT_SECONDS = 10;

/**
 * What is wrong with a line of extra kernel arguments (a distro's or a host's), or null when it can
 * be used: one line, double quotes only in pairs (key="a b"), as the kernel command line carries them.
 */
export function kernelArgsProblem(text: string): string | null {
  if (/[\r\n]/.test(text)) return 'kernel arguments must be one line (no line break)';
  if (text.replace(/"[^"]*"/g, '').includes('"')) return 'kernel arguments take double quotes only in pairs (key="a b")';
  return null;
}

/** The boot menu's settings (global): how long it stays open before its default entry. */
export interface BootMenuSettings {
  /** Seconds the menu waits before its default entry (the wait loop, or for `menu` a re-read of the state). 0: no menu unless asked for (a key). */
  timeoutSeconds: number;
}

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
  /** The host name its install gives it (set when an install is queued); null before any. */
  hostname: string | null;
  /** A name the technician gave the machine (Rename in the UI, `bootbench rename`); absent or null when none. */
  label?: string | null;
  firstSeen: string; // ISO 8601
  /** Its last contact of any kind: DHCP, TFTP, HTTP, syslog, installer reports. */
  lastSeen: string; // ISO 8601
  /** When it last fetched its iPXE script (the wait loop polls it every few seconds); absent before any. */
  lastPolledAt?: string | null;
  /** Why the last install failed, in words for people (UI, CLI); set while the host is `failed`. */
  failureReason?: string;
  /** The same failure as a stable code, for programs and tests to compare (never compare the words). */
  failureCode?: InstallFailureCode;
  /** The install queued, running or last finished on this host; null when none was ever asked for. */
  install?: HostInstall | null;
  /**
   * ★ What its next UEFI boot gets: iPXE, or the signed chain (shim → GRUB). Follows its setting
   * (its own, else the global one); under `auto` it starts `ipxe` and becomes `signed` when the
   * firmware refused the iPXE loader. Hosts stored before chains existed load as `ipxe`.
   */
  chain: BootChain;
  /** The host's own chain setting; absent or null: it follows the global one (ServerStatus.chain). */
  chainOverride?: ChainSetting | null;
  /** Why `auto` chose its chain, in words for people; absent or null while `auto` has not switched it. */
  chainReason?: string | null;
  /** How Bootbench switches it on and off (its power settings); absent or null when it cannot. */
  powerMethod?: PowerMethod | null;
  /** Its power state as last read or set by a power action; absent or null before any. */
  power?: PowerReading | null;
  /** ★ When the installed system first reported from its own disk ("first boot confirmed"); null until then (and again at each new install). */
  firstBoot?: string | null;
  /**
   * Installed, and no first boot reported within the expected time (`serve --install-timeouts
   * firstboot=30m`): a warning, the install is not failed. False or absent otherwise.
   */
  firstBootOverdue?: boolean;
  /** What this host does while it waits with nothing queued; absent or null: the global policy's (ServerStatus.newHosts: `install` waits). */
  waitPolicy?: WaitPolicy | null;
  /** Extra kernel arguments for every boot of this host (installers and live systems), after the distro's. */
  kernelArgs?: string | null;
  /** The last thing booted for it that is not its install (a live system, memtest, the whole ISO, the local disk), chosen at the machine or in the app. */
  lastBoot?: HostBoot | null;
}

/** One boot of a host that is not an install: what, how it was chosen, when. */
export interface HostBoot {
  /** A menu entry's id: `live:<distro id>`, `iso:<distro id>`, `memtest`, `local`, `reboot`, `shell`, `install:<distro id>`. */
  entry: string;
  /** Words for people, e.g. "Debian Live 12 (live system)". */
  title: string;
  /** Where it was chosen: at the machine's boot menu, or in the app / CLI. */
  chosenAt: 'machine' | 'app';
  at: string;
}

/** The stages of an install (★ Host states, without `discovered`). */
export type InstallStage = Exclude<HostState, 'discovered'>;

export interface HostInstall {
  /** Identifies this install (not its token: the token is a secret of the boot server's routes). */
  id: string;
  distro: string;
  /** The template the answer file is rendered from (kickstart, preseed, autoinstall, autoyast, none). */
  template: AnswerTemplateName | 'none';
  /** Per-install overrides of the settings (`--set KEY=VALUE`). */
  settings: Record<string, string>;
  stage: InstallStage;
  queuedAt: string;
  stageSince: string;
  /** The last step seen (e.g. "kernel fetched", "answer file fetched", "syslog: …"), and when. */
  lastStep: string | null;
  lastStepAt: string | null;
  /** When the current stage times out, or null once finished. */
  deadline: string | null;
  /** 0–1, a coarse estimate from the stage and the steps seen. */
  progress: number;
  finishedAt: string | null;
  /** Why it failed, once its stage is `failed`; null otherwise. */
  failure: InstallFailure | null;
}

// ★ Host states: `failed` with a reason. The code says which way it failed; the message says where
// it stopped and what to check, in words a technician can act on.
export const INSTALL_FAILURE_CODES = [
  /** The user cancelled it (UI, `bootbench cancel`). */
  'cancelled',
  /** Queued, but the host never fetched its installer (powered off, not set to network boot). */
  'timeout-queued',
  /** The installer kernel was fetched, but the installer never asked for its answer file. */
  'timeout-booting',
  /** Installing, but no sign of the installer (fetch, log line, report) for too long. */
  'timeout-installing',
  /** Installing for longer than a whole install may take, however chatty. */
  'timeout-install-total',
  /** The host started the installer again and again without reporting `installed`. */
  'boot-loop',
  /** The installer reported a failure (its report URL, `event=failed`). */
  'installer-error',
  /** The install's distro was removed after the install was queued. */
  'distro-removed',
  /** Bootbench could not boot the installer any more (its kernel or initrd cannot be read, …). */
  'installer-unavailable',
  /**
   * The firmware ran neither boot chain (`auto`): it refused the iPXE loader, then fetched the
   * signed shim and GRUB but never asked for its GRUB config (Secure Boot keys that trust neither).
   */
  'boot-refused',
  /** A failure stored before failures had codes, whose words match none of the above. */
  'unknown',
] as const;
export type InstallFailureCode = (typeof INSTALL_FAILURE_CODES)[number];

export interface InstallFailure {
  code: InstallFailureCode;
  message: string;
}

// ★ How a machine boots a distro: its installer (unattended, with an answer file), its live system
// (kernel + initrd out of the ISO, the root file system fetched over HTTP by the live family's own
// argument), or the whole ISO (iPXE `sanboot` over HTTP on BIOS, the firmware's HTTP boot of the
// `.iso` as a RAM disk on UEFI) for an ISO Bootbench cannot read into.
export const DISTRO_BOOTS = ['installer', 'live', 'whole-iso'] as const;
export type DistroBoot = (typeof DISTRO_BOOTS)[number];
/** The live families Bootbench boots over the network, each with its own network-root argument. */
export const LIVE_FAMILIES = ['casper', 'live-boot', 'dracut', 'archiso'] as const;
export type LiveFamily = (typeof LIVE_FAMILIES)[number];

export const DISTRO_FAMILIES = ['rhel', 'debian', 'ubuntu', 'suse', 'alpine', 'generic'] as const;
export type DistroFamily = (typeof DISTRO_FAMILIES)[number];

/** An imported installer ISO, served straight out of the file (★ distro record). */
export interface Distro {
  id: string; // e.g. "rocky-9.4-x86_64"
  family: DistroFamily;
  name: string; // "Rocky Linux"
  version: string;
  arch: Arch; // "x86_64", "arm64", … (an id is a name and never changes: "rocky-9.4-aarch64" stays)
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
  /**
   * sha256 of the whole ISO when known: verified against a SHA256SUMS file beside it, or computed
   * while an upload was received.
   */
  sha256: string | null;
  /** The file was uploaded into the data folder by Bootbench (Remove deletes it); false or absent: imported where it lies. */
  uploaded?: boolean;
  /**
   * ★ Whether a machine with Secure Boot on can boot this distro's installer, through a signed chain
   * that verifies its kernel (Debian's signed shim + GRUB for Debian; the ISO's own signed shim +
   * GRUB for the RHEL family, …). Decided at import (and at load for records stored before it).
   */
  secureBoot: boolean;
  /** ★ Words for people: how it boots under Secure Boot, or why it cannot and what to do. */
  secureBootReason: string | null;
  /**
   * The ISO's own signed shim and GRUB (paths inside the ISO), when it boots under Secure Boot
   * through them (RHEL family, SUSE, …): a host installing it gets these, served out of the ISO.
   * Absent for distros booted through Bootbench's bundled chain (Debian) or not at all.
   */
  secureBootLoaders?: { shim: string; grub: string };
  /** ★ How a machine boots it (installer, live, whole ISO); records stored before it load as `installer`. */
  boot: DistroBoot;
  /** Words for people: how it boots, and for `whole-iso` why it is not booted as installer or live. */
  bootReason: string | null;
  /** For `live`: the live family, which decides the network-root argument. */
  liveFamily?: LiveFamily | null;
  /** Set when booting the whole ISO (or a live system that copies it to RAM) needs more memory than a typical client has. */
  memoryWarning?: string | null;
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

export type ServiceName = 'dhcp' | 'proxydhcp' | 'tftp' | 'http' | 'syslog' | 'dns' | 'ra' | 'control';
export type ServiceState = 'starting' | 'up' | 'failed' | 'stopped';

export interface ServiceStatus {
  name: ServiceName;
  state: ServiceState;
  address: string | null; // "10.0.0.1:67"
  error: string | null;
  counters: Record<string, number>;
}

export const DHCP_MODES = ['auto', 'dhcp', 'proxy'] as const;
export type DhcpMode = (typeof DHCP_MODES)[number];

/** Whether a value (a stored setting, a flag) is one of the DHCP modes. */
export function isDhcpMode(value: unknown): value is DhcpMode {
  return (DHCP_MODES as readonly unknown[]).includes(value);
}

export interface ServerStatus {
  version: string;
  /** setup: the UI runs but no interface is served yet (first run); serving: every service is up on `interface`. */
  state: 'setup' | 'serving';
  interface: string | null;
  serverIp: string | null;
  /** The mode asked for, and the one in force after foreign-DHCP detection (null while in setup). */
  requestedMode: DhcpMode;
  mode: 'dhcp' | 'proxy' | null;
  foreignDhcp: ForeignDhcpServer[];
  services: ServiceStatus[];
  startedAt: string;
  /** The global UEFI boot-chain setting (stored in the data folder; `serve --chain` sets it at start). */
  chain: ChainSetting;
  /** ★ What a machine seen for the first time does (stored; `serve --new-hosts` sets it at start). */
  newHosts: NewHostPolicy;
  menu: BootMenuSettings;
}

export interface ForeignDhcpServer {
  serverId: string;
  from: string;
  offeredIp: string | null;
  mac: string | null;
}

export type EventSource = 'dhcp' | 'tftp' | 'http' | 'syslog' | 'dns' | 'install' | 'power' | 'core';
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
  /** The host record was deleted (Forget): `host` is its last state. */
  forgotten?: true;
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
  Omit<LogEvent, 'seq' | 'time'> | Omit<HostEvent, 'seq' | 'time'> | Omit<ServiceEvent, 'seq' | 'time'> | Omit<DistroEvent, 'seq' | 'time'>;

/** A MAC address in the contract's form (lower-case, colon-separated), or null if `text` is not one. */
export function normalizeMac(text: string): string | null {
  const mac = text.trim().toLowerCase().replace(/-/g, ':');
  return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) ? mac : null;
}

export interface HostLabelUpdate {
  label: string | null;
}

/** A host's own chain setting; null: it follows the global one. */
export interface HostChainUpdate {
  chain: ChainSetting | null;
}

/** The global chain setting. */
export interface ChainSettingUpdate {
  chain: ChainSetting;
}

/** The global policy for new machines and the menu's settings (either may be left out). */
export interface BootPolicyUpdate {
  newHosts?: NewHostPolicy;
  menu?: BootMenuSettings;
}

/** A host's own wait policy; null: it follows the global one. */
export interface HostWaitPolicyUpdate {
  policy: WaitPolicy | null;
}

/** A host's extra kernel arguments; null or "" removes them. */
export interface HostKernelArgsUpdate {
  kernelArgs: string | null;
}

/** Boot a host into something other than an install (a live system, memtest, the whole ISO, its disk) at its next boot script. */
export interface HostBootRequest {
  /** A menu entry id (HostBoot.entry) other than `install:…` (use the install route). */
  entry: string;
}

export const BATCH_ACTIONS = ['install', 'cancel', 'wait-policy'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

/** One action on several hosts (the UI's selection, `bootbench install MAC MAC …`). */
export interface BatchRequest {
  macs: string[];
  action: BatchAction;
  /** For `install`: the same as InstallRequest. */
  install?: InstallRequest;
  /** For `wait-policy`: the host's own policy, null to follow the global one. */
  policy?: WaitPolicy | null;
}

/** Each host's outcome: the batch goes on past a host it cannot act on. */
export interface BatchResult {
  results: { mac: string; ok: boolean; host?: Host; error?: { code: string; message: string } }[];
}

/**
 * An inventory CSV (`bootbench hosts import FILE.csv`): a header naming its columns — `mac`, and
 * optionally `hostname`, `ip`, `distro`, and the power columns (`power`: ipmi|redfish|wol, `bmc`:
 * the BMC's address or URL, `bmc_user`, `bmc_password`) — then one row per machine. Every row is
 * checked before any is applied: a bad row refuses the whole file, with each problem by line.
 */
export interface InventoryImportRequest {
  csv: string;
  /** Check only: report what would be done, apply nothing. */
  dryRun?: boolean;
}

export interface InventoryRow {
  line: number;
  mac: string;
  hostname: string | null;
  ip: string | null;
  distro: string | null;
  powerMethod: PowerMethod | null;
}

export interface InventoryImportResult {
  rows: InventoryRow[];
  /** The hosts as they are after the import (created or updated; queued where a distro was given). */
  hosts: Host[];
  reservations: number;
  installsQueued: number;
  applied: boolean;
}

/** A fixed address for a MAC (from `serve --reserve`, or an inventory import: those are stored). */
export interface ReservationRecord {
  mac: string;
  ip: string;
  hostname: string | null;
  source: 'flag' | 'inventory';
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
  /**
   * Event stream only: also send each service's status when it changes (its counters included),
   * sampled at most twice a second. These events are live only, never in the backlog.
   */
  services?: boolean;
}

export interface InstallRequest {
  distro: string;
  /** Overrides of the install settings for this host and install (`--set KEY=VALUE`). */
  settings?: Record<string, string>;
  /**
   * Reinstall now: once queued, set the host's next boot to the network (PXE once) and power-cycle
   * it (power it on when it is off; Wake-on-LAN: wake it), through its power settings. A power
   * failure answers an error and leaves the install queued, with the failure on the host's timeline.
   */
  now?: boolean;
}

/** `POST /api/hosts/:mac/power/accept-certificate`: trust the Redfish certificate the BMC now presents. */
export interface CertificateAcceptance {
  /** The presented certificate's SHA-256 (AA:BB:… as shown); refused unless it is the one presented. */
  fingerprint: string;
}

export const ANSWER_TEMPLATE_NAMES = ['kickstart', 'preseed', 'autoinstall', 'autoyast'] as const;
export type AnswerTemplateName = (typeof ANSWER_TEMPLATE_NAMES)[number];

export interface AnswerTemplate {
  name: AnswerTemplateName;
  /** The families whose installers read it. */
  families: DistroFamily[];
  text: string;
  /** true when the user edited it (stored in the data folder); defaultText is what ships. */
  custom: boolean;
  defaultText: string;
  /** Why the edit on disk is not used (old template syntax or a fault: the file and the line); null when it is. */
  refusal: string | null;
}

export interface ValidationProblem {
  line: number | null;
  message: string;
}

export interface AnswerFilePreview {
  mac: string;
  distro: string;
  template: AnswerTemplateName;
  contentType: string;
  text: string;
  validation: { ok: boolean; problems: ValidationProblem[] };
}

/**
 * The variables answer files are rendered with. Passwords are kept only as SHA-512 crypt hashes
 * ($6$…); the API takes a plain password once and hashes it at once (InstallSettingsUpdate).
 */
export interface InstallSettings {
  /** Host name of an installed machine; `{mac}` is replaced by the MAC without colons, `{n}` by a counter. */
  hostnamePattern: string;
  domain: string;
  timezone: string;
  locale: string;
  keyboard: string;
  /** Device of the target disk; empty = the first disk the installer finds. */
  targetDisk: string;
  rootPasswordHash: string | null;
  adminUser: string;
  adminPasswordHash: string | null;
  sshAuthorizedKey: string;
  extraPackages: string[];
  /** Shell commands run at the end of the install, in the installed system. */
  postInstallScript: string;
}

export type InstallSettingsUpdate = Partial<Omit<InstallSettings, 'rootPasswordHash' | 'adminPasswordHash'>> & {
  /** Plain passwords: hashed on arrival, never stored or echoed. An empty string clears it. */
  rootPassword?: string;
  adminPassword?: string;
};

/** Settings as the API shows them: hashes are not secrets, but the UI only needs to know whether one is set. */
export type InstallSettingsView = Omit<InstallSettings, 'rootPasswordHash' | 'adminPasswordHash'> & {
  rootPasswordSet: boolean;
  adminPasswordSet: boolean;
  /** Whose the admin password is; the generated one can be read (once shown) through the API. */
  adminPasswordInfo: AdminPasswordState;
  /**
   * Whether someone can log in to a machine installed now: the admin password is the user's own or
   * the generated one was shown or copied, or an SSH key is set. Install warns when it is false.
   */
  loginKnown: boolean;
};

/** What Remove did: the record is gone; the file was deleted only if Bootbench had uploaded it. */
export interface DistroRemoval {
  id: string;
  /** The ISO file the record pointed at. */
  iso: string;
  fileDeleted: boolean;
}

/** Locate…: the new place of a moved ISO (the same file: same size and volume id). */
export interface LocateRequest {
  path: string;
}

/** An upload's query: the name of the file as the user chose it (for messages; the route's `:name` is a safe copy). */
export interface UploadQuery {
  filename?: string;
}

export interface AdminPasswordState {
  /** 'generated' at the first start (readable through POST /api/settings/initial-password) until the user sets their own. */
  source: 'generated' | 'own';
  /** When the user set their own (ISO 8601); null for the generated one or when not recorded. */
  setAt: string | null;
  /** The generated password has been shown or copied (through the API) at least once. */
  revealed: boolean;
}

/** The generated admin password, for the user to see or copy. */
export interface InitialPassword {
  user: string;
  password: string;
}

/** What the user may set on a distro (kernel, initrd and arguments: for `generic`, or to override). */
export interface DistroUpdate {
  kernel?: string | null;
  initrd?: string | null;
  kernelArgs?: string;
}

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckItem {
  id: string;
  status: CheckStatus;
  message: string;
  fix?: string;
}

/** `bootbench check`: preflight of one interface. */
export interface CheckReport {
  interface: string;
  ok: boolean;
  checks: CheckItem[];
}

/** Start serving on an interface (the UI's first-run flow; `serve --interface` does it at start). */
export interface ServeRequest {
  interface: string;
  mode?: DhcpMode;
  pool?: string;
}

export interface TimelineQuery {
  /** Only events with a larger seq. */
  since?: number;
  /** At most this many, the latest (default 1,000). */
  limit?: number;
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
  'PUT /api/distros/upload/:name': { query: UploadQuery; body: UploadStream; output: Distro };
  'PUT /api/distros/:id': { query: undefined; body: DistroUpdate; output: Distro };
  /**
   * Remove a distro: the record goes; its file is deleted only if Bootbench uploaded it into the data
   * folder (an ISO imported by path stays where it is). Refused while an install uses the distro.
   */
  'DELETE /api/distros/:id': { query: undefined; output: DistroRemoval };
  /** Point a missing (moved) distro at its new path; refused unless it is the same ISO (size and volume id). */
  'POST /api/distros/:id/locate': { query: undefined; body: LocateRequest; output: Distro };
  /** Queue an install; a MAC not seen yet is registered, so that it installs when it first boots. */
  'POST /api/hosts/:mac/install': { query: undefined; body: InstallRequest; output: Host };
  /**
   * Cancel a queued or running install: the install ends `failed` (code `cancelled`) and the host
   * returns to the state it had before it was queued (an installed host stays installed and boots its disk).
   */
  'POST /api/hosts/:mac/cancel': { query: undefined; output: Host };
  /** Give the host a name of the technician's (`label`); null or "" removes it. */
  'PUT /api/hosts/:mac/label': { query: undefined; body: HostLabelUpdate; output: Host };
  /**
   * The host's own UEFI boot-chain setting; null: it follows the global one. Setting `auto` on a host
   * lets `auto` decide afresh (a host it switched, or failed, starts again from iPXE).
   */
  'PUT /api/hosts/:mac/chain': { query: undefined; body: HostChainUpdate; output: Host };
  /** The global UEFI boot-chain setting (stored: it outlives restarts); hosts without their own follow it. */
  'PUT /api/boot/chain': { query: undefined; body: ChainSettingUpdate; output: ServerStatus };
  /** The policy for new machines and the boot menu's settings (stored: they outlive restarts). */
  'PUT /api/boot/policy': { query: undefined; body: BootPolicyUpdate; output: ServerStatus };
  /** The host's own wait policy (wait, menu, local); null: it follows the global one. */
  'PUT /api/hosts/:mac/wait-policy': { query: undefined; body: HostWaitPolicyUpdate; output: Host };
  /** The host's extra kernel arguments, for every boot of it (after the distro's). */
  'PUT /api/hosts/:mac/kernel-args': { query: undefined; body: HostKernelArgsUpdate; output: Host };
  /** Boot the host into a live system, memtest, the whole ISO or its disk at its next boot script (no disk is touched). */
  'POST /api/hosts/:mac/boot': { query: undefined; body: HostBootRequest; output: Host };
  /** One action on several hosts; each host's outcome (the batch goes on past a host it cannot act on). */
  'POST /api/hosts/batch': { query: undefined; body: BatchRequest; output: BatchResult };
  /** Import an inventory CSV: all rows or none (a bad row: 400 with every problem by line in `error.problems`). */
  'POST /api/hosts/import': { query: undefined; body: InventoryImportRequest; output: InventoryImportResult };
  'GET /api/reservations': { query: undefined; output: ReservationRecord[] };
  /** Forget a host: its record is deleted (refused while an install is under way). The forgotten record. */
  'DELETE /api/hosts/:mac': { query: undefined; output: Host };
  /** The answer file this host would get (for `distro`, else its queued install's), with validation. */
  'GET /api/hosts/:mac/answer-file': { query: { distro?: string }; output: AnswerFilePreview };
  /** The host's persisted timeline: DHCP, TFTP, HTTP, syslog, installer reports, in order. */
  'GET /api/hosts/:mac/timeline': { query: TimelineQuery; output: LogEvent[] };
  /** The host's power settings as the API shows them (secrets: set or not, never the value). */
  'GET /api/hosts/:mac/power': { query: undefined; output: PowerSettingsView };
  /** Set the host's power settings (`method: null` removes them, secrets included); an absent secret keeps the stored one. */
  'PUT /api/hosts/:mac/power': { query: undefined; body: PowerSettingsUpdate; output: PowerSettingsView };
  /** Trust the Redfish certificate the BMC now presents (after a change was refused). */
  'POST /api/hosts/:mac/power/accept-certificate': { query: undefined; body: CertificateAcceptance; output: PowerSettingsView };
  /** Run a power action now (on, off, cycle, status); each action and its result go on the host's timeline. */
  'POST /api/hosts/:mac/power/:action': { query: undefined; output: PowerActionResult };
  'GET /api/settings': { query: undefined; output: InstallSettingsView };
  'PUT /api/settings': { query: undefined; body: InstallSettingsUpdate; output: InstallSettingsView };
  /**
   * The generated admin password, while it is the one in force (409 once the user set their own:
   * only a hash is kept then). A POST: it records that the password was shown (loginKnown).
   */
  'POST /api/settings/initial-password': { query: undefined; output: InitialPassword };
  'GET /api/templates': { query: undefined; output: AnswerTemplate[] };
  /** Save an edited template (validated first); `text: null` restores the default. */
  'PUT /api/templates/:name': { query: undefined; body: { text: string | null }; output: AnswerTemplate };
  'GET /api/check': { query: { interface: string }; output: CheckReport };
  'POST /api/serve': { query: undefined; body: ServeRequest; output: ServerStatus };
  'POST /api/stop': { query: undefined; output: ServerStatus };
}

export const EVENTS_STREAM_PATH = '/api/events/stream';

export type RouteKey = keyof ControlRoutes;
export type PathOf<K extends string> = K extends `${string} ${infer P}` ? P : never;
export type ParamNames<P extends string> = P extends `${string}:${infer N}/${infer Rest}`
  ? N | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer N}`
    ? N
    : never;
/** `'POST /api/hosts/:mac/install'` → `{ mac: string }`. */
export type RouteParams<K extends RouteKey> = { [N in ParamNames<PathOf<K>>]: string };
type Field<K extends RouteKey, F extends string> = ControlRoutes[K] extends Record<F, infer T> ? T : undefined;
export type RouteQuery<K extends RouteKey> = Field<K, 'query'>;
export type RouteBody<K extends RouteKey> = Field<K, 'body'>;
export type RouteOutput<K extends RouteKey> = ControlRoutes[K]['output'];

/** `server.json` in the data dir (mode 0600): how the other CLI verbs find a running server. */
export interface ServerInfo {
  pid: number;
  controlUrl: string; // http://127.0.0.1:PORT
  token: string;
  uiUrl: string; // controlUrl with the token, for a browser
  /** null while the server waits in setup (no interface chosen yet). */
  interface: string | null;
  startedAt: string;
}

export interface ApiErrorBody {
  /**
   * `field`: the input the error is about (a settings key, `pool` of a serve request), with `detail`
   * saying what is wrong in words free of CLI flags, for a client to show at that input.
   */
  error: {
    code: string;
    message: string;
    field?: { name: string; detail: string };
    /** Problems by line of an uploaded file (an inventory CSV): every one, not only the first. */
    problems?: ValidationProblem[];
  };
}
