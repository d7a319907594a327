// A distro's kernel arguments (PUT /api/distros/:id kernelArgs), after the ones Bootbench adds for
// its install or live boot; a host's own come after these (its panel).
import type { Distro } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { KernelArgsForm } from '../boot/KernelArgsForm.js';
import { distroLabel } from './distro-words.js';

export function DistroKernelArgs({ distro, onClose }: { distro: Distro; onClose: () => void }) {
  const store = useStore();
  return (
    <KernelArgsForm
      label={`Kernel arguments of ${distroLabel(distro)}`}
      saved={distro.kernelArgs}
      hint="Added to every boot of this ISO (install or live), e.g. console=ttyS0,115200n8 for a serial console. One line."
      onSave={(kernelArgs) => store.api.call('PUT /api/distros/:id', { params: { id: distro.id }, body: { kernelArgs } })}
      onClose={onClose}
    />
  );
}
