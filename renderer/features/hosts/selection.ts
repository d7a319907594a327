// The machine list's batch selection, pure (tested in test/ui/batch-logic.test.ts): a click toggles
// one machine, a shift-click toggles the range from the last one clicked (the anchor), select-all
// takes every machine the search shows, and machines that left the list leave the selection.
import type { BatchResult, Host } from '../../../electron/shared/contract.js';
import { machineWords } from './host-words.js';

export interface SelectionState {
  selected: ReadonlySet<string>;
  /** The last machine toggled on its own: a shift-click's range starts there. */
  anchor: string | null;
}

export const NO_SELECTION: SelectionState = { selected: new Set(), anchor: null };

export function toggleOne(state: SelectionState, mac: string): SelectionState {
  const selected = new Set(state.selected);
  if (selected.has(mac)) selected.delete(mac);
  else selected.add(mac);
  return { selected, anchor: mac };
}

/**
 * Shift-click: every machine between the anchor and `mac` (in the list's order) takes the state
 * that `mac` gets, as in a mail client. Without an anchor in the list, it is a plain toggle.
 */
export function toggleRange(state: SelectionState, mac: string, order: readonly string[]): SelectionState {
  const from = state.anchor === null ? -1 : order.indexOf(state.anchor);
  const to = order.indexOf(mac);
  if (from < 0 || to < 0) return toggleOne(state, mac);
  const on = !state.selected.has(mac);
  const selected = new Set(state.selected);
  for (const m of order.slice(Math.min(from, to), Math.max(from, to) + 1)) {
    if (on) selected.add(m);
    else selected.delete(m);
  }
  return { selected, anchor: mac };
}

/** Ctrl/Cmd-A and the header's box: every machine shown; when all of them already are, none. */
export function toggleAll(state: SelectionState, shown: readonly string[]): SelectionState {
  if (shown.length > 0 && shown.every((m) => state.selected.has(m))) {
    const selected = new Set(state.selected);
    for (const m of shown) selected.delete(m);
    return { selected, anchor: null };
  }
  return { selected: new Set([...state.selected, ...shown]), anchor: state.anchor };
}

export function selectAll(state: SelectionState, shown: readonly string[]): SelectionState {
  return { selected: new Set([...state.selected, ...shown]), anchor: state.anchor };
}

/** Drops machines no longer in the list (forgotten); the same state when nothing changed. */
export function pruneSelection(state: SelectionState, present: ReadonlySet<string> | ReadonlyMap<string, unknown>): SelectionState {
  const kept = [...state.selected].filter((m) => present.has(m));
  if (kept.length === state.selected.size) return state;
  return { selected: new Set(kept), anchor: state.anchor !== null && present.has(state.anchor) ? state.anchor : null };
}

/** The header box: none, some (indeterminate) or all of the machines shown. */
export function headerState(selected: ReadonlySet<string>, shown: readonly string[]): 'none' | 'some' | 'all' {
  const n = shown.filter((m) => selected.has(m)).length;
  return n === 0 ? 'none' : n === shown.length ? 'all' : 'some';
}

/** The selected machines in the list's order (a batch acts on them in the order the user sees). */
export function selectedInOrder(selected: ReadonlySet<string>, order: readonly string[]): string[] {
  return order.filter((m) => selected.has(m));
}

export interface BatchOutcome {
  ok: string[];
  failed: { mac: string; name: string; message: string }[];
  /** "3 queued, 1 failed" */
  summary: string;
}

const DONE_WORD: Readonly<Record<'install' | 'cancel' | 'wait-policy', string>> = {
  install: 'queued',
  cancel: 'cancelled',
  'wait-policy': 'set',
};

/** Each machine's outcome of a batch in words: the batch goes on past a machine it cannot act on. */
export function batchOutcome(
  action: 'install' | 'cancel' | 'wait-policy',
  result: BatchResult,
  hosts: ReadonlyMap<string, Pick<Host, 'mac' | 'label' | 'hostname'>>,
): BatchOutcome {
  const ok = result.results.filter((r) => r.ok).map((r) => r.mac);
  const failed = result.results
    .filter((r) => !r.ok)
    .map((r) => {
      const host = hosts.get(r.mac) ?? r.host;
      return { mac: r.mac, name: host ? machineWords(host) : r.mac, message: r.error?.message ?? 'failed' };
    });
  const parts = [`${ok.length} ${DONE_WORD[action]}`, ...(failed.length ? [`${failed.length} failed`] : [])];
  return { ok, failed, summary: parts.join(', ') };
}
