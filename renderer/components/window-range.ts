// Which rows of a fixed-row-height list are on screen (plus a margin): the arithmetic of the
// virtualised list, kept pure so it can be tested without a browser.
export interface WindowRange {
  start: number; // first rendered index
  end: number; // one past the last rendered index
}

export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 8): WindowRange {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  return { start: Math.max(0, first - overscan), end: Math.min(count, first + visible + overscan) };
}

/** The user is "at the tail" when the bottom is within one row: then new rows keep it scrolled down. */
export function atTail(scrollTop: number, viewportHeight: number, scrollHeight: number, rowHeight: number): boolean {
  return scrollHeight - (scrollTop + viewportHeight) <= rowHeight;
}
