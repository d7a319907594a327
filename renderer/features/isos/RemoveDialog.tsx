// Remove confirms and names what goes: an ISO Bootbench uploaded into its data folder is deleted;
// an ISO imported by path is only taken off the list, its file stays where it is. A refusal (an
// install uses it) shows here, and the dialog stays open.
import { useEffect, useId, useRef, useState } from 'react';
import type { Distro } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { distroLabel, fileNameOf } from './distro-words.js';
import { DIALOG_STYLE } from './form-style.js';

export function RemoveDialog({ distro, onClose }: { distro: Distro; onClose: () => void }) {
  const store = useStore();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const deletes = distro.uploaded === true;
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal(); // modal: focus moves in, Escape closes, the page behind is inert
    return () => d?.close();
  }, []);

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await store.api.call('DELETE /api/distros/:id', { params: { id: distro.id } });
      await store.refresh();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} aria-labelledby={titleId} onCancel={onClose} style={DIALOG_STYLE}>
      <h2 id={titleId}>Remove {distroLabel(distro)}?</h2>
      {deletes ? (
        <p>
          Bootbench uploaded this ISO into its data folder. The file <strong className="mono">{fileNameOf(distro.iso)}</strong> will be
          deleted from the server ({distro.iso}).
        </p>
      ) : (
        <p>
          It leaves the list and the Installer menu. The file <strong className="mono">{fileNameOf(distro.iso)}</strong> stays where it is (
          {distro.iso}).
        </p>
      )}
      <ErrorNote error={error} />
      <div className="buttons">
        <button type="button" autoFocus onClick={onClose}>
          Keep it
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => void remove()}>
          {deletes ? 'Remove and delete the file' : 'Remove from the list'}
        </button>
      </div>
    </dialog>
  );
}
