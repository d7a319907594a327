// A running install's kernel and initrd over TFTP, for boot programs without HTTP (Debian's signed
// GRUB): install/<token>/kernel and /initrd in the TFTP tree (boot/tftp-files.ts hands over the part
// after install/), the same files and the same timeline steps as the HTTP routes (http-routes.ts).
import type { FileResolver } from '../files/file-source.js';
import type { InstallManager } from './manager.js';

const TOKEN_FILE = /^([A-Za-z0-9_-]{16,64})\/(kernel|initrd)$/;

export function installTftpFiles(manager: () => InstallManager | null): FileResolver {
  return async (path, asker) => {
    const m = TOKEN_FILE.exec(path);
    const installs = manager();
    const found = m && installs ? installs.byTokenOf(m[1] as string) : null;
    if (!m || !installs || !found) return { ok: false, failure: { kind: 'not-found', message: 'no install under this token' } };
    const which = m[2] as 'kernel' | 'initrd';
    const opened = await installs.openBootFile(found.mac, which);
    if (opened.ok)
      installs.observe(found.mac, { type: which === 'kernel' ? 'kernel-fetched' : 'initrd-fetched', via: `TFTP from ${asker?.ip ?? '?'}` });
    return opened;
  };
}
