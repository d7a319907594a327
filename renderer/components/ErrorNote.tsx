// An error as the API words it (the message says how to fix it), with its code for support.
import { ApiError } from '../api/client.js';

/** The API's words; for an error about one input, the input and what is wrong (the message may speak CLI flags). */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError && e.status === 501) return `Not available in this version of the server (${e.code}).`;
  if (e instanceof ApiError) return e.field ? `${e.field.name}: ${e.field.detail}` : e.message;
  return e instanceof Error ? e.message : String(e);
}

export function ErrorNote({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div className="note note-error" role="alert">
      <span>{messageOf(error)}</span>
      {error instanceof ApiError ? <code className="muted"> {error.code}</code> : null}
      {onDismiss ? (
        <button type="button" className="link" onClick={onDismiss} aria-label="Dismiss error">
          ×
        </button>
      ) : null}
    </div>
  );
}
