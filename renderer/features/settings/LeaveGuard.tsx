// Guards unsaved settings (finding 6): switching views asks to save or discard, and closing or
// reloading the page asks the browser's own question. The view buttons belong to the Dashboard;
// rather than reach into its state, the guard catches their clicks in the capture phase (before
// React sees them) and replays the click once the user has decided.
import { useEffect, useId, useRef, useState } from 'react';

/** The buttons that switch views (Dashboard's nav), other than the current one. */
const VIEW_BUTTON = 'nav[aria-label="Views"] button:not([aria-current="page"])';

export function LeaveGuard({ dirty, onSave, onDiscard }: { dirty: boolean; onSave: () => Promise<boolean>; onDiscard: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const pending = useRef<HTMLElement | null>(null);
  const replaying = useRef(false);
  const [busy, setBusy] = useState(false);
  const id = useId();

  useEffect(() => {
    if (!dirty) return;
    const onClick = (e: MouseEvent) => {
      const target = e.target instanceof Element ? e.target.closest<HTMLElement>(VIEW_BUTTON) : null;
      if (!target || replaying.current) return;
      e.preventDefault();
      e.stopPropagation();
      pending.current = target;
      dialog.current?.showModal();
    };
    const onUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    document.addEventListener('click', onClick, true);
    globalThis.addEventListener('beforeunload', onUnload);
    return () => {
      document.removeEventListener('click', onClick, true);
      globalThis.removeEventListener('beforeunload', onUnload);
    };
  }, [dirty]);

  const leave = () => {
    const target = pending.current;
    pending.current = null;
    dialog.current?.close();
    if (!target) return;
    replaying.current = true;
    try {
      target.click();
    } finally {
      replaying.current = false;
    }
  };
  const save = async () => {
    setBusy(true);
    const ok = await onSave().finally(() => setBusy(false));
    if (ok) leave();
    else {
      pending.current = null;
      dialog.current?.close(); // the form now marks what is wrong
    }
  };
  const discard = () => {
    onDiscard();
    leave();
  };

  return (
    <dialog ref={dialog} className="confirm-dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`}>
      <h2 id={`${id}-title`}>Unsaved settings</h2>
      <p id={`${id}-text`}>You changed settings without saving them. Save them before leaving, or discard the changes?</p>
      <div className="buttons">
        <button type="button" className="primary" onClick={() => void save()} disabled={busy}>
          Save changes
        </button>
        <button type="button" onClick={discard} disabled={busy}>
          Discard changes
        </button>
        <button type="button" onClick={() => dialog.current?.close()} disabled={busy}>
          Keep editing
        </button>
      </div>
    </dialog>
  );
}
