// The kernel and initrd a distro boots, as paths inside its ISO: detection finds them for known
// distros; for a generic ISO the user may choose others. The server checks that both exist inside
// the ISO before saving, and the field it refuses is marked.
import { useId, useRef, useState, type FormEvent } from 'react';
import type { Distro } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { ErrorNote, messageOf } from '../../components/ErrorNote.js';
import { distroLabel } from './distro-words.js';
import { FIELD_STYLE } from './form-style.js';

type Field = 'kernel' | 'initrd';

/** Which field the server's refusal is about ("kernel "/x" is not a file inside …"). */
export function fieldOfError(message: string): Field | null {
  if (/^kernel\b/i.test(message)) return 'kernel';
  if (/^initrd\b/i.test(message)) return 'initrd';
  return null;
}

export function BootFilesForm({ distro, onClose }: { distro: Distro; onClose: () => void }) {
  const store = useStore();
  const id = useId();
  const refs = { kernel: useRef<HTMLInputElement>(null), initrd: useRef<HTMLInputElement>(null) };
  const [values, setValues] = useState({ kernel: distro.kernel ?? '', initrd: distro.initrd ?? '' });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const bad = error ? (fieldOfError(messageOf(error)) ?? 'kernel') : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await store.api.call('PUT /api/distros/:id', {
        params: { id: distro.id },
        body: { kernel: values.kernel.trim() || null, initrd: values.initrd.trim() || null },
      });
      setSaved(true);
    } catch (err) {
      setError(err);
      refs[fieldOfError(messageOf(err)) ?? 'kernel'].current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const field = (name: Field, label: string) => (
    <div className="field" style={FIELD_STYLE}>
      <label htmlFor={`${id}-${name}`}>{label}</label>{' '}
      <input
        id={`${id}-${name}`}
        ref={refs[name]}
        type="text"
        className="mono"
        style={{ flex: 1, minWidth: '14rem' }}
        value={values[name]}
        onChange={(e) => {
          setValues((v) => ({ ...v, [name]: e.target.value }));
          setSaved(false);
        }}
        spellCheck={false}
        aria-invalid={bad === name ? true : undefined}
        aria-describedby={bad === name ? `${id}-error` : undefined}
      />
    </div>
  );

  return (
    <form className="inline-form" aria-label={`Kernel and initrd of ${distroLabel(distro)}`} onSubmit={(e) => void submit(e)}>
      {field('kernel', 'Kernel (path inside the ISO)')}
      {field('initrd', 'Initrd (path inside the ISO)')}
      <button type="submit" className="primary" disabled={busy} aria-label="Save kernel and initrd">
        Save
      </button>
      <button type="button" onClick={onClose}>
        Close
      </button>
      <span role="status">{saved ? 'Saved.' : ''}</span>
      <div id={`${id}-error`}>
        <ErrorNote error={error} />
      </div>
    </form>
  );
}
