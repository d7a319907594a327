// The rows of an inventory as the server read them (a dry run): what each line will do.
import type { InventoryRow } from '../../../electron/shared/contract.js';

export function InventoryRows({ rows }: { rows: readonly InventoryRow[] }) {
  return (
    <div className="inventory-rows">
      <table className="table">
        <caption className="visually-hidden">Machines in the file</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">MAC</th>
            <th scope="col">Host name</th>
            <th scope="col">Fixed IP</th>
            <th scope="col">Installs</th>
            <th scope="col">Power</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.line}>
              <td>{r.line}</td>
              <td className="mono">{r.mac}</td>
              <td>{r.hostname ?? '—'}</td>
              <td className="mono">{r.ip ?? '—'}</td>
              <td>{r.distro ?? '—'}</td>
              <td>{r.powerMethod ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
