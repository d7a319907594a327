// What a network-booting client gets from DHCP, for every client kind: the first-stage loader over
// TFTP for a PXE ROM, the URL of its own iPXE script once it runs iPXE (handing iPXE a URL instead
// of the loader again is what stops the chainload loop), and a loader URL for UEFI HTTP boot. A UEFI
// host on the signed chain (Secure Boot) gets its shim instead of iPXE. The DHCP server is handed
// this policy at composition and only transports its answer.
import type { Arch, BootChain } from '../../shared/contract.js';
import type { EventBus } from '../events.js';
import type { ClientInfo } from '../dhcp/pxe.js';
import type { BootAnswer } from '../dhcp/reply.js';
import { bundledSignedLoaders, type SignedLoadersFor } from './signed-loaders.js';
import { httpBase, ipxeScriptPath, loaderPath } from './urls.js';

export type UefiLoader = 'snponly.efi' | 'ipxe.efi';

export interface DhcpBootOptions {
  serverIp: string;
  httpPort: number;
  /** The iPXE build for UEFI x86-64 PXE ROMs (default snponly.efi). */
  uefiLoader?: UefiLoader;
  /** The chain a UEFI client boots (the chain setting, the host's own); default iPXE for every client. */
  chainFor?: (client: ClientInfo) => BootChain;
  /** The signed loaders of a host on the signed chain; default the bundled pair for its CPU. */
  signedLoadersFor?: SignedLoadersFor;
  /**
   * A URL a UEFI HTTP-boot client (not iPXE) boots instead of a loader: a whole ISO it was told to
   * boot (`iso:<id>`), which its firmware holds as a RAM disk (HttpBootDxe: an `.iso` URL or
   * Content-Type application/vnd.efi-iso → RamDiskDxe → the ISO's own \EFI\BOOT loader).
   */
  httpBootFileFor?: (client: ClientInfo) => string | null;
}

/** The decision for one client: an answer, nothing (a plain DHCP client), or why none can be given. */
export type BootChoice = { kind: 'boot'; answer: BootAnswer } | { kind: 'not-netboot' } | { kind: 'no-loader'; reason: string };

/**
 * The boot file for one client. BIOS: undionly.kpxe (uses the ROM's UNDI driver, works on any
 * NIC). UEFI x86-64: snponly.efi (uses the firmware's SNP driver, like undionly) unless ipxe.efi
 * (iPXE's own drivers) is chosen. iPXE gets its script's URL; a UEFI HTTP-boot client: see
 * httpBootLoader. On the signed chain a UEFI client gets the shim instead (by TFTP, or by URL for
 * HTTP boot): the shim loads GRUB, which never asks DHCP again.
 */
export function chooseBoot(client: ClientInfo, options: DhcpBootOptions): BootChoice {
  const base = httpBase(options.serverIp, options.httpPort);
  const uefiLoader = options.uefiLoader ?? 'snponly.efi';
  const nextServer = options.serverIp;
  if (client.kind === 'plain') return { kind: 'not-netboot' };
  if (client.ipxe) return { kind: 'boot', answer: { file: `${base}${ipxeScriptPath(client.mac)}`, nextServer, vendorClass: null } };
  const uefi = client.kind === 'http' || client.firmware === 'uefi' || client.firmware === 'uefi-http';
  if (uefi && (options.chainFor?.(client) ?? 'ipxe') === 'signed') return signedBoot(client, options, base);
  const code = client.clientArch === null ? 'unknown' : String(client.clientArch);
  const httpBoot = client.kind === 'http' || client.firmware === 'uefi-http';
  const wholeIso = httpBoot && client.arch === 'x86_64' ? options.httpBootFileFor?.(client) : null;
  if (wholeIso) return { kind: 'boot', answer: { file: wholeIso, nextServer, vendorClass: 'HTTPClient' } };
  if (httpBoot) return httpBootLoader(client, `${base}${loaderPath(uefiLoader)}`, nextServer, code);
  switch (client.firmware) {
    case 'bios':
      if (client.arch === 'x86') return { kind: 'boot', answer: { file: 'undionly.kpxe', nextServer, vendorClass: 'PXEClient' } };
      break;
    case 'uefi':
      if (client.arch === 'x86_64') return { kind: 'boot', answer: { file: uefiLoader, nextServer, vendorClass: 'PXEClient' } };
      return { kind: 'no-loader', reason: noIpxe(client.arch, code) };
    case 'unknown':
      break;
  }
  return { kind: 'no-loader', reason: `no loader for an unknown client architecture (type ${code})` };
}

/** The shim of the host's signed loaders: by TFTP for a PXE ROM, by URL for UEFI HTTP boot. */
function signedBoot(client: ClientInfo, options: DhcpBootOptions, base: string): BootChoice {
  const loaders = (options.signedLoadersFor ?? bundledSignedLoaders)(client.mac, client.arch);
  const nextServer = options.serverIp;
  if (!loaders) {
    const code = client.clientArch === null ? 'unknown' : String(client.clientArch);
    return { kind: 'no-loader', reason: `no signed loaders (shim + GRUB) for ${cpuName(client.arch)} UEFI (architecture type ${code})` };
  }
  if (client.kind === 'http' || client.firmware === 'uefi-http') {
    return { kind: 'boot', answer: { file: `${base}${loaders.shim.http}`, nextServer, vendorClass: 'HTTPClient' } };
  }
  return { kind: 'boot', answer: { file: loaders.shim.tftp, nextServer, vendorClass: 'PXEClient' } };
}

/** Why a UEFI client on the iPXE chain gets nothing; for a CPU with signed loaders, what would boot it. */
function noIpxe(arch: Arch, code: string): string {
  return withSignedHint(arch, `no iPXE loader is bundled for ${cpuName(arch)} UEFI (architecture type ${code})`);
}

/** For an HTTP-boot CPU whose only chain is the signed one (ARM64): Debian's signed GRUB needs PXE. */
function withPxeHint(arch: Arch, reason: string): string {
  return bundledSignedLoaders('', arch)
    ? `${reason}; PXE-boot it instead (the signed chain's GRUB cannot start from UEFI HTTP boot)`
    : reason;
}

/** For a CPU whose only chain is the signed one (ARM64), the reason says how to boot it. */
function withSignedHint(arch: Arch, reason: string): string {
  // Only the bundled pair is asked: a host's own loaders (signedLoadersFor) depend on its MAC.
  return bundledSignedLoaders('', arch) ? `${reason}; set its boot chain to signed (or auto) to boot it` : reason;
}

/**
 * UEFI HTTP boot (UEFI spec 24.7): the firmware takes only an offer that echoes "HTTPClient" in
 * option 60 and carries the loader's URL. x86-64 gets the same iPXE as over PXE: snponly.efi works
 * under HTTP boot too (OVMF, tested in test/e2e/http-boot.test.ts). It drives the SNP of the device
 * it was loaded from, found by walking up the loaded image's device path (iPXE's efi_locate_device,
 * since 2014): under HTTP boot that device is HttpBootDxe's child handle (…/MAC/IPv4/Uri), and the
 * walk reaches the NIC's own SNP, as under PXE. So it runs on any NIC the firmware can drive, which
 * ipxe.efi's own drivers cannot promise (ipxe.efi boots this way too, at 5x the size; see
 * docs/design/boot.md). The iPXE it starts asks DHCP again (PXEClient, user class iPXE) and gets
 * its script. Any other CPU gets no x86 loader: a warning instead of a boot that cannot run.
 */
function httpBootLoader(client: ClientInfo, url: string, nextServer: string, code: string): BootChoice {
  if (client.arch === 'x86_64') return { kind: 'boot', answer: { file: url, nextServer, vendorClass: 'HTTPClient' } };
  if (client.arch === 'unknown')
    return { kind: 'no-loader', reason: `no loader for a UEFI HTTP-boot client of unknown architecture (type ${code})` };
  const firmware = client.firmware === 'bios' ? 'BIOS' : 'UEFI'; // type 20 is a PC BIOS booting from HTTP
  return {
    kind: 'no-loader',
    reason: withPxeHint(
      client.arch,
      `no iPXE loader is bundled for ${cpuName(client.arch)} ${firmware} HTTP boot (architecture type ${code})`,
    ),
  };
}

/**
 * The policy the DHCP server is handed: the answer, or null. A client that cannot be served is said
 * once per MAC (it asks again every few seconds).
 */
export function createDhcpBootPolicy(options: DhcpBootOptions & { bus: EventBus }): (client: ClientInfo) => BootAnswer | null {
  const warned = new Set<string>();
  return (client) => {
    const choice = chooseBoot(client, options);
    if (choice.kind === 'boot') return choice.answer;
    if (choice.kind === 'no-loader' && !warned.has(client.mac)) {
      warned.add(client.mac);
      options.bus.log('dhcp', 'warn', 'dhcp.no-loader', `${client.mac}: ${choice.reason}`, { mac: client.mac });
    }
    return null;
  };
}

function cpuName(arch: Arch): string {
  const names: Record<Arch, string> = {
    x86: '32-bit x86',
    i386: '32-bit x86',
    x86_64: 'x86-64',
    arm32: '32-bit ARM',
    arm64: 'ARM64',
    ppc64le: 'POWER',
    ppc64: 'POWER',
    s390x: 'IBM Z',
    riscv64: 'RISC-V',
    loongarch64: 'LoongArch',
    unknown: 'this CPU',
  };
  return names[arch];
}
