// What TFTP serves: the first-stage loaders by name, "iso/<distro id>/<path>" for files inside an
// imported ISO (for firmware or loaders that cannot speak HTTP), and what the signed chain's GRUB
// asks for (it has no http module: its configs, kernel and initrd come over TFTP too):
//   grubx64.efi (at the root, where the shim asks)  the host's second stage (signed-loaders.ts)
//   grub/…                                          GRUB's bootstrap and per-host configs (generated)
//   install/<token>/kernel, /initrd                 the installer of a running install, as over HTTP
// The TFTP server reads through this resolver and knows nothing of any of it.
import type { Arch } from '../../shared/contract.js';
import type { Asker, FileResolver, OpenResult } from '../files/file-source.js';
import { archOfGrubName, OPTIONAL_SHIM_FILES, type SignedLoadersFor } from './signed-loaders.js';

const INSIDE_ISO = /^\/?iso\/([^/]+)\/(.+)$/;
const GRUB_TREE = /^\/?grub\//;
const INSTALL_TREE = /^\/?install\/(.+)$/;

export interface TftpBootFilesOptions {
  loaders: FileResolver;
  openInsideIso: (id: string, path: string) => Promise<OpenResult>;
  /** GRUB's files below grub/ (grub-routes.ts); absent: not found. */
  grubFiles?: FileResolver;
  /** A running install's files, the part after install/ (the install manager, by token). */
  installFiles?: FileResolver;
  /** The signed loaders of the asking host; absent: the bundled ones by the name asked. */
  signedLoadersFor?: SignedLoadersFor;
  /** The CPU of a known host (the registry), for the choice of its second stage. */
  archOf?: (mac: string) => Arch | undefined;
}

export function tftpBootFiles(opts: TftpBootFilesOptions): FileResolver {
  const plain = (name: string): Promise<OpenResult> => {
    const m = INSIDE_ISO.exec(name);
    return m ? opts.openInsideIso(m[1] as string, m[2] as string) : opts.loaders(name);
  };
  return async (name, asker) => {
    if (GRUB_TREE.test(name)) return opts.grubFiles ? opts.grubFiles(name.replace(/^\//, ''), asker) : notFound(name);
    const install = INSTALL_TREE.exec(name);
    if (install) return opts.installFiles ? opts.installFiles(install[1] as string, asker) : notFound(name);
    if (OPTIONAL_SHIM_FILES.test(name)) return notFound(name, true);
    const grubArch = archOfGrubName(name);
    if (grubArch && opts.signedLoadersFor) return plain(secondStage(opts, grubArch, name, asker));
    return plain(name);
  };
}

/** The second stage the asking host's shim gets for `name` (its own set, else the file of that name). */
function secondStage(opts: TftpBootFilesOptions, nameArch: Arch, name: string, asker: Asker | undefined): string {
  const mac = asker?.mac;
  if (!mac || !opts.signedLoadersFor) return name;
  const loaders = opts.signedLoadersFor(mac, opts.archOf?.(mac) ?? nameArch);
  return loaders?.grub.tftp ?? name;
}

function notFound(name: string, quiet = false): Promise<OpenResult> {
  return Promise.resolve({ ok: false, failure: { kind: 'not-found', message: `${name}: not found`, ...(quiet ? { quiet } : {}) } });
}
