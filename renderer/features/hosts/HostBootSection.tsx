// The host panel's boot section (issue 13): what the machine does while it waits, booting it into a
// live system (or memtest, a whole ISO, its disk) without installing, its last such boot, and its
// own kernel arguments.
import { useId } from 'react';
import type { Host } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { KernelArgsForm } from '../boot/KernelArgsForm.js';
import { BootOnce } from './BootOnce.js';
import { WaitPolicyControl } from './WaitPolicyControl.js';

export function HostBootSection({ host }: { host: Host }) {
  const store = useStore();
  const ids = useId();
  return (
    <section className="host-boot" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>Boot</h3>
      <BootOnce host={host} />
      <WaitPolicyControl host={host} />
      <KernelArgsForm
        label="Kernel arguments for this machine"
        saved={host.kernelArgs}
        hint="Added to every boot of this machine (installers and live systems), after the distro’s. Empty removes them."
        onSave={(args) =>
          store.api.call('PUT /api/hosts/:mac/kernel-args', { params: { mac: host.mac }, body: { kernelArgs: args === '' ? null : args } })
        }
      />
    </section>
  );
}
