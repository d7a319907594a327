// Import an inventory CSV (issue 13): a dialog that takes a file (picked or dropped on it), checks it
// with a dry run and shows what will be done — machines, reservations, installs to queue — or every
// problem by line with nothing applied. Installs erase disks: applying a file that queues any is
// confirmed first, in a step of its own that starts on Cancel.
import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import type { InventoryImportResult, ValidationProblem } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { checkCsvFile, problemsOf, problemWords, previewOf } from './inventory-words.js';
import { InventoryRows } from './InventoryRows.js';

type Step =
  | { kind: 'pick' }
  | { kind: 'checking'; file: string }
  | { kind: 'preview'; file: string; csv: string; result: InventoryImportResult }
  | { kind: 'confirm'; file: string; csv: string; result: InventoryImportResult }
  | { kind: 'applying'; file: string }
  | { kind: 'refused'; file: string; problems: ValidationProblem[] }
  | { kind: 'done'; file: string; result: InventoryImportResult };

export function InventoryImport() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Import inventory (CSV)…
      </button>
      {open ? <InventoryDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function InventoryDialog({ onClose }: { onClose: () => void }) {
  const store = useStore();
  const ids = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const [step, setStep] = useState<Step>({ kind: 'pick' });
  const [error, setError] = useState<unknown>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [over, setOver] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('input[type="file"]')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);
  // Each step's first thing to read or do gets the focus: the problems, the safe Cancel, Close.
  useEffect(() => {
    const target = {
      refused: '.inventory-problems',
      confirm: '.inventory-cancel',
      done: '.inventory-close',
      preview: '.inventory-summary',
    }[step.kind as string];
    if (target) ref.current?.querySelector<HTMLElement>(target)?.focus();
  }, [step.kind]);

  const check = async (file: File) => {
    setError(null);
    const bad = checkCsvFile(file);
    setFileError(bad);
    if (bad) return;
    setStep({ kind: 'checking', file: file.name });
    try {
      const csv = await file.text();
      const result = await store.api.call('POST /api/hosts/import', { body: { csv, dryRun: true } });
      setStep({ kind: 'preview', file: file.name, csv, result });
    } catch (e) {
      const problems = problemsOf(e);
      if (problems) setStep({ kind: 'refused', file: file.name, problems });
      else {
        setError(e);
        setStep({ kind: 'pick' });
      }
    }
  };
  const apply = async (file: string, csv: string) => {
    setStep({ kind: 'applying', file });
    setError(null);
    try {
      const result = await store.api.call('POST /api/hosts/import', { body: { csv } });
      setStep({ kind: 'done', file, result });
    } catch (e) {
      const problems = problemsOf(e);
      if (problems) setStep({ kind: 'refused', file, problems });
      else {
        setError(e);
        setStep({ kind: 'pick' });
      }
    }
  };
  // A file dropped here is an inventory: it must not reach the window's drop zone (ISO import).
  const onDrag = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    if (e.type === 'dragover' || e.type === 'dragenter') setOver(true);
    else setOver(false);
    if (e.type === 'drop') {
      const file = e.dataTransfer.files[0];
      if (file) void check(file);
    }
  };

  const title = `${ids}-title`;
  return (
    <dialog
      ref={ref}
      className="confirm-dialog inventory-dialog"
      aria-labelledby={title}
      onCancel={(e) => {
        e.preventDefault();
        if (step.kind === 'confirm') setStep({ kind: 'preview', file: step.file, csv: step.csv, result: step.result });
        else if (step.kind !== 'applying') onClose();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') e.stopPropagation();
      }}
      onDragEnter={onDrag}
      onDragOver={onDrag}
      onDragLeave={onDrag}
      onDrop={onDrag}
    >
      <h2 id={title}>{step.kind === 'confirm' ? 'Erase the disks and install?' : 'Import an inventory'}</h2>
      {step.kind === 'pick' || step.kind === 'checking' ? (
        <>
          <p>
            A CSV file with a header line: <code>mac,hostname,ip,distro</code> (hostname, ip and distro may be empty; power columns{' '}
            <code>power,bmc,bmc_user,bmc_password</code> too). It is checked first: nothing is applied until you confirm.
          </p>
          <div className={`inventory-drop ${over ? 'over' : ''}`}>
            <label htmlFor={`${ids}-file`}>CSV file</label>{' '}
            <input
              id={`${ids}-file`}
              type="file"
              accept=".csv,.txt,text/csv,text/plain"
              aria-describedby={fileError ? `${ids}-file-error` : undefined}
              aria-invalid={fileError ? true : undefined}
              disabled={step.kind === 'checking'}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void check(file);
                e.target.value = '';
              }}
            />
            <span className="muted"> or drop it here</span>
            {fileError ? (
              <p id={`${ids}-file-error`} className="field-error">
                {fileError}
              </p>
            ) : null}
          </div>
          <p role="status" className="muted">
            {step.kind === 'checking' ? `Checking ${step.file}…` : ''}
          </p>
        </>
      ) : null}
      {step.kind === 'preview' ? <Preview step={step} /> : null}
      {step.kind === 'confirm' ? (
        <>
          <p>
            <strong>{step.result.installsQueued}</strong> {step.result.installsQueued === 1 ? 'machine is' : 'machines are'} installed from{' '}
            <span className="mono">{step.file}</span>: everything on{' '}
            {step.result.installsQueued === 1 ? 'its target disk' : 'their target disks'} is lost, including any system installed there.
            Each install starts at the machine’s next network boot.
          </p>
          <ul className="batch-machines">
            {step.result.rows
              .filter((r) => r.distro)
              .map((r) => (
                <li key={r.line}>
                  <span className="mono">{r.mac}</span>
                  {r.hostname ? ` (${r.hostname})` : ''}: {r.distro}
                </li>
              ))}
          </ul>
        </>
      ) : null}
      {step.kind === 'applying' ? (
        <p role="status" className="muted">
          Importing {step.file}…
        </p>
      ) : null}
      {step.kind === 'refused' ? (
        <div className="inventory-problems" tabIndex={-1} role="alert" aria-labelledby={`${ids}-problems`}>
          <p id={`${ids}-problems`}>
            <strong>Nothing was imported.</strong> <span className="mono">{step.file}</span> has{' '}
            {step.problems.length === 1 ? 'a problem' : `${step.problems.length} problems`}:
          </p>
          <ul>
            {step.problems.map((p, i) => (
              <li key={i}>{problemWords(p)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {step.kind === 'done' ? (
        <p role="status">
          Imported from <span className="mono">{step.file}</span>: {previewOf(step.result).summary}.
        </p>
      ) : null}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <div className="buttons">
        {step.kind === 'preview' ? (
          <>
            <button type="button" onClick={() => setStep({ kind: 'pick' })}>
              Choose another file
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              className={step.result.installsQueued > 0 ? undefined : 'primary'}
              onClick={() => (step.result.installsQueued > 0 ? setStep({ ...step, kind: 'confirm' }) : void apply(step.file, step.csv))}
            >
              {step.result.installsQueued > 0 ? 'Import and install…' : 'Import'}
            </button>
          </>
        ) : step.kind === 'confirm' ? (
          <>
            <button type="button" className="inventory-cancel" onClick={() => setStep({ ...step, kind: 'preview' })}>
              Cancel
            </button>
            <button type="button" className="danger" onClick={() => void apply(step.file, step.csv)}>
              {step.result.installsQueued === 1 ? 'Erase 1 disk and import' : `Erase ${step.result.installsQueued} disks and import`}
            </button>
          </>
        ) : step.kind === 'refused' ? (
          <>
            <button type="button" onClick={() => setStep({ kind: 'pick' })}>
              Choose another file
            </button>
            <button type="button" onClick={onClose}>
              Close
            </button>
          </>
        ) : (
          <button type="button" className="inventory-close" onClick={onClose} disabled={step.kind === 'applying'}>
            {step.kind === 'done' ? 'Close' : 'Cancel'}
          </button>
        )}
      </div>
    </dialog>
  );
}

function Preview({ step }: { step: { file: string; result: InventoryImportResult } }) {
  const p = previewOf(step.result);
  return (
    <>
      <p className="inventory-summary" tabIndex={-1}>
        <span className="mono">{step.file}</span> is correct. It will import {p.summary}.
      </p>
      {p.wipes > 0 ? (
        <p className="note note-warn">
          {p.wipes === 1 ? 'One install erases a disk' : `${p.wipes} installs erase ${p.wipes} disks`}: you will be asked to confirm.
        </p>
      ) : null}
      <InventoryRows rows={step.result.rows} />
    </>
  );
}
