// The confirmation before a batch install: the same as a single Install's (issue 18, finding 2),
// for several machines at once. It names each machine, the disk the installer erases (the global
// target disk: a batch carries no per-machine settings) and what is installed.
import { useEffect, useState } from 'react';
import type { Host } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { machineWords } from './host-words.js';

export interface BatchInstallConfirmProps {
  hosts: readonly Pick<Host, 'mac' | 'label' | 'hostname' | 'state'>[];
  /** "Rocky Linux 9.4 (x86_64)". */
  installer: string;
  onConfirm: () => void;
  onCancel: () => void;
}

export function BatchInstallConfirm({ hosts, installer, onConfirm, onCancel }: BatchInstallConfirmProps) {
  const store = useStore();
  // undefined: still asking the server; '': the installer's first disk.
  const [disk, setDisk] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    store.api
      .call('GET /api/settings')
      .then((s) => live && setDisk(s.targetDisk))
      .catch(() => live && setDisk(''));
    return () => {
      live = false;
    };
  }, [store]);
  const n = hosts.length;
  const installed = hosts.filter((h) => h.state === 'installed').length;
  const diskWords =
    disk === undefined ? 'its target disk' : disk === '' ? 'the first disk the installer finds (no target disk is set)' : disk;
  return (
    <ConfirmDialog
      title={n === 1 ? 'Erase the disk and install?' : `Erase the disks of ${n} machines and install?`}
      confirmLabel={n === 1 ? 'Erase and install' : `Erase and install on ${n} machines`}
      busy={disk === undefined}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>Machines:</p>
      <ul className="batch-machines">
        {hosts.map((h) => (
          <li key={h.mac}>
            <strong>{machineWords(h)}</strong>
            {h.state === 'installed' ? <span className="muted"> (installed: its system is lost)</span> : null}
          </li>
        ))}
      </ul>
      <p>
        Disk erased on each: <strong className="mono">{diskWords}</strong>
      </p>
      <p>
        Installs: <strong>{installer}</strong>
      </p>
      <p>
        Everything on those disks is lost{installed > 0 ? `, including the systems installed on ${installed} of them` : ''}. Each install
        starts at the machine’s next network boot, or at once if it is waiting in the boot loop.
      </p>
    </ConfirmDialog>
  );
}
