// The confirmation before an install or reinstall: it names the machine (name and MAC), the disk
// the installer erases (the per-machine setting, else the global one) and what is installed. A
// machine with power settings can be started at once ("Reinstall now": PXE-once, then a power
// cycle or a Wake-on-LAN packet); without, it starts at its next network boot, and says so.
import { useEffect, useId, useState } from 'react';
import type { Host } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { nowChoiceWords } from '../power/power-words.js';
import { machineWords } from './host-words.js';

export interface InstallConfirmProps {
  host: Host;
  /** Whether the button said Reinstall (the machine was installed, or its last install failed). */
  reinstall: boolean;
  /** "Rocky Linux 9.4 (x86_64)". */
  installer: string;
  /** The target disk set for this machine only, if any. */
  diskOverride: string | undefined;
  busy: boolean;
  /** `now`: start it at once through its power settings. */
  onConfirm: (now: boolean) => void;
  onCancel: () => void;
}

export function InstallConfirm({ host, reinstall, installer, diskOverride, busy, onConfirm, onCancel }: InstallConfirmProps) {
  const store = useStore();
  const ids = useId();
  const [now, setNow] = useState(false);
  const method = host.powerMethod ?? null;
  // undefined: still asking the server; '' : the installer's first disk.
  const [globalDisk, setGlobalDisk] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    store.api
      .call('GET /api/settings')
      .then((s) => live && setGlobalDisk(s.targetDisk))
      .catch(() => live && setGlobalDisk(''));
    return () => {
      live = false;
    };
  }, [store]);
  const disk = diskOverride || globalDisk;
  const diskWords =
    disk === undefined ? 'its target disk' : disk === '' ? 'the first disk the installer finds (no target disk is set)' : disk;
  return (
    <ConfirmDialog
      title={reinstall ? 'Erase and reinstall this machine?' : 'Erase the disk and install?'}
      confirmLabel={`${reinstall ? 'Erase and reinstall' : 'Erase and install'}${now ? ' now' : ''}`}
      busy={busy || disk === undefined}
      onConfirm={() => onConfirm(now && method !== null)}
      onCancel={onCancel}
    >
      <p>
        Machine: <strong>{machineWords(host)}</strong>
      </p>
      <p>
        Disk erased: <strong className="mono">{diskWords}</strong>
      </p>
      <p>
        Installs: <strong>{installer}</strong>
      </p>
      <p>
        {host.state === 'installed'
          ? 'The system installed on it now, and everything else on that disk, is lost. '
          : 'Everything on that disk is lost. '}
        The install starts at the machine&apos;s next network boot, or at once if it is waiting in the boot loop.
        {method ? null : ' It has no power settings: if it is running, reboot it to start.'}
      </p>
      {method ? (
        <p className="now-choice">
          <input
            id={`${ids}-now`}
            type="checkbox"
            aria-describedby={`${ids}-now-hint`}
            checked={now}
            onChange={(e) => setNow(e.target.checked)}
          />{' '}
          <label htmlFor={`${ids}-now`}>{nowChoiceWords(method, reinstall)}</label>
          <span className="muted hint" id={`${ids}-now-hint`}>
            {method === 'wol'
              ? ' Sends the magic packet now: a machine that is switched off starts from the network.'
              : ' Sets the next boot to the network once and power-cycles it now: a running system is cut off.'}
          </span>
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
