// The live host list: every PXE client seen, in a stable order (newest first-seen first; nothing a
// machine does later moves its row), searchable; a click opens its panel. A box per row selects it
// for a batch action (issue 13): Space toggles, Shift+click or Shift+Space a range, Ctrl/Cmd-A
// every machine shown, the arrow keys move between boxes, Escape clears.
import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import type { Host } from '../../../electron/shared/contract.js';
import { useLive } from '../../app/context.js';
import { StageProgress } from '../../components/StageProgress.js';
import { StateBadge } from '../../components/StateBadge.js';
import { TablePanel } from '../../components/TablePanel.js';
import { formatAgo } from '../../components/format.js';
import { useNow } from '../../components/useNow.js';
import { queuedWords } from '../power/power-words.js';
import { InventoryImport } from '../inventory/InventoryImport.js';
import { BatchBar } from './BatchBar.js';
import { hostChainWords } from './chain-words.js';
import { firstBootWords, matchesSearch, nameOf, pollWords, sortHosts } from './host-words.js';
import { vendorOf } from './oui.js';
import {
  headerState,
  NO_SELECTION,
  pruneSelection,
  selectAll,
  selectedInOrder,
  toggleAll,
  toggleOne,
  toggleRange,
  type SelectionState,
} from './selection.js';

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
  const [selection, setSelection] = useState<SelectionState>(NO_SELECTION);
  useEffect(() => setSelection((s) => pruneSelection(s, hosts)), [hosts]);
  const shown = useMemo(() => list.map((h) => h.mac), [list]);
  const picked = useMemo(
    () =>
      selectedInOrder(
        selection.selected,
        all.map((h) => h.mac),
      ),
    [selection, all],
  );
  const header = headerState(selection.selected, shown);

  // Ctrl/Cmd-A and Escape anywhere in the list (not in the search box: there they edit its text).
  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const t = e.target as HTMLElement;
    if (t instanceof HTMLInputElement && t.type !== 'checkbox') return;
    if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || !t.closest('table')) return;
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      setSelection((s) => selectAll(s, shown));
    } else if (e.key === 'Escape' && selection.selected.size > 0) {
      e.preventDefault();
      setSelection(NO_SELECTION);
    }
  };
  // On a row's box: Shift+Space selects the range (the browser's own Space is a plain toggle);
  // ArrowUp/ArrowDown move to the box of the row above or below.
  const onBoxKey = (e: KeyboardEvent<HTMLInputElement>, mac: string) => {
    if (e.key === ' ' && e.shiftKey) {
      e.preventDefault();
      if (e.type === 'keydown' && !e.repeat) setSelection((s) => toggleRange(s, mac, shown));
    } else if (e.type === 'keydown' && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      const next = shown[shown.indexOf(mac) + (e.key === 'ArrowDown' ? 1 : -1)];
      if (!next) return;
      e.preventDefault();
      document.querySelector<HTMLInputElement>(`tr[data-mac="${CSS.escape(next)}"] input.pick`)?.focus();
    }
  };

  return (
    <div className="host-list" onKeyDown={onListKey}>
      <TablePanel
        titleId="hosts-title"
        title={
          <>
            Machines <span className="muted">({query.trim() ? `${list.length} of ${all.length}` : all.length})</span>
          </>
        }
        tools={
          <>
            <div className="host-tools">
              {all.length > 0 ? (
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
              ) : null}
              <InventoryImport />
            </div>
            <BatchBar macs={picked} onClear={() => setSelection(NO_SELECTION)} />
          </>
        }
        leadHeader={
          list.length > 0 ? (
            <input
              type="checkbox"
              className="pick-all"
              aria-label={query.trim() ? 'Select every machine found' : 'Select every machine'}
              checked={header === 'all'}
              ref={(el) => {
                if (el) el.indeterminate = header === 'some';
              }}
              onChange={() => setSelection((s) => toggleAll(s, shown))}
            />
          ) : undefined
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
          const isPicked = selection.selected.has(h.mac);
          return (
            // The button is what keyboards reach; its click bubbles to the row's handler.
            <tr
              key={h.mac}
              data-mac={h.mac}
              aria-selected={isSelected}
              className={[isSelected ? 'selected' : '', isPicked ? 'picked' : ''].join(' ').trim()}
              onClick={() => onSelect(h.mac)}
            >
              {/* The box's cell does not open the panel: a near miss of the box must not. */}
              <td className="lead" onClick={(e) => e.stopPropagation()}>
                <input
                  type="checkbox"
                  className="pick"
                  aria-label={`Select ${h.mac}${name ? ` (${name})` : ''}`}
                  checked={isPicked}
                  onChange={(e) => {
                    // React's change of a checkbox is its click: a shift-click selects the range.
                    const shift = (e.nativeEvent as MouseEvent).shiftKey === true;
                    setSelection((s) => (shift ? toggleRange(s, h.mac, shown) : toggleOne(s, h.mac)));
                  }}
                  onKeyDown={(e) => onBoxKey(e, h.mac)}
                  onKeyUp={(e) => onBoxKey(e, h.mac)}
                />
              </td>
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
    </div>
  );
}
