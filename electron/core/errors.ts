// Errors carry a code and context; the words come from one catalog and say how to fix the problem.

export type ErrorCode =
  | 'BIND_DENIED'
  | 'PORT_IN_USE'
  | 'NO_SUCH_INTERFACE'
  | 'INTERFACE_DOWN'
  | 'INTERFACE_NO_IPV4'
  | 'FOREIGN_DHCP'
  | 'BIND_TO_DEVICE_FAILED'
  | 'BAD_ARGUMENT'
  | 'POOL_INVALID'
  | 'SERVER_NOT_RUNNING'
  | 'CONTROL_API'
  | 'DATA_DIR'
  | 'ISO_UNREADABLE'
  | 'ISO_UNSUPPORTED'
  | 'ISO_NOT_FOUND'
  | 'ISO_CHECKSUM'
  | 'DISTRO_NOT_FOUND'
  | 'INSTALL_REFUSED'
  | 'HOST_NOT_FOUND'
  | 'NOTHING_TO_CANCEL'
  | 'NOT_SERVING'
  | 'ALREADY_SERVING';

type Context = Record<string, string | number | boolean | null | undefined>;

const catalog: Record<ErrorCode, (c: Context) => string> = {
  BIND_DENIED: (c) =>
    `Port ${c.port}/${c.proto ?? 'udp'} on ${c.iface ?? c.address} needs privileges that this process does not have. ` +
    `Run Bootbench as root (sudo bootbench serve …), or give Node the capability once: ` +
    `sudo setcap cap_net_bind_service,cap_net_raw=+ep "$(readlink -f "$(command -v node)")".`,
  PORT_IN_USE: (c) =>
    `Port ${c.port}/${c.proto ?? 'udp'} on ${c.iface ?? c.address} is already in use${c.holder ? ` by ${c.holder}` : ''}. ` +
    `Stop that service (for example: sudo systemctl stop dnsmasq isc-dhcp-server tftpd-hpa) or choose another port.`,
  NO_SUCH_INTERFACE: (c) =>
    `There is no network interface named "${c.iface}". Available: ${c.available || 'none'}. Run \`bootbench check --interface NAME\` with one of them.`,
  INTERFACE_DOWN: (c) =>
    `Interface ${c.iface} is down (no link). Plug in the cable to the lab switch, or bring it up: sudo ip link set ${c.iface} up.`,
  INTERFACE_NO_IPV4: (c) =>
    `Interface ${c.iface} has no IPv4 address. Give it a static one on the lab network, e.g. sudo ip addr add 192.168.77.1/24 dev ${c.iface}.`,
  FOREIGN_DHCP: (c) =>
    `Another DHCP server answers on ${c.iface}: ${c.servers}. Serving full DHCP beside it would hand out conflicting addresses. ` +
    `Use --mode proxy (or auto) to serve PXE beside it, or --force if you are sure.`,
  BIND_TO_DEVICE_FAILED: (c) =>
    `Could not pin a socket to interface ${c.iface} (${c.reason}). Bootbench refuses to serve DHCP without being pinned to the chosen interface.`,
  BAD_ARGUMENT: (c) => `${c.message}`,
  POOL_INVALID: (c) => `The address pool ${c.pool} is not usable on ${c.iface} (${c.reason}). Give a range inside ${c.subnet}, e.g. --pool ${c.example}.`,
  SERVER_NOT_RUNNING: (c) =>
    `No Bootbench server is running for data folder ${c.dataDir}. Start one with \`bootbench serve --interface IF --data ${c.dataDir}\`.`,
  CONTROL_API: (c) => `The Bootbench server answered ${c.status}: ${c.message}`,
  ISO_UNREADABLE: (c) => `Cannot import ${c.file}: ${c.reason}. Nothing was registered. Check that the download finished (compare its SHA256SUMS) and that it is an installer ISO.`,
  ISO_UNSUPPORTED: (c) => `Cannot import ${c.file}: ${c.reason}. Nothing was registered.`,
  ISO_NOT_FOUND: (c) => `Cannot import ${c.file}: ${c.reason}.`,
  ISO_CHECKSUM: (c) => `${c.file} does not match ${c.sums}: expected ${c.expected}, got ${c.actual}. The download is damaged: download it again. Nothing was registered.`,
  DISTRO_NOT_FOUND: (c) => `No imported distro "${c.id}". \`bootbench distros\` lists them.`,
  INSTALL_REFUSED: (c) => `Cannot install ${c.distro} on ${c.mac}: ${c.reason}. Nothing was queued.`,
  HOST_NOT_FOUND: (c) => `No host ${c.mac} has been seen. \`bootbench hosts\` lists the hosts that network-booted.`,
  NOTHING_TO_CANCEL: (c) => `${c.mac} has no queued or running install (it is ${c.state}).`,
  NOT_SERVING: () => `Bootbench is not serving an interface yet. Choose one in the app, or start with \`bootbench serve --interface IF\`.`,
  ALREADY_SERVING: (c) => `Bootbench already serves ${c.iface}. Stop it first to serve another interface.`,
  DATA_DIR: (c) => `The data folder ${c.dataDir} is not usable (${c.reason}). Choose another with --data DIR or BOOTBENCH_DATA.`,
};

export class BootbenchError extends Error {
  readonly code: ErrorCode;
  readonly context: Context;

  constructor(code: ErrorCode, context: Context = {}, options?: { cause?: unknown }) {
    super(catalog[code](context), options);
    this.name = 'BootbenchError';
    this.code = code;
    this.context = context;
  }
}

export function isBootbenchError(e: unknown): e is BootbenchError {
  return e instanceof BootbenchError;
}

/** The errno code of a Node system error, if it is one. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
