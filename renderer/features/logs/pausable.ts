// Pause for a live list: while paused, the list shows what it had when paused and counts the lines
// that arrived since; Resume shows everything again. Lines are in seq order.
import { useCallback, useState } from 'react';

export interface Pausable<T> {
  shown: readonly T[];
  paused: boolean;
  /** Lines that arrived since the pause. */
  newLines: number;
  toggle: () => void;
}

/** How many of `lines` (in seq order) come after `seq`: counted from the end, so cheap for a few new lines. */
export function countAfter(lines: readonly { seq: number }[], seq: number): number {
  let n = 0;
  for (let i = lines.length - 1; i >= 0 && (lines[i]?.seq ?? 0) > seq; i -= 1) n += 1;
  return n;
}

export function usePausable<T extends { seq: number }>(lines: readonly T[]): Pausable<T> {
  const [frozen, setFrozen] = useState<readonly T[] | null>(null);
  const toggle = useCallback(() => setFrozen((f) => (f ? null : lines)), [lines]);
  if (!frozen) return { shown: lines, paused: false, newLines: 0, toggle };
  return { shown: frozen, paused: true, newLines: countAfter(lines, frozen.at(-1)?.seq ?? 0), toggle };
}
