// Locate…: a moved ISO's new path (typed, or chosen in the desktop app's file dialog). The server
// accepts only the same ISO (same size and volume id), so installs that name the distro still hold.
import { useId, useRef, useState, type FormEvent } from 'react';
import type { Distro } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { desktopBridge } from '../../app/desktop.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { distroLabel, fileNameOf } from './distro-words.js';

export function LocateForm({ distro, onDone }: { distro: Distro; onDone: () => void }) {
  const store = useStore();
  const bridge = desktopBridge();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [path, setPath] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await store.api.call('POST /api/distros/:id/locate', { params: { id: distro.id }, body: { path: path.trim() } });
      await store.refresh();
      onDone();
    } catch (err) {
      setError(err);
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };
  const choose = async () => {
    const chosen = await bridge?.openIsoDialog();
    if (chosen) setPath(chosen);
  };

  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>New path of {distroLabel(distro)}</label>
      <input
        id={id}
        ref={input}
        type="text"
        autoFocus
        value={path}
        onChange={(e) => setPath(e.target.value)}
        placeholder={`/srv/isos/${fileNameOf(distro.iso)}`}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : `${id}-hint`}
      />
      {bridge ? (
        <button type="button" onClick={() => void choose()}>
          Choose…
        </button>
      ) : null}
      <button type="submit" className="primary" disabled={busy || !path.trim()}>
        Use this file
      </button>
      <span id={`${id}-hint`} className="muted">
        It was at {distro.iso}; it must be the same ISO (same size and volume id).
      </span>
      <div id={`${id}-error`}>
        <ErrorNote error={error} />
      </div>
    </form>
  );
}
