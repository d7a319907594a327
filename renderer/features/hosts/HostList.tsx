// The live host list: every PXE client seen, newest activity first; a click opens its panel.
import { useMemo } from 'react';
import type { Host } from '../../../electron/shared/contract.js';
import { useLive } from '../../app/context.js';
import { StateBadge } from '../../components/StateBadge.js';
import { TablePanel } from '../../components/TablePanel.js';
import { formatAgo } from '../../components/format.js';
import { useNow } from '../../components/useNow.js';
import { vendorOf } from './oui.js';

const FIRMWARE_WORD: Readonly<Record<Host['firmware'], string>> = { bios: 'BIOS', uefi: 'UEFI', 'uefi-http': 'UEFI HTTP', unknown: '—' };
const COLUMNS = ['MAC', 'Firmware', 'IP', 'State', 'Progress', 'Last seen'] as const;

export function sortHosts(hosts: Iterable<Host>): Host[] {
  return [...hosts].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen) || a.mac.localeCompare(b.mac));
}

export function HostList({ selected, onSelect }: { selected: string | null; onSelect: (mac: string) => void }) {
  const hosts = useLive((s) => s.hosts);
  const now = useNow();
  // useNow re-renders every few seconds for the "ago" column: sort only when the hosts change.
  const list = useMemo(() => sortHosts(hosts.values()), [hosts]);
  return (
    <TablePanel
      titleId="hosts-title"
      title={
        <>
          Machines <span className="muted">({list.length})</span>
        </>
      }
      columns={COLUMNS}
      empty="No machine has PXE-booted yet. Set a machine to boot from the network and power it on."
      className="hosts"
      rows={list.map((h) => {
        const vendor = vendorOf(h.mac);
        const progress = h.install && h.state !== 'discovered' ? h.install.progress : null;
        const isSelected = selected === h.mac;
        return (
          // The button is what keyboards reach; its click bubbles to the row's handler.
          <tr
            key={h.mac}
            data-mac={h.mac}
            aria-selected={isSelected}
            className={isSelected ? 'selected' : ''}
            onClick={() => onSelect(h.mac)}
          >
            <td>
              <button type="button" className="link mono" aria-label={`Open ${h.mac}${vendor ? ` (${vendor})` : ''}`}>
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
              {progress !== null ? (
                <progress max={1} value={progress} aria-label={`Install progress of ${h.mac}`} />
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td title={h.lastSeen}>{formatAgo(h.lastSeen, now)}</td>
          </tr>
        );
      })}
    />
  );
}
