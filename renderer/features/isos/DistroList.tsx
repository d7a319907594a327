import type { Distro } from '../../../electron/shared/contract.js';
import { useLive } from '../../app/context.js';
import { TablePanel } from '../../components/TablePanel.js';
import { formatBytes } from '../../components/format.js';

const STATUS_WORD: Readonly<Record<Distro['status'], string>> = { ok: 'OK', missing: 'Missing', changed: 'Changed: re-import' };
const COLUMNS = ['Name', 'Version', 'Arch', 'Size', 'Status'] as const;

export function DistroList() {
  const distros = useLive((s) => s.distros);
  const list = [...distros.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  return (
    <TablePanel
      titleId="distros-title"
      title="Installers"
      columns={COLUMNS}
      empty="No ISO yet: drop one anywhere on this window, or use “Open ISO…”."
      rows={list.map((d) => (
        <tr key={d.id} data-distro={d.id}>
          <td title={d.iso}>
            {d.name}
            {d.variant ? <span className="muted"> {d.variant}</span> : null}
          </td>
          <td>{d.version}</td>
          <td>{d.arch}</td>
          <td>{formatBytes(d.isoSize)}</td>
          <td>
            <span className={`status status-${d.status}`}>{STATUS_WORD[d.status]}</span>
          </td>
        </tr>
      ))}
    />
  );
}
