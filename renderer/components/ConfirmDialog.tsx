// A modal confirmation for a destructive action: the native <dialog> (role dialog, focus kept
// inside, Escape closes it), focus starting on the safe choice, the action named on its button.
import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface ConfirmDialogProps {
  title: string;
  /** What the action erases or removes, in words. */
  children: ReactNode;
  /** The destructive button's words: say what it does ("Erase and reinstall"), never "OK". */
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  /** Cancel, Escape or a click outside: nothing happens. */
  onCancel: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, busy = false, onConfirm, onCancel }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const ids = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // Remember what had focus, so that closing gives it back (the button that opened the dialog).
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    cancelRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-body`}
      onCancel={(e) => {
        // Escape: the dialog stays under React's control, which closes it by unmounting.
        e.preventDefault();
        onCancel();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onCancel(); // the backdrop
      }}
      onKeyDown={(e) => {
        // Escape is the dialog's (it cancels); a panel around it that closes on Escape must not hear it too.
        if (e.key === 'Escape') e.stopPropagation();
      }}
    >
      <h2 id={`${ids}-title`}>{title}</h2>
      <div id={`${ids}-body`} className="confirm-body">
        {children}
      </div>
      <div className="buttons">
        <button type="button" ref={cancelRef} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
