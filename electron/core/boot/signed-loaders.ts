// The signed chain's loaders, chosen per host: which shim the firmware gets and which GRUB that shim
// loads. By default Debian's pair bundled in assets/boot/ (shimx64.efi signed by Microsoft, the
// netboot grubx64.efi signed by Debian: it verifies Debian's kernels). A distribution whose kernels
// only its own chain verifies (RHEL's ISO carries a signed BOOTX64.EFI + grubx64.efi) hands its host
// files inside the imported ISO instead: a LoaderFile names a file in both served trees, so the
// same code serves either.
import type { Arch } from '../../shared/contract.js';
import { loaderPath } from './urls.js';

/** One loader as the two servers name it. */
export interface LoaderFile {
  /** Its name in the TFTP tree (boot/tftp-files.ts): "shimx64.efi", "iso/<id>/EFI/BOOT/BOOTX64.EFI". */
  tftp: string;
  /** Its path on the boot HTTP server: "/boot/shimx64.efi", "/iso/<id>/EFI/BOOT/BOOTX64.EFI". */
  http: string;
}

export interface SignedLoaders {
  /** What the firmware loads (Microsoft-signed). */
  shim: LoaderFile;
  /** What the shim loads: it asks for it by `grubName` at the TFTP root, not beside itself. */
  grub: LoaderFile;
}

/** The signed loaders a host gets, by its MAC and CPU; null: none for this CPU (said in the DHCP log). */
export type SignedLoadersFor = (mac: string, arch: Arch) => SignedLoaders | null;

/** The names a shim asks for its second stage at the TFTP root (shim's DEFAULT_LOADER per CPU). */
export const GRUB_NAMES: Readonly<Partial<Record<Arch, string>>> = { x86_64: 'grubx64.efi', arm64: 'grubaa64.efi' };

/** Files a shim asks for beside its second stage and may do without: "not found" is normal for them. */
export const OPTIONAL_SHIM_FILES = /^\/?(?:revocations_sku\.efi|revocations_sbat\.efi|shim_certificate_\d+\.efi)$/;

function bundled(name: string): LoaderFile {
  return { tftp: name, http: loaderPath(name) };
}

/** The bundled pairs (assets/boot/PROVENANCE), by CPU. arm64 (shimaa64.efi + grubaa64.efi) is not bundled yet. */
const BUNDLED: Readonly<Partial<Record<Arch, SignedLoaders>>> = {
  x86_64: { shim: bundled('shimx64.efi'), grub: bundled('grubx64.efi') },
};

/** The default choice: the bundled pair for the host's CPU. */
export const bundledSignedLoaders: SignedLoadersFor = (_mac, arch) => BUNDLED[arch] ?? null;

/** The CPU a second-stage name at the TFTP root is asked for on (grubx64.efi → x86_64), or null. */
export function archOfGrubName(name: string): Arch | null {
  const bare = name.replace(/^\//, '');
  for (const [arch, grub] of Object.entries(GRUB_NAMES)) if (grub === bare) return arch as Arch;
  return null;
}
