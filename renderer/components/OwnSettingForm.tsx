// A host's own setting over a global one (its boot chain, its wait policy): a select whose first
// option follows the global setting, applied with its button, not on change (a select changes on
// every arrow key), with the server's refusal shown under it.
import { useId, useState } from 'react';
import { ErrorNote } from './ErrorNote.js';

export interface OwnSettingFormProps<T extends string> {
  /** The select's label. */
  label: string;
  /** The first option's words: what following the global setting means now. */
  followWords: string;
  options: readonly { value: T; words: string }[];
  /** The host's own setting; null: it follows the global one. */
  current: T | null;
  /** The button's words, e.g. "Set chain". */
  action: string;
  save: (value: T | null) => Promise<unknown>;
}

export function OwnSettingForm<T extends string>(props: OwnSettingFormProps<T>) {
  const id = useId();
  const current = props.current ?? '';
  const [choice, setChoice] = useState<string>(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.save(choice === '' ? null : (choice as T));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor={id}>{props.label}</label>
        <select id={id} value={choice} onChange={(e) => setChoice(e.target.value)}>
          <option value="">{props.followWords}</option>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.words}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy || choice === current}>
          {busy ? 'Setting…' : props.action}
        </button>
      </form>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </>
  );
}
