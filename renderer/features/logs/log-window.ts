// The arithmetic of the log list: fixed-height rows, except one expanded row that is taller by
// `extra` pixels. Kept pure so that it is tested without a browser.
export interface LogWindow {
  start: number; // first rendered index
  end: number; // one past the last rendered index
}

export interface Expansion {
  index: number; // -1: no row is expanded
  extra: number; // how much taller than rowHeight the expanded row is
}

export const NO_EXPANSION: Expansion = { index: -1, extra: 0 };

/** Where row `i` starts. */
export function rowTop(i: number, rowHeight: number, ex: Expansion): number {
  return i * rowHeight + (ex.index >= 0 && i > ex.index ? ex.extra : 0);
}

/** The height of every row together. */
export function totalHeight(count: number, rowHeight: number, ex: Expansion): number {
  return count * rowHeight + (ex.index >= 0 && ex.index < count ? ex.extra : 0);
}

/** The row at height `y` (clamped to the list). */
export function rowAt(y: number, rowHeight: number, count: number, ex: Expansion): number {
  if (count === 0 || rowHeight <= 0) return 0;
  const top = Math.max(0, y);
  let i: number;
  if (ex.index < 0 || top < (ex.index + 1) * rowHeight) i = Math.floor(top / rowHeight);
  else if (top < (ex.index + 1) * rowHeight + ex.extra) i = ex.index;
  else i = Math.floor((top - ex.extra) / rowHeight);
  return Math.min(count - 1, i);
}

/** The rows on screen between scrollTop and scrollTop + viewport, plus `overscan` on each side. */
export function logWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, ex: Expansion, overscan = 8): LogWindow {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = rowAt(scrollTop, rowHeight, count, ex);
  const last = rowAt(scrollTop + Math.max(0, viewport), rowHeight, count, ex);
  return { start: Math.max(0, first - overscan), end: Math.min(count, last + 1 + overscan) };
}

/** The scrollTop that brings row `i` fully into view (unchanged when it already is). */
export function scrollToShow(i: number, scrollTop: number, viewport: number, rowHeight: number, ex: Expansion): number {
  const top = rowTop(i, rowHeight, ex);
  const bottom = top + rowHeight + (i === ex.index ? ex.extra : 0);
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return Math.max(0, Math.min(top, bottom - viewport));
  return scrollTop;
}
