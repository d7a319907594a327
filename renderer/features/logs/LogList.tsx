// The log's virtual list: fixed-height rows (only those on screen are in the DOM, so 5,000 lines
// cost a few dozen elements), one of which may be expanded to its full, wrapped text. It follows
// the tail while the user is there. Keyboard: Tab reaches the list, the arrow keys, Home, End and
// Page keys move between rows (one tab stop, roving), Enter or Space expands, Escape collapses.
import { useCallback, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { LogEvent } from '../../../electron/shared/contract.js';
import { atTail } from '../../components/window-range.js';
import { LogLine } from './log-line.js';
import { NO_EXPANSION, logWindow, rowAt, rowTop, scrollToShow, totalHeight } from './log-window.js';

const ROW = 22;

/** Index of `seq` in lines sorted by seq, or -1. */
function indexOfSeq(lines: readonly LogEvent[], seq: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = lines[mid]?.seq ?? 0;
    if (s === seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export interface LogListProps {
  items: readonly LogEvent[];
  label: string;
  showMac: boolean;
  follow?: boolean;
  className?: string;
  emptyText?: string;
}

export function LogList({ items, label, showMac, follow = true, className, emptyText }: LogListProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const stick = useRef(true);
  const [expanded, setExpanded] = useState<number | null>(null); // a seq
  const [extra, setExtra] = useState(0);
  const [active, setActive] = useState<number | null>(null); // the seq holding the tab stop
  const focusNext = useRef<number | null>(null);
  const exIndex = expanded === null ? -1 : indexOfSeq(items, expanded);
  const ex = exIndex >= 0 ? { index: exIndex, extra } : NO_EXPANSION;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // The expanded row's real height (it wraps to the list's width), measured after each render in
  // which it is on screen; scrolled out of the window it keeps its last height, so nothing jumps.
  useLayoutEffect(() => {
    const row = ref.current?.querySelector<HTMLElement>('.vrow.expanded');
    if (!row) return;
    const measured = Math.max(0, row.offsetHeight - ROW);
    if (measured !== extra) setExtra(measured);
  });

  // New rows while at the tail: stay at the tail.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !follow || !stick.current) return;
    el.scrollTop = el.scrollHeight;
    setScrollTop(el.scrollTop);
  }, [items, follow, height]);

  // A row moved to by keyboard gets focus once it is rendered.
  useLayoutEffect(() => {
    if (focusNext.current === null) return;
    const row = ref.current?.querySelector<HTMLElement>(`.logline[data-seq="${focusNext.current}"]`);
    if (row) {
      row.focus({ preventScroll: true });
      focusNext.current = null;
    }
  });

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    stick.current = atTail(el.scrollTop, el.clientHeight, el.scrollHeight, ROW);
    setScrollTop(el.scrollTop);
  }, []);

  const toggle = (seq: number) => {
    setExpanded((cur) => (cur === seq ? null : seq));
    setExtra(0); // measured again once the newly expanded row is rendered
    setActive(seq);
  };

  const onKeyDown = (k: KeyboardEvent) => {
    const el = ref.current;
    if (!el || items.length === 0) return;
    const current = active === null ? -1 : indexOfSeq(items, active);
    const from = current >= 0 ? current : rowAt(el.scrollTop, ROW, items.length, ex);
    const page = Math.max(1, Math.floor(el.clientHeight / ROW) - 1);
    const moves: Record<string, number> = {
      ArrowDown: current >= 0 ? from + 1 : from,
      ArrowUp: from - 1,
      PageDown: from + page,
      PageUp: from - page,
      Home: 0,
      End: items.length - 1,
    };
    const target = moves[k.key];
    if (target === undefined) return;
    k.preventDefault();
    const i = Math.max(0, Math.min(items.length - 1, target));
    const seq = items[i]?.seq ?? 0;
    setActive(seq);
    focusNext.current = seq;
    el.scrollTop = scrollToShow(i, el.scrollTop, el.clientHeight, ROW, ex);
    stick.current = atTail(el.scrollTop, el.clientHeight, el.scrollHeight, ROW);
    setScrollTop(el.scrollTop);
  };

  const { start, end } = logWindow(scrollTop, height, ROW, items.length, ex);
  const rows = [];
  for (let i = start; i < end; i += 1) {
    const e = items[i] as LogEvent;
    const open = i === ex.index;
    rows.push(
      <div
        key={e.seq}
        role="listitem"
        aria-setsize={items.length}
        aria-posinset={i + 1}
        className={`vrow${open ? ' expanded' : ''}`}
        style={{ transform: `translateY(${rowTop(i, ROW, ex)}px)`, ...(open ? { minHeight: ROW } : { height: ROW }) }}
      >
        <LogLine e={e} showMac={showMac} expanded={open} tabbable={e.seq === active} onToggle={() => toggle(e.seq)} />
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className={`vlist ${className ?? ''}`}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      tabIndex={0}
      role="list"
      aria-label={label}
    >
      {items.length === 0 && emptyText ? <p className="muted vempty">{emptyText}</p> : null}
      <div className="vspacer" style={{ height: totalHeight(items.length, ROW, ex) }}>
        {rows}
      </div>
    </div>
  );
}
