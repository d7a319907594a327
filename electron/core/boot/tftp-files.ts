// What TFTP serves: the first-stage loaders by name, and "iso/<distro id>/<path>" for files inside an
// imported ISO (for firmware or loaders that cannot speak HTTP). The TFTP server reads through this
// resolver and knows nothing of either.
import type { FileResolver, OpenResult } from '../files/file-source.js';

const INSIDE_ISO = /^\/?iso\/([^/]+)\/(.+)$/;

export function tftpBootFiles(opts: {
  loaders: FileResolver;
  openInsideIso: (id: string, path: string) => Promise<OpenResult>;
}): FileResolver {
  return (name) => {
    const m = INSIDE_ISO.exec(name);
    return m ? opts.openInsideIso(m[1] as string, m[2] as string) : opts.loaders(name);
  };
}
