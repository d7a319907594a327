import type { Distro } from '../../../electron/shared/contract.js';
import { useLive } from '../../app/context.js';
import { formatBytes } from '../../components/format.js';

const STATUS_WORD: Readonly<Record<Distro['status'], string>> = { ok: 'OK', missing: 'Missing', changed: 'Changed: re-import' };

export function DistroList() {
  const distros = useLive((s) => s.distros);
  const list = [...distros.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  return (
    <section aria-labelledby="distros-title" className="panel">
      <h2 id="distros-title">Installers</h2>
      {list.length === 0 ? (
        <p className="muted">No ISO yet: drop one anywhere on this window, or use “Open ISO…”.</p>
      ) : (
        <table className="table" aria-labelledby="distros-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Version</th>
              <th scope="col">Arch</th>
              <th scope="col">Size</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
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
          </tbody>
        </table>
      )}
    </section>
  );
}
