// Errors carry a code and context; the words come from one catalog and say how to fix the problem.

/** Where a port was to be bound: the interface, its address, or both (the message names one). */
type Where = { iface: string; address?: string } | { address: string; iface?: string };
type PortContext = { port: number; proto?: string } & Where;

/**
 * The fields each error's message needs, per code: a call that leaves one out does not type-check
 * (the words never say "Port undefined"). Optional fields are ones the message does without.
 */
export interface ErrorContexts {
  BIND_DENIED: PortContext;
  PORT_IN_USE: PortContext & { holder?: string | null };
  NO_SUCH_INTERFACE: { iface: string; available: string };
  INTERFACE_DOWN: { iface: string };
  INTERFACE_NO_IPV4: { iface: string };
  FOREIGN_DHCP: { iface: string; servers: string };
  BIND_TO_DEVICE_FAILED: { iface: string; reason: string };
  BAD_ARGUMENT: { message: string };
  POOL_INVALID: { pool: string; iface: string; reason: string; subnet: string; example: string };
  SERVER_NOT_RUNNING: { dataDir: string };
  /** An error answer of the control API, rebuilt on the client side: its HTTP status, words and code. */
  CONTROL_API: { status: number; message: string; apiCode?: string };
  DATA_DIR: { dataDir: string; reason: string };
  ISO_UNREADABLE: { file: string; reason: string };
  ISO_UNSUPPORTED: { file: string; reason: string };
  ISO_NOT_FOUND: { file: string; reason: string };
  ISO_CHECKSUM: { file: string; sums: string; expected: string; actual: string };
  DISTRO_NOT_FOUND: { id: string };
  DISTRO_IN_USE: { id: string; hosts: string };
  ISO_NOT_THE_SAME: { file: string; id: string; reason: string };
  INSTALL_REFUSED: { distro: string; mac: string; reason: string };
  HOST_NOT_FOUND: { mac: string };
  NOTHING_TO_CANCEL: { mac: string; state: string };
  HOST_BUSY: { mac: string; state: string };
  NOT_SERVING: Record<string, never>;
  ALREADY_SERVING: { iface: string };
  POWER_NOT_CONFIGURED: PowerContext;
  POWER_UNSUPPORTED: PowerContext & { method: string; detail: string };
  POWER_UNAVAILABLE: PowerContext & { method: string; detail: string };
  BMC_NO_ANSWER: PowerContext & { method: string; target: string; seconds: number };
  BMC_CREDENTIALS_REFUSED: PowerContext & { method: string; target: string; user: string };
  BMC_FAILED: PowerContext & { method: string; target: string; action: string; detail: string };
  /** An inventory CSV with bad rows: every problem by line is in the error's `problems`. */
  INVENTORY_INVALID: { count: number };
}

/** A power action's failure: the host, and what it means for an install asked to start now (`then`). */
type PowerContext = { mac: string; then?: string };

export type ErrorCode = keyof ErrorContexts;

/**
 * The input field an error is about (a settings key, `pool` …), with the problem in words that name
 * no CLI flag or API key: each client words the field itself (the CLI says `--pool`, the UI points at
 * its input), so the core says which field and what is wrong with it, not how to spell it.
 */
export interface ErrorField {
  name: string;
  detail: string;
}

type ErrorOptions = { cause?: unknown; field?: ErrorField; problems?: ErrorProblem[] };

/** One problem of an uploaded file, by line (ApiErrorBody.error.problems). */
export interface ErrorProblem {
  line: number | null;
  message: string;
}
/** The context may be left out only for codes whose message needs none. */
type ContextArgs<C extends ErrorCode> =
  Record<string, never> extends ErrorContexts[C]
    ? [context?: ErrorContexts[C], options?: ErrorOptions]
    : [context: ErrorContexts[C], options?: ErrorOptions];

const catalog: { [C in ErrorCode]: (c: ErrorContexts[C]) => string } = {
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
  POOL_INVALID: (c) =>
    `The address pool ${c.pool} is not usable on ${c.iface} (${c.reason}). Give a range inside ${c.subnet}, e.g. --pool ${c.example}.`,
  SERVER_NOT_RUNNING: (c) =>
    `No Bootbench server is running for data folder ${c.dataDir}. Start one with \`bootbench serve --interface IF --data ${c.dataDir}\`.`,
  CONTROL_API: (c) => `The Bootbench server answered ${c.status}: ${c.message}`,
  ISO_UNREADABLE: (c) =>
    `Cannot import ${c.file}: ${c.reason}. Nothing was registered. Check that the download finished (compare its SHA256SUMS) and that it is an installer ISO.`,
  ISO_UNSUPPORTED: (c) => `Cannot import ${c.file}: ${c.reason}. Nothing was registered.`,
  ISO_NOT_FOUND: (c) => `Cannot import ${c.file}: ${c.reason}.`,
  ISO_CHECKSUM: (c) =>
    `${c.file} does not match ${c.sums}: expected ${c.expected}, got ${c.actual}. The download is damaged: download it again. Nothing was registered.`,
  DISTRO_NOT_FOUND: (c) => `No imported distro "${c.id}". \`bootbench distros\` lists them.`,
  DISTRO_IN_USE: (c) => `Cannot remove ${c.id}: an install uses it (${c.hosts}). Cancel that install or let it finish first.`,
  ISO_NOT_THE_SAME: (c) => `${c.file} is not the ISO of ${c.id}: ${c.reason}. Nothing was changed.`,
  INSTALL_REFUSED: (c) => `Cannot install ${c.distro} on ${c.mac}: ${c.reason}. Nothing was queued.`,
  HOST_NOT_FOUND: (c) => `No host ${c.mac} has been seen. \`bootbench hosts\` lists the hosts that network-booted.`,
  NOTHING_TO_CANCEL: (c) => `${c.mac} has no queued or running install (it is ${c.state}).`,
  HOST_BUSY: (c) => `Cannot forget ${c.mac}: an install is under way (${c.state}). Cancel the install first, then forget the machine.`,
  NOT_SERVING: () => `Bootbench is not serving an interface yet. Choose one in the app, or start with \`bootbench serve --interface IF\`.`,
  ALREADY_SERVING: (c) => `Bootbench already serves ${c.iface}. Stop it first to serve another interface.`,
  POWER_NOT_CONFIGURED: (c) =>
    `${c.mac} has no power settings: Bootbench cannot switch it on or off. Set them (\`bootbench bmc set ${c.mac} …\`, or the host's Power panel); until then, reboot the machine by hand.${then(c)}`,
  POWER_UNSUPPORTED: (c) => `${c.method} cannot do that for ${c.mac}: ${c.detail}.${then(c)}`,
  POWER_UNAVAILABLE: (c) => `${c.method} is not usable for ${c.mac} here: ${c.detail}.${then(c)}`,
  BMC_NO_ANSWER: (c) =>
    `The BMC of ${c.mac} (${c.method}, ${c.target}) did not answer within ${c.seconds} s. Check its address and that it is powered and cabled to this network.${then(c)}`,
  BMC_CREDENTIALS_REFUSED: (c) =>
    `The BMC of ${c.mac} (${c.method}, ${c.target}) refused the credentials of user "${c.user}". Set the right user and password (\`bootbench bmc set ${c.mac} …\`).${then(c)}`,
  BMC_FAILED: (c) => `The BMC of ${c.mac} (${c.method}, ${c.target}) could not ${c.action}: ${c.detail}.${then(c)}`,
  INVENTORY_INVALID: (c) =>
    `The inventory was refused: ${c.count} problem${c.count === 1 ? '' : 's'} (listed by line). Nothing was applied: no host, reservation, power setting or install. Fix the rows and import the whole file again.`,
  DATA_DIR: (c) => `The data folder ${c.dataDir} is not usable (${c.reason}). Choose another with --data DIR or BOOTBENCH_DATA.`,
};

function then(c: PowerContext): string {
  return c.then ? ` ${c.then}` : '';
}

export class BootbenchError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly context: ErrorContexts[C];
  /** The field the error is about, when it is about one input. */
  readonly field: ErrorField | undefined;
  /** Problems by line of an uploaded file (an inventory CSV), every one. */
  readonly problems: ErrorProblem[] | undefined;

  constructor(code: C, ...[context, options]: ContextArgs<C>) {
    const ctx = (context ?? {}) as ErrorContexts[C];
    super(catalog[code](ctx), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BootbenchError';
    this.code = code;
    this.context = ctx;
    this.field = options?.field;
    this.problems = options?.problems;
  }
}

/** Whether `e` is a BootbenchError (of `code`, when given: its context is then typed for that code). */
export function isBootbenchError<C extends ErrorCode = ErrorCode>(e: unknown, code?: C): e is BootbenchError<C> {
  return e instanceof BootbenchError && (code === undefined || e.code === code);
}

/** The errno code of a Node system error, if it is one. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
