// Kernel arguments of a distro or a host (issue 13): one line, saved on its own. A refusal of the
// server is shown at the input (aria-invalid, described by the message) and the focus goes there,
// as Settings does with its fields.
import { useEffect, useId, useRef, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote.js';
import { isKernelArgsDirty, kernelArgsErrorOf, kernelArgsOf } from './kernel-args.js';

export interface KernelArgsFormProps {
  /** The input's label, e.g. "Kernel arguments for this machine". */
  label: string;
  /** What is saved now. */
  saved: string | null | undefined;
  hint: string;
  /** Sends the arguments ('' removes a host's); rejects with the server's refusal. */
  onSave: (kernelArgs: string) => Promise<unknown>;
  onClose?: () => void;
}

export function KernelArgsForm({ label, saved, hint, onSave, onClose }: KernelArgsFormProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(saved ?? '');
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (fieldError) input.current?.focus();
  }, [fieldError]);

  const save = async () => {
    setBusy(true);
    setError(null);
    setFieldError(null);
    setDone(false);
    try {
      await onSave(kernelArgsOf(text));
      setText(kernelArgsOf(text));
      setDone(true);
    } catch (e) {
      const atField = kernelArgsErrorOf(e);
      if (atField) setFieldError(atField);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const describedBy = [fieldError ? `${id}-error` : null, `${id}-hint`].filter(Boolean).join(' ');
  return (
    <form
      className="kernel-args-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className={`field-row ${fieldError ? 'field-row-invalid' : ''}`}>
        <label htmlFor={`${id}-args`}>{label}</label>
        <input
          id={`${id}-args`}
          ref={input}
          type="text"
          className="mono"
          value={text}
          spellCheck={false}
          autoComplete="off"
          placeholder="e.g. console=ttyS0,115200n8 nomodeset"
          onChange={(e) => {
            setText(e.target.value);
            setDone(false);
            setFieldError(null);
          }}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={describedBy}
        />
        {fieldError ? (
          <span id={`${id}-error`} className="field-error">
            {fieldError}
          </span>
        ) : null}
        <span id={`${id}-hint`} className="muted hint">
          {hint}
        </span>
      </div>
      <div className="buttons">
        <button type="submit" disabled={busy || !isKernelArgsDirty(saved, text)}>
          {busy ? 'Saving…' : 'Save kernel arguments'}
        </button>
        {onClose ? (
          <button type="button" onClick={onClose}>
            Close
          </button>
        ) : null}
        <span role="status" className="muted">
          {done ? 'Saved.' : ''}
        </span>
      </div>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </form>
  );
}
