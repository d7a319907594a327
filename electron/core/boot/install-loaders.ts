// Which signed loaders a host on the signed chain gets, by what it is about to install. A shim
// verifies GRUB and the kernel against its vendor's key, so the chain must be the one whose vendor
// signed the installer's kernel: Debian's kernels verify under the bundled Debian shim + GRUB
// (signed-loaders.ts), a RHEL-family kernel only under the ISO's own Red Hat-signed shim + GRUB. The
// ISO library found those at import (iso/secure-boot.ts: Distro.secureBootLoaders); a host whose
// install is under way with such a distro gets them, served straight out of the ISO:
//   DHCP boot file  iso/<id>/EFI/BOOT/BOOTX64.EFI (TFTP) or /iso/<id>/EFI/BOOT/BOOTX64.EFI (HTTP boot)
//   grubx64.efi     asked by the shim at the TFTP root: iso/<id>/EFI/BOOT/grubx64.efi (tftp-files.ts)
// Every other host gets the bundled pair.
import type { Distro, Host } from '../../shared/contract.js';
import { BUNDLED_SET } from './grub-config.js';
import { bundledSignedLoaders, type LoaderFile, type SignedLoaders, type SignedLoadersFor } from './signed-loaders.js';

export interface InstallLoadersOptions {
  hosts: { get(mac: string): Host | undefined };
  distros: { get(id: string): Distro | undefined };
  /** The loaders of every other host (default: the bundled pair). */
  fallback?: SignedLoadersFor;
}

/** A file inside an imported ISO, as TFTP and the boot HTTP server name it (★ /iso/<id>/<path>). */
export function isoLoaderFile(id: string, path: string): LoaderFile {
  const inside = path.replace(/^\/+/, '');
  return { tftp: `iso/${id}/${inside}`, http: `/iso/${encodeURIComponent(id)}/${inside.split('/').map(encodeURIComponent).join('/')}` };
}

/** The ISO's own chain of a distro that boots under Secure Boot through it, or null. */
export function ownChainOf(distro: Pick<Distro, 'id' | 'status' | 'secureBoot' | 'secureBootLoaders'>): SignedLoaders | null {
  if (!distro.secureBoot || !distro.secureBootLoaders || distro.status !== 'ok') return null;
  return { shim: isoLoaderFile(distro.id, distro.secureBootLoaders.shim), grub: isoLoaderFile(distro.id, distro.secureBootLoaders.grub) };
}

const UNDER_WAY: ReadonlySet<Host['state']> = new Set(['queued', 'booting', 'installing']);

/** The distro a host is installing (queued or under way), or undefined. */
function installing(opts: InstallLoadersOptions, mac: string): Distro | undefined {
  const host = opts.hosts.get(mac);
  return host && UNDER_WAY.has(host.state) && host.distro ? opts.distros.get(host.distro) : undefined;
}

export function signedLoadersByInstall(opts: InstallLoadersOptions): SignedLoadersFor {
  const fallback = opts.fallback ?? bundledSignedLoaders;
  return (mac, arch) => {
    const distro = installing(opts, mac);
    // A distro for another CPU cannot boot here whatever its chain; the host keeps the usual one.
    const own = distro && (distro.arch === arch || distro.arch === 'unknown') ? ownChainOf(distro) : null;
    return own ?? fallback(mac, arch);
  };
}

const INSIDE_ISO = /^iso\/([^/]+)\//;

/**
 * The name of a loader set, as a GRUB's wait loop carries it in its poll path (grub-config.ts): the
 * bundled pair is BUNDLED_SET, an ISO's own pair `iso-<distro id>` (characters a path word cannot
 * hold as `_`).
 */
export function loaderSetName(loaders: SignedLoaders | null): string {
  const m = loaders ? INSIDE_ISO.exec(loaders.grub.tftp) : null;
  return m ? `iso-${m[1]!.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}` : BUNDLED_SET;
}
