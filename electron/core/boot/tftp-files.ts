// What TFTP serves: the first-stage loaders by name, "iso/<distro id>/<path>" for files inside an
// imported ISO (for firmware or loaders that cannot speak HTTP), and what the signed chain's GRUB
// asks for (it has no http module: its configs, kernel and initrd come over TFTP too):
//   grubx64.efi (at the root, where the shim asks)  the host's second stage (signed-loaders.ts)
//   grub/…                                          GRUB's bootstrap and per-host configs (generated)
//   install/<token>/kernel, /initrd                 the installer of a running install, as over HTTP
//   grub.cfg, grub.cfg-01-<mac> at the root, or beside the host's own signed loaders inside an ISO
//                                                   the same generated configs as grub/… (a GRUB that
//                                                   reads its config beside itself: Red Hat's netboot
//                                                   GRUB looks in the folder of the DHCP boot file)
// The TFTP server reads through this resolver and knows nothing of any of it.
import type { Arch } from '../../shared/contract.js';
import { withOrigin, type Asker, type FileResolver, type OpenResult } from '../files/file-source.js';
import { archOfGrubName, OPTIONAL_SHIM_FILES, type SignedLoadersFor } from './signed-loaders.js';

const INSIDE_ISO = /^\/?iso\/([^/]+)\/(.+)$/;
const GRUB_TREE = /^\/?grub\//;
const INSTALL_TREE = /^\/?install\/(.+)$/;
const GRUB_CONFIG_NAME = /^\/?(?:(.*)\/)?(grub\.cfg(?:-[^/]*)?)$/;

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
    return m ? insideIso(m[1] as string, m[2] as string) : opts.loaders(name);
  };
  // A shim served out of an ISO asks for its optional files beside itself: absent is normal there.
  const insideIso = async (id: string, path: string): Promise<OpenResult> => {
    const opened = await opts.openInsideIso(id, path);
    const optional = !opened.ok && opened.failure.kind === 'not-found' && OPTIONAL_SHIM_FILES.test(path.replace(/^.*\//, ''));
    return optional ? notFound(`iso/${id}/${path}`, true) : opened;
  };
  return async (name, asker) => {
    if (GRUB_TREE.test(name)) return opts.grubFiles ? opts.grubFiles(name.replace(/^\//, ''), asker) : notFound(name);
    const install = INSTALL_TREE.exec(name);
    if (install) return opts.installFiles ? opts.installFiles(install[1] as string, asker) : notFound(name);
    if (OPTIONAL_SHIM_FILES.test(name)) return notFound(name, true);
    const config = grubConfigName(opts, name, asker);
    if (config) return opts.grubFiles ? opts.grubFiles(config, asker) : notFound(name);
    const grubArch = archOfGrubName(name);
    if (grubArch && opts.signedLoadersFor) {
      const served = secondStage(opts, grubArch, name, asker);
      const opened = await plain(served);
      // The log says where a host's own second stage came from (the ISO's GRUB, not the bundled one).
      return opened.ok && served !== name.replace(/^\//, '') ? { ok: true, file: withOrigin(opened.file, served) } : opened;
    }
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

/**
 * The grub/ name of a GRUB config asked for outside grub/: at the root, or in the folder of the
 * asking host's own shim or GRUB inside an ISO (never the ISO's own grub.cfg, which boots from a CD).
 */
function grubConfigName(opts: TftpBootFilesOptions, name: string, asker: Asker | undefined): string | null {
  const m = GRUB_CONFIG_NAME.exec(name);
  if (!m) return null;
  const dir = m[1] ?? '';
  const file = m[2] as string;
  if (dir === '') return file;
  const mac = asker?.mac;
  if (!mac || !opts.signedLoadersFor) return null;
  const loaders = opts.signedLoadersFor(mac, opts.archOf?.(mac) ?? 'x86_64');
  const folders = [loaders?.shim.tftp, loaders?.grub.tftp].map((f) => f?.replace(/\/?[^/]*$/, ''));
  return folders.includes(dir) ? file : null;
}

function notFound(name: string, quiet = false): Promise<OpenResult> {
  return Promise.resolve({ ok: false, failure: { kind: 'not-found', message: `${name}: not found`, ...(quiet ? { quiet } : {}) } });
}
