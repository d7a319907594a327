// Who is asking: classify a DHCP client as a PXE ROM, a UEFI HTTP-boot client, iPXE or a plain DHCP
// client, with its firmware and CPU architecture, and pick the default network boot program for it.
// Pure: the boot policy (what a host gets) builds on this, the server only transports.
import type { Arch, Firmware } from '../../shared/contract.js';
import type { DhcpMessage } from './message.js';
import { Opt } from './message.js';
import { clientArch, clientUuid, macOf, userClasses, vendorClass } from './options.js';

export type ClientKind = 'pxe' | 'http' | 'plain';

export interface ClientInfo {
  mac: string;
  /** Option 60 prefix: "PXEClient" (PXE ROM), "HTTPClient" (UEFI HTTP boot), anything else plain. */
  kind: ClientKind;
  /** iPXE is running (user class "iPXE" or its option 175): give it a script URL, never iPXE again. */
  ipxe: boolean;
  firmware: Firmware;
  arch: Arch;
  /** The client's architecture type (option 93, else from the vendor class), null when unknown. */
  clientArch: number | null;
  uuid: string | null;
  vendorClass: string | null;
  /** Option 77, its classes joined by ",". */
  userClass: string | null;
}

interface ArchInfo {
  firmware: Firmware;
  arch: Arch;
}

/**
 * IANA "Processor Architecture Types" (the registry behind RFC 4578 option 93). Only the types that
 * name a firmware and a CPU Bootbench knows are listed; others classify as unknown.
 * Type 9 is "EBC" in the current registry (an erratum moved x86-64 to 7), but RFC 4578 as published
 * lists 9 as "EFI x86-64" and firmware built from it sends 9 on x86-64 machines (dnsmasq and iPXE
 * still name 9 "X86-64_EFI"); no EBC client exists, so 9 is read as x86-64 UEFI.
 */
const ARCH_TYPES: ReadonlyMap<number, ArchInfo> = new Map([
  [0, { firmware: 'bios', arch: 'x86' }], // Intel x86PC: BIOS PXE cannot say whether the CPU is 64-bit
  [6, { firmware: 'uefi', arch: 'x86' }], // EFI IA32
  [7, { firmware: 'uefi', arch: 'x86_64' }], // EFI x86-64 (RFC 4578: "EFI BC")
  [9, { firmware: 'uefi', arch: 'x86_64' }], // RFC 4578 "EFI x86-64" (IANA now: EBC)
  [10, { firmware: 'uefi', arch: 'arm32' }],
  [11, { firmware: 'uefi', arch: 'arm64' }],
  [15, { firmware: 'uefi-http', arch: 'x86' }],
  [16, { firmware: 'uefi-http', arch: 'x86_64' }],
  [18, { firmware: 'uefi-http', arch: 'arm32' }],
  [19, { firmware: 'uefi-http', arch: 'arm64' }],
  [20, { firmware: 'bios', arch: 'x86' }], // PC/AT BIOS boot from HTTP
  [21, { firmware: 'unknown', arch: 'arm32' }], // U-Boot: no Firmware value for it (yet)
  [22, { firmware: 'unknown', arch: 'arm64' }],
  [23, { firmware: 'unknown', arch: 'arm32' }],
  [24, { firmware: 'unknown', arch: 'arm64' }],
]);
/** Other UEFI types (RISC-V, LoongArch, MIPS, Itanium...): the firmware is known, the CPU not ours. */
const OTHER_UEFI = new Set([2, 25, 27, 29, 33, 34, 35, 36, 37, 39]);
const OTHER_UEFI_HTTP = new Set([17, 26, 28, 30, 38, 40]);

/** "PXEClient:Arch:00007:UNDI:003000" (PXE 2.1 §2.2): the arch as decimal, when option 93 is missing. */
const VENDOR_ARCH = /^(?:PXEClient|HTTPClient):Arch:(\d{5})/;

export function archInfo(type: number | null): ArchInfo {
  if (type === null) return { firmware: 'unknown', arch: 'unknown' };
  const known = ARCH_TYPES.get(type);
  if (known) return known;
  if (OTHER_UEFI.has(type)) return { firmware: 'uefi', arch: 'unknown' };
  if (OTHER_UEFI_HTTP.has(type)) return { firmware: 'uefi-http', arch: 'unknown' };
  return { firmware: 'unknown', arch: 'unknown' };
}

export function classifyClient(msg: DhcpMessage): ClientInfo {
  const vc = vendorClass(msg);
  const kind: ClientKind = vc?.startsWith('PXEClient') ? 'pxe' : vc?.startsWith('HTTPClient') ? 'http' : 'plain';
  const classes = userClasses(msg);
  // option 175 is iPXE's own encapsulated options block, sent by every iPXE build even when the user
  // class was changed or stripped (some relays drop option 77)
  const ipxe = classes.includes('iPXE') || msg.options.has(Opt.IpxeEncap);

  let type: number | null = clientArch(msg)[0] ?? null;
  if (type === null && vc) {
    const m = VENDOR_ARCH.exec(vc);
    if (m) type = Number(m[1]);
  }
  const info = archInfo(type);
  let firmware = info.firmware;
  // an HTTPClient that gave a PXE arch type (or none) still boots over HTTP
  if (kind === 'http' && firmware === 'uefi') firmware = 'uefi-http';

  return {
    mac: macOf(msg),
    kind,
    ipxe,
    firmware,
    arch: info.arch,
    clientArch: type,
    uuid: clientUuid(msg),
    vendorClass: vc,
    userClass: classes.length > 0 ? classes.join(',') : null,
  };
}

export type UefiLoader = 'snponly.efi' | 'ipxe.efi';
export type BootFileChoice = { file: string } | { file: null; reason: string };

/**
 * The iPXE build a PXE ROM fetches over TFTP. BIOS: undionly.kpxe (uses the ROM's UNDI driver, works
 * on any NIC). UEFI x86-64: snponly.efi (uses the firmware's SNP driver, like undionly) unless
 * ipxe.efi (iPXE's own drivers) is chosen. iPXE and HTTP-boot clients get an HTTP URL from the
 * caller instead: sending iPXE to iPXE would loop.
 */
export function defaultBootFile(info: ClientInfo, opts: { uefiLoader?: UefiLoader } = {}): BootFileChoice {
  if (info.ipxe) return { file: null, reason: 'client is already iPXE: it gets the URL of its iPXE script' };
  if (info.kind === 'http' || info.firmware === 'uefi-http') {
    return { file: null, reason: 'UEFI HTTP-boot client: it gets an HTTP URL, not a TFTP file' };
  }
  const code = info.clientArch === null ? 'unknown' : String(info.clientArch);
  switch (info.firmware) {
    case 'bios':
      if (info.arch === 'x86') return { file: 'undionly.kpxe' };
      break;
    case 'uefi':
      if (info.arch === 'x86_64') return { file: opts.uefiLoader ?? 'snponly.efi' };
      return { file: null, reason: `no iPXE loader is bundled for ${describe(info)} (architecture type ${code})` };
    case 'unknown':
      break;
  }
  return { file: null, reason: `no loader for an unknown client architecture (type ${code})` };
}

function describe(info: ClientInfo): string {
  const names: Record<Arch, string> = { x86: '32-bit x86', i386: '32-bit x86', x86_64: 'x86-64', arm32: '32-bit ARM', arm64: 'ARM64', ppc64le: 'POWER', ppc64: 'POWER', s390x: 'IBM Z', riscv64: 'RISC-V', loongarch64: 'LoongArch', unknown: 'this CPU' };
  return `${names[info.arch]} UEFI`;
}
