// Whether a machine with Secure Boot on can boot a distro's installer, decided at import: a chain of
// signed binaries must reach a kernel the chain's shim trusts. Firmware with the usual keys runs a
// shim signed by Microsoft's UEFI CA; the shim runs a GRUB signed by its vendor; GRUB asks the shim
// to verify the kernel (shim_lock), so the kernel must be signed by the same vendor.
//   - Debian: Bootbench's bundled Debian shim + GRUB, and the Debian-signed netboot installer kernel
//     Bootbench boots for it (install/debian-netboot.ts finds it; handed in as `netbootKernel`).
//   - RHEL family, SUSE, generic: the ISO's own shim and GRUB under EFI/BOOT (ownSignedChain),
//     served straight out of the ISO, and the ISO's kernel.
//   - Ubuntu: its ISO carries a GRUB built for CDs (no tftp/http), and Debian's shim does not trust
//     Canonical's kernel: refused with what to do.
//   - Alpine: checked like the others (it ships no signed loader, so it is refused with that reason).
// Only the presence of Authenticode signatures and their issuers is checked (pe-signature.ts); the
// firmware and the shim do the cryptography.
import type { Arch, Distro } from '../../shared/contract.js';
import type { FileSource, OpenResult } from '../files/file-source.js';
import { certificateTableSignature, PE_HEADER_BYTES, peCertificateTable, type PeSignature } from './pe-signature.js';
import { createProbe, type Probe } from './detect/probe.js';
import type { IsoTree } from './detect/types.js';

export interface SecureBootVerdict {
  secureBoot: boolean;
  secureBootReason: string;
  /** The ISO's own shim and GRUB, when they are the chain that boots it. */
  secureBootLoaders?: OwnSignedChain;
}

/** The kernel Bootbench boots for a Debian distro (not always the ISO's), or why there is none. */
export type NetbootKernel = { ok: true; where: string; open: () => Promise<OpenResult> } | { ok: false; reason: string };

export interface SecureBootInput {
  distro: Pick<Distro, 'id' | 'family' | 'name' | 'version' | 'arch' | 'kernel'>;
  /** Case-insensitive lookups in the ISO (EFI/BOOT vs EFI/boot). */
  probe: Probe;
  openInside(path: string): Promise<OpenResult>;
  /** Debian's netboot installer kernel; absent: not known here (the verdict says so). */
  netbootKernel?: () => Promise<NetbootKernel>;
}

/** The ISO's own shim and GRUB, by their real paths inside the ISO. */
export interface OwnSignedChain {
  shim: string;
  grub: string;
}

// UEFI's removable-media names (UEFI spec 3.5.1.1) and the GRUB each vendor's shim loads
// (shim's DEFAULT_LOADER: grubx64.efi for Red Hat and most, grub.efi for SUSE).
const EFI_ARCH: Partial<Record<Arch, string>> = { x86_64: 'x64', arm64: 'aa64' };

function chainNames(family: Distro['family'], arch: Arch, probe: Probe): { shim: string; grub: string } | null {
  // Media whose architecture detection could not tell (generic) are looked at by what they carry.
  const a = arch === 'unknown' ? (probe.file('/EFI/BOOT/BOOTAA64.EFI') ? 'aa64' : 'x64') : EFI_ARCH[arch];
  if (!a) return null;
  return { shim: `/EFI/BOOT/BOOT${a.toUpperCase()}.EFI`, grub: family === 'suse' ? '/EFI/BOOT/grub.efi' : `/EFI/BOOT/grub${a}.efi` };
}

/** Where the ISO keeps the shim and GRUB of its own chain, or null (wrong family or missing files). */
export function ownSignedChain(family: Distro['family'], arch: Arch, probe: Probe): OwnSignedChain | null {
  if (family === 'debian' || family === 'ubuntu') return null;
  const names = chainNames(family, arch, probe);
  const shim = names && probe.file(names.shim);
  const grub = names && probe.file(names.grub);
  return shim && grub ? { shim, grub } : null;
}

export async function assessSecureBoot(input: SecureBootInput): Promise<SecureBootVerdict> {
  const { distro } = input;
  switch (distro.family) {
    case 'debian':
      return debianVerdict(input);
    case 'ubuntu':
      return no(
        `${distro.name}'s ISO carries a GRUB built for CDs, which cannot load anything over the network, and Debian's signed chain does not trust Canonical's kernel. ` +
          'Turn Secure Boot off in the firmware of machines that install Ubuntu from Bootbench.',
      );
    case 'alpine':
    case 'rhel':
    case 'suse':
    case 'generic':
      return ownChainVerdict(input);
  }
}

async function debianVerdict(input: SecureBootInput): Promise<SecureBootVerdict> {
  if (input.distro.arch !== 'x86_64')
    return no(`Bootbench's signed chain (Debian's shim and GRUB) is bundled for x86-64 only, not ${input.distro.arch}.`);
  if (!input.netbootKernel) return no("Debian's netboot installer kernel could not be checked here.");
  const kernel = await input.netbootKernel();
  if (!kernel.ok) return no(`No netboot installer to boot under Secure Boot: ${kernel.reason}`);
  const sig = await readSignature(kernel.open);
  if (!sig.signed) return no(`The netboot installer kernel (${kernel.where}) is not signed: ${sig.reason}.`);
  return yes(
    `Boots through Debian's signed chain (Microsoft-signed shim, Debian-signed GRUB) into the netboot installer kernel from ${kernel.where}${by(sig)}.`,
  );
}

async function ownChainVerdict(input: SecureBootInput): Promise<SecureBootVerdict> {
  const { distro, probe } = input;
  const names = chainNames(distro.family, distro.arch, probe);
  if (!names) return no(`No Secure Boot chain is known for ${distro.arch} machines.`);
  // In the order the firmware meets them, so that the reason names the first link that breaks.
  const shimPath = probe.file(names.shim);
  if (!shimPath) return no(`The ISO has no ${inIso(names.shim)}: no signed shim of its own to start under Secure Boot.`);
  const shim = await readSignature(() => input.openInside(shimPath));
  if (!shim.signed)
    return no(`The ISO's first-stage loader ${inIso(shimPath)} is not signed (${shim.reason}): Secure Boot firmware refuses it.`);
  if (shim.issuer !== null && !/microsoft/i.test(shim.issuer))
    return no(
      `The ISO's shim ${inIso(shimPath)} is signed by "${shim.issuer}", not by Microsoft's UEFI CA that firmware trusts out of the box.`,
    );
  const grubPath = probe.file(names.grub);
  if (!grubPath) return no(`The ISO has no ${inIso(names.grub)}, the GRUB its shim ${inIso(shimPath)} loads.`);
  const grub = await readSignature(() => input.openInside(grubPath));
  if (!grub.signed) return no(`The ISO's GRUB ${inIso(grubPath)} is not signed (${grub.reason}): its shim refuses it.`);
  if (!distro.kernel) return no('The ISO names no installer kernel.');
  const kernelPath = distro.kernel;
  const kernel = await readSignature(() => input.openInside(kernelPath));
  if (!kernel.signed)
    return no(`The ISO's installer kernel ${inIso(kernelPath)} is not signed (${kernel.reason}): its GRUB refuses it under Secure Boot.`);
  return {
    ...yes(
      `Boots through the ISO's own signed chain: shim ${inIso(shimPath)}${by(shim)}, GRUB ${inIso(grubPath)}${by(grub)}, kernel ${inIso(kernelPath)}${by(kernel)}.`,
    ),
    secureBootLoaders: { shim: shimPath, grub: grubPath },
  };
}

/** The Authenticode signature of a file, reading only its headers and its certificate table. */
export async function readSignature(open: () => Promise<OpenResult>): Promise<PeSignature> {
  const opened = await open();
  if (!opened.ok) return { signed: false, reason: `it cannot be read (${opened.failure.message})` };
  const file = opened.file;
  try {
    const head = Buffer.alloc(Math.min(file.size, PE_HEADER_BYTES));
    await readFully(file, head, 0);
    const headers = peCertificateTable(head);
    if (!headers.ok) return { signed: false, reason: headers.reason };
    if (headers.table === null) return { signed: false, reason: 'it has no certificate table' };
    const { offset, size } = headers.table;
    if (offset + size > file.size) return certificateTableSignature(headers.table, Buffer.alloc(0), file.size);
    if (size > MAX_TABLE) return { signed: false, reason: `its certificate table is implausibly large (${size} bytes)` };
    const table = Buffer.alloc(size);
    await readFully(file, table, offset);
    return certificateTableSignature(headers.table, table, file.size);
  } catch (e) {
    return { signed: false, reason: `it cannot be read (${(e as Error).message})` };
  } finally {
    await file.close();
  }
}

/** Real tables are a few KiB (shim's two Microsoft signatures: 19 KiB); a bound keeps garbage out of memory. */
const MAX_TABLE = 1 << 20;

async function readFully(file: { read(b: Buffer, o: number, l: number, p: number): Promise<number> }, into: Buffer, position: number) {
  for (let done = 0; done < into.length;) {
    const n = await file.read(into, done, into.length - done, position + done);
    if (n === 0) throw new Error(`unexpected end of file at ${position + done}`);
    done += n;
  }
}

const inIso = (path: string) => path.replace(/^\/+/, '');
const by = (sig: PeSignature) => (sig.signed && sig.issuer ? ` (signed by ${sig.issuer})` : '');
const yes = (secureBootReason: string): SecureBootVerdict => ({ secureBoot: true, secureBootReason });
const no = (secureBootReason: string): SecureBootVerdict => ({ secureBoot: false, secureBootReason });

/** What the library hands in at composition: Debian's netboot kernel, found by install/ (which iso/ does not import). */
export type NetbootKernelFinder = (distro: Distro, openInside: (id: string, path: string) => Promise<OpenResult>) => Promise<NetbootKernel>;

/** An opened ISO, as the library holds it (IsoImage). */
export interface OpenedIso extends IsoTree {
  openFile(path: string): Promise<FileSource>;
}

/** The verdict for a record, reading its opened ISO: what import and load call. */
export function secureBootOf(distro: Distro, image: OpenedIso, netbootKernel?: NetbootKernelFinder): Promise<SecureBootVerdict> {
  // Before the record is registered (import) the library cannot open files by id: read this image.
  const openInside = async (path: string): Promise<OpenResult> => {
    try {
      return { ok: true, file: await image.openFile(`/${path.replace(/^\/+/, '')}`) };
    } catch (e) {
      return { ok: false, failure: { kind: 'not-found', message: (e as Error).message } };
    }
  };
  return assessSecureBoot({
    distro,
    probe: createProbe(image),
    openInside,
    ...(netbootKernel ? { netbootKernel: () => netbootKernel(distro, (_id, path) => openInside(path)) } : {}),
  });
}
