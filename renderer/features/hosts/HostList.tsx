// The live host list: every PXE client seen, in a stable order (newest first-seen first; nothing a
// machine does later moves its row), searchable; a click opens its panel.
import { useId, useMemo, useState } from 'react';
import type { Host } from '../../../electron/shared/contract.js';
import { useLive } from '../../app/context.js';
import { StageProgress } from '../../components/StageProgress.js';
import { StateBadge } from '../../components/StateBadge.js';
import { TablePanel } from '../../components/TablePanel.js';
import { formatAgo } from '../../components/format.js';
import { useNow } from '../../components/useNow.js';
import { queuedWords } from '../power/power-words.js';
import { hostChainWords } from './chain-words.js';
import { firstBootWords, matchesSearch, nameOf, pollWords, sortHosts } from './host-words.js';
import { vendorOf } from './oui.js';

const FIRMWARE_WORD: Readonly<Record<Host['firmware'], string>> = { bios: 'BIOS', uefi: 'UEFI', 'uefi-http': 'UEFI HTTP', unknown: '—' };
const COLUMNS = ['Machine', 'Firmware', 'IP', 'State', 'Progress', 'Last seen'] as const;

export function HostList({ selected, onSelect }: { selected: string | null; onSelect: (mac: string) => void }) {
  const hosts = useLive((s) => s.hosts);
  // Every 2 s: "polled 3 s ago" stays close to the truth without re-rendering the list each second.
  const now = useNow(2000);
  const [query, setQuery] = useState('');
  const searchId = useId();
  // Sorted only when the hosts change (the clock re-renders often).
  const all = useMemo(() => sortHosts(hosts.values()), [hosts]);
  const list = useMemo(() => (query.trim() ? all.filter((h) => matchesSearch(h, query)) : all), [all, query]);
  return (
    <TablePanel
      titleId="hosts-title"
      title={
        <>
          Machines <span className="muted">({query.trim() ? `${list.length} of ${all.length}` : all.length})</span>
        </>
      }
      tools={
        all.length > 0 ? (
          <div className="host-search" role="search">
            <label htmlFor={searchId} className="visually-hidden">
              Search machines
            </label>
            <input
              id={searchId}
              type="search"
              placeholder="Search by name, MAC, IP or vendor"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </div>
        ) : null
      }
      columns={COLUMNS}
      empty={
        all.length === 0
          ? 'No machine has PXE-booted yet. Set a machine to boot from the network and power it on.'
          : `No machine matches “${query.trim()}”.`
      }
      className="hosts"
      rows={list.map((h) => {
        const vendor = vendorOf(h.mac);
        const name = nameOf(h);
        // A cancelled install leaves its record, but the machine is back where it was: no bar for it.
        const install = h.install && h.state !== 'discovered' && h.install.stage === h.state ? h.install : null;
        const polled = pollWords(h, now);
        const waitingFor = queuedWords(h, now);
        const chain = hostChainWords(h);
        const firstBoot = firstBootWords(h);
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
              {name ? <div className="host-name">{name}</div> : null}
              <button
                type="button"
                className="link mono"
                aria-label={`Open ${h.mac}${name ? ` (${name})` : ''}${vendor ? ` (${vendor})` : ''}`}
              >
                {h.mac}
              </button>
              {vendor ? <span className="muted vendor"> {vendor}</span> : null}
              {h.label && h.hostname ? <div className="muted">installs as {h.hostname}</div> : null}
            </td>
            <td>
              {FIRMWARE_WORD[h.firmware]} <span className="muted">{h.arch !== 'unknown' ? h.arch : ''}</span>
              {chain ? (
                <div className="muted chain" title={h.chainReason ?? undefined}>
                  {chain}
                </div>
              ) : null}
            </td>
            <td className="mono">{h.ip ?? '—'}</td>
            <td>
              <StateBadge state={h.state} title={h.failureReason ?? h.install?.lastStep ?? undefined} />
              {polled ? <div className="muted poll">{polled}</div> : null}
              {waitingFor ? <div className={h.powerMethod ? 'muted poll' : 'poll warn-text'}>{waitingFor}</div> : null}
              {firstBoot ? (
                <div className={firstBoot.warn ? 'first-boot warn-text' : 'first-boot muted'} title={firstBoot.at ?? undefined}>
                  {firstBoot.text}
                </div>
              ) : null}
              {h.state !== 'failed' && h.install?.failure?.code === 'cancelled' ? (
                <div className="muted">last install cancelled</div>
              ) : null}
            </td>
            <td>
              {install ? <StageProgress install={install} label={`Install progress of ${h.mac}`} /> : <span className="muted">—</span>}
            </td>
            <td title={h.lastSeen}>{formatAgo(h.lastSeen, now)}</td>
          </tr>
        );
      })}
    />
  );
}
