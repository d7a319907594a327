// A panel that opens beside (or, when narrow, over) a list: when it opens, focus moves to its first
// decision (`firstSelector`) and it scrolls into view; Escape inside it closes it. Escape that a
// dialog inside it handles, or that something already handled, is left alone.
import { useCallback, useEffect, useRef, type KeyboardEvent } from 'react';

export function usePanelFocus<T extends HTMLElement>(open: boolean, firstSelector: string, onClose: () => void) {
  const ref = useRef<T>(null);
  useEffect(() => {
    const panel = ref.current;
    if (!open || !panel) return;
    const first = panel.querySelector<HTMLElement>(firstSelector);
    (first ?? panel).focus({ preventScroll: true });
    panel.scrollIntoView({ block: 'nearest' });
    // Only when it opens (not on later renders, which must not pull focus back).
  }, [open, firstSelector]);
  const onKeyDown = useCallback(
    (e: KeyboardEvent<T>) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if ((e.target as HTMLElement).closest('dialog')) return;
      e.preventDefault();
      onClose();
    },
    [onClose],
  );
  return { ref, onKeyDown };
}
