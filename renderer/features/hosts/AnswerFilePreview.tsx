// The answer file a host would get, as the core renders it, with its validation problems.
import { useEffect, useState } from 'react';
import type { AnswerFilePreview as Preview } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';

export function AnswerFilePreview({ mac, distro }: { mac: string; distro: string }) {
  const store = useStore();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    setPreview(null);
    setError(null);
    store.api.call('GET /api/hosts/:mac/answer-file', { params: { mac }, query: { distro } }).then(
      (p) => live && setPreview(p),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [store, mac, distro]);
  return (
    <section className="answer-file" aria-label="Answer file preview">
      <ErrorNote error={error} />
      {preview ? (
        <>
          <p>
            <strong>{preview.template}</strong> <span className="muted">{preview.contentType}</span>{' '}
            {preview.validation.ok ? (
              <span className="status status-ok">valid</span>
            ) : (
              <span className="status status-missing">problems</span>
            )}
          </p>
          {preview.validation.problems.length > 0 ? (
            <ul className="problems">
              {preview.validation.problems.map((p, i) => (
                <li key={i}>
                  {p.line !== null ? `line ${p.line}: ` : ''}
                  {p.message}
                </li>
              ))}
            </ul>
          ) : null}
          <pre className="code" tabIndex={0} aria-label={`${preview.template} for ${mac}`}>
            {preview.text}
          </pre>
        </>
      ) : error ? null : (
        <p className="muted">Rendering…</p>
      )}
    </section>
  );
}
