// A small windowing list: fixed row height, only the rows on screen (plus a margin) in the DOM, so
// a 5,000-line log costs a few dozen elements. `follow` keeps it at the tail while the user is
// there; scrolling up pauses following until they scroll back down.
import { useCallback, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { atTail, visibleRange } from './window-range.js';

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  renderRow: (item: T, index: number) => ReactNode;
  rowKey: (item: T, index: number) => string | number;
  follow?: boolean;
  label: string;
  className?: string;
  emptyText?: string;
}

export function VirtualList<T>({ items, rowHeight, renderRow, rowKey, follow = false, label, className, emptyText }: VirtualListProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const stick = useRef(true);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // New rows while at the tail: stay at the tail.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !follow || !stick.current) return;
    el.scrollTop = el.scrollHeight;
    setScrollTop(el.scrollTop);
  }, [items, follow, height]);

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    stick.current = atTail(el.scrollTop, el.clientHeight, el.scrollHeight, rowHeight);
    setScrollTop(el.scrollTop);
  }, [rowHeight]);

  const { start, end } = visibleRange(scrollTop, height, rowHeight, items.length);
  const rows: ReactNode[] = [];
  for (let i = start; i < end; i += 1) {
    const item = items[i] as T;
    rows.push(
      <div
        key={rowKey(item, i)}
        role="listitem"
        aria-setsize={items.length}
        aria-posinset={i + 1}
        className="vrow"
        style={{ transform: `translateY(${i * rowHeight}px)`, height: rowHeight }}
      >
        {renderRow(item, i)}
      </div>,
    );
  }
  return (
    <div ref={ref} className={`vlist ${className ?? ''}`} onScroll={onScroll} tabIndex={0} role="list" aria-label={label}>
      {items.length === 0 && emptyText ? <p className="muted vempty">{emptyText}</p> : null}
      <div className="vspacer" style={{ height: items.length * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
