// "Open ISO…" (native dialog in the desktop app, a file picker in a browser), a server-side path
// field, and the imports in progress.
import { useId, useRef, useState, type FormEvent } from 'react';
import { desktopBridge } from '../../app/desktop.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { NotAnIsoError, type ImportJob, type Imports } from './imports.js';
import { formatRate, formatTimeLeft } from './upload-rate.js';

export function OpenIsoButton({ imports }: { imports: Imports }) {
  const input = useRef<HTMLInputElement>(null);
  const bridge = desktopBridge();
  const open = async () => {
    if (bridge) {
      const path = await bridge.openIsoDialog();
      if (path) void imports.importPath(path);
    } else input.current?.click();
  };
  return (
    <>
      <button type="button" onClick={() => void open()}>
        Open ISO…
      </button>
      <input
        ref={input}
        type="file"
        accept=".iso,application/x-iso9660-image"
        className="visually-hidden"
        aria-label="ISO file to upload"
        data-testid="iso-file-input"
        tabIndex={-1}
        onChange={(e) => {
          for (const f of Array.from(e.target.files ?? [])) void imports.importFile(f);
          e.target.value = '';
        }}
      />
    </>
  );
}

export function ServerPathImport({ imports }: { imports: Imports }) {
  const [path, setPath] = useState('');
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (path.trim()) void imports.importPath(path.trim());
    setPath('');
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor={id}>ISO path on the server</label>
      <input
        id={id}
        type="text"
        value={path}
        onChange={(e) => setPath(e.target.value)}
        placeholder="/srv/isos/rocky-9.4-x86_64-dvd.iso"
        spellCheck={false}
      />
      <button type="submit" disabled={!path.trim()}>
        Import
      </button>
    </form>
  );
}

export function ImportJobs({ imports }: { imports: Imports }) {
  if (imports.jobs.length === 0) return null;
  return (
    <ul className="imports" aria-label="Imports" aria-live="polite">
      {imports.jobs.map((j) => (
        <li key={j.id} className={`import import-${j.phase}`} data-phase={j.phase}>
          <span className="import-name">{j.name}</span>
          <JobState job={j} imports={imports} />
          {j.phase === 'done' || j.phase === 'failed' || j.phase === 'cancelled' ? (
            <button type="button" className="link" aria-label={`Dismiss ${j.name}`} onClick={() => imports.dismiss(j.id)}>
              ×
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function JobState({ job: j, imports }: { job: ImportJob; imports: Imports }) {
  switch (j.phase) {
    case 'checking':
      return <span className="muted">Checking the file…</span>;
    case 'uploading':
      return (
        <>
          <progress max={1} value={j.progress ?? undefined} aria-label={`Uploading ${j.name}`} />
          <span className="muted">
            {[
              j.progress !== null ? `${Math.round(j.progress * 100)} %` : '',
              j.bytesPerSecond !== null ? formatRate(j.bytesPerSecond) : '',
              j.secondsLeft !== null ? formatTimeLeft(j.secondsLeft) : '',
            ]
              .filter(Boolean)
              .join(' · ')}
          </span>
          <button type="button" className="small" aria-label={`Cancel upload of ${j.name}`} onClick={() => imports.cancel(j.id)}>
            Cancel
          </button>
        </>
      );
    case 'importing':
      return <span className="muted">Reading the ISO…</span>;
    case 'cancelled':
      return <span>Upload cancelled: nothing was kept.</span>;
    case 'done':
      return j.distro ? (
        j.duplicate ? (
          <span className="note note-warn">
            Already in the library as{' '}
            <strong>
              {j.distro.name} {j.distro.version}
            </strong>{' '}
            ({j.distro.arch}): not added again.
          </span>
        ) : (
          <span>
            Detected{' '}
            <strong>
              {j.distro.name} {j.distro.version}
            </strong>{' '}
            ({j.distro.arch})
          </span>
        )
      ) : null;
    case 'failed':
      return j.error instanceof NotAnIsoError ? (
        <span className="note note-error" role="alert">
          <span>This is not an ISO image.</span>{' '}
          <details>
            <summary>Details</summary>
            {j.error.detail}
          </details>
        </span>
      ) : (
        <ErrorNote error={j.error} />
      );
  }
}
