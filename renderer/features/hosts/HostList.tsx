// The live host list: every PXE client seen, newest activity first; a click opens its panel.
import type { Host } from '../../../electron/shared/contract.js';
import { useLive } from '../../app/context.js';
import { StateBadge } from '../../components/StateBadge.js';
import { formatAgo } from '../../components/format.js';
import { useNow } from '../../components/useNow.js';
import { vendorOf } from './oui.js';

const FIRMWARE_WORD: Readonly<Record<Host['firmware'], string>> = { bios: 'BIOS', uefi: 'UEFI', 'uefi-http': 'UEFI HTTP', unknown: '—' };

export function sortHosts(hosts: Iterable<Host>): Host[] {
  return [...hosts].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen) || a.mac.localeCompare(b.mac));
}

export function HostList({ selected, onSelect }: { selected: string | null; onSelect: (mac: string) => void }) {
  const hosts = useLive((s) => s.hosts);
  const now = useNow();
  const list = sortHosts(hosts.values());
  return (
    <section aria-labelledby="hosts-title" className="panel">
      <h2 id="hosts-title">
        Machines <span className="muted">({list.length})</span>
      </h2>
      {list.length === 0 ? (
        <p className="muted">No machine has PXE-booted yet. Set a machine to boot from the network and power it on.</p>
      ) : (
        <table className="table hosts" aria-labelledby="hosts-title">
          <thead>
            <tr>
              <th scope="col">MAC</th>
              <th scope="col">Firmware</th>
              <th scope="col">IP</th>
              <th scope="col">State</th>
              <th scope="col">Progress</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {list.map((h) => {
              const vendor = vendorOf(h.mac);
              const progress = h.install && h.state !== 'discovered' ? h.install.progress : null;
              return (
                <tr key={h.mac} data-mac={h.mac} aria-selected={selected === h.mac} className={selected === h.mac ? 'selected' : ''} onClick={() => onSelect(h.mac)}>
                  <td>
                    <button type="button" className="link mono" onClick={() => onSelect(h.mac)} aria-label={`Open ${h.mac}${vendor ? ` (${vendor})` : ''}`}>
                      {h.mac}
                    </button>
                    {vendor ? <span className="muted vendor"> {vendor}</span> : null}
                    {h.hostname ? <div className="muted">{h.hostname}</div> : null}
                  </td>
                  <td>
                    {FIRMWARE_WORD[h.firmware]} <span className="muted">{h.arch !== 'unknown' ? h.arch : ''}</span>
                  </td>
                  <td className="mono">{h.ip ?? '—'}</td>
                  <td>
                    <StateBadge state={h.state} title={h.failureReason ?? h.install?.lastStep ?? undefined} />
                  </td>
                  <td>
                    {progress !== null ? <progress max={1} value={progress} aria-label={`Install progress of ${h.mac}`} /> : <span className="muted">—</span>}
                  </td>
                  <td title={h.lastSeen}>{formatAgo(h.lastSeen, now)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
