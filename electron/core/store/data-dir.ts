// Where all state lives: --data DIR, else BOOTBENCH_DATA, else the per-user data folder.
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.BOOTBENCH_DATA) return resolve(env.BOOTBENCH_DATA);
  switch (platform()) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Bootbench');
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Bootbench');
    default:
      return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'bootbench');
  }
}

export const dataFiles = {
  serverInfo: 'server.json',
  leases: 'leases.json',
  leaseJournal: 'leases.journal',
  hosts: 'hosts.json',
  settings: 'settings.json',
  /** The global UEFI boot-chain setting (auto, ipxe, signed). */
  bootChain: 'boot-chain.json',
  /** What new machines do (wait, menu, local, install a distro) and the boot menu's timeout. */
  bootPolicy: 'boot-policy.json',
} as const;
