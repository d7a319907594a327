// One labelled input of a form with its hint and, when the server refused its value, the message
// right under it: the input is then aria-invalid and described by the message (finding 6).
import type { ReactNode } from 'react';

export interface FieldProps {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | null;
  /** The control; it gets `id`, and its aria props from `fieldAria`. */
  children: ReactNode;
}

/** aria-invalid and aria-describedby of the control in a Field (hint and error ids). */
export function fieldAria(id: string, hasHint: boolean, error: string | null | undefined) {
  const describedBy = [error ? `${id}-error` : null, hasHint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return {
    'aria-invalid': error ? (true as const) : undefined,
    'aria-describedby': describedBy || undefined,
  };
}

export function Field({ id, label, hint, error, children }: FieldProps) {
  return (
    <div className={`field-row ${error ? 'field-row-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
      {hint ? (
        <span id={`${id}-hint`} className="muted hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
