// "Open ISO…" (native dialog in the desktop app, a file picker in a browser), a server-side path
// field, and the imports in progress.
import { useId, useRef, useState, type FormEvent } from 'react';
import { desktopBridge } from '../../app/desktop.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import type { Imports } from './imports.js';

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
          {j.phase === 'uploading' ? (
            <>
              <progress max={1} value={j.progress ?? undefined} aria-label={`Uploading ${j.name}`} />
              <span className="muted">{j.progress !== null ? `${Math.round(j.progress * 100)} %` : ''}</span>
            </>
          ) : null}
          {j.phase === 'importing' ? <span className="muted">Reading the ISO…</span> : null}
          {j.phase === 'done' && j.distro ? (
            <span>
              Detected{' '}
              <strong>
                {j.distro.name} {j.distro.version}
              </strong>{' '}
              ({j.distro.arch})
            </span>
          ) : null}
          {j.phase === 'failed' ? <ErrorNote error={j.error} /> : null}
          {j.phase === 'done' || j.phase === 'failed' ? (
            <button type="button" className="link" aria-label={`Dismiss ${j.name}`} onClick={() => imports.dismiss(j.id)}>
              ×
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
