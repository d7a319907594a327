// Whether a scrolling list is at its tail (new rows then keep it scrolled down): kept pure so it can
// be tested without a browser. The log list's windowing is features/logs/log-window.ts.

/** The user is "at the tail" when the bottom is within one row: then new rows keep it scrolled down. */
export function atTail(scrollTop: number, viewportHeight: number, scrollHeight: number, rowHeight: number): boolean {
  return scrollHeight - (scrollTop + viewportHeight) <= rowHeight;
}
