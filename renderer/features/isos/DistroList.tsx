// The installers (imported ISOs): one row each, with its file, and the actions a technician needs
// to keep the library tidy: Remove, Locate… for a moved ISO, the kernel and initrd to boot and their
// arguments; and how each boots (installer, live, whole ISO: issue 13), with why and a memory warning.
import { Fragment, useState } from 'react';
import type { Distro } from '../../../electron/shared/contract.js';
import { useLive } from '../../app/context.js';
import { TablePanel } from '../../components/TablePanel.js';
import { formatBytes } from '../../components/format.js';
import { distroBootWords } from '../boot/boot-words.js';
import { BootFilesForm } from './BootFilesForm.js';
import { DistroKernelArgs } from './DistroKernelArgs.js';
import { LocateForm } from './LocateForm.js';
import { RemoveDialog } from './RemoveDialog.js';
import { secureBootWords } from '../hosts/chain-words.js';
import { distroLabel, fileNameOf } from './distro-words.js';

const STATUS_WORD: Readonly<Record<Distro['status'], string>> = { ok: 'OK', missing: 'Missing', changed: 'Changed: re-import' };
const COLUMNS = ['Name', 'Version', 'Arch', 'File', 'Size', 'Status', 'Boots as', 'Secure Boot', 'Actions'] as const;

type Form = 'locate' | 'boot' | 'args';
type Open = { id: string; form: Form } | null;

export function DistroList() {
  const distros = useLive((s) => s.distros);
  const [open, setOpen] = useState<Open>(null);
  const [removing, setRemoving] = useState<Distro | null>(null);
  const list = [...distros.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const toggle = (id: string, form: Form) => setOpen((o) => (o?.id === id && o.form === form ? null : { id, form }));
  return (
    <>
      <TablePanel
        titleId="distros-title"
        title="Installers"
        columns={COLUMNS}
        empty="No ISO yet: drop one anywhere on this window, or use “Open ISO…”."
        rows={list.map((d) => (
          <Fragment key={d.id}>
            <tr data-distro={d.id}>
              <td>
                {d.name}
                {d.variant ? <span className="muted"> {d.variant}</span> : null}
              </td>
              <td>{d.version}</td>
              <td>{d.arch}</td>
              <td className="mono" title={d.iso}>
                {fileNameOf(d.iso)}
              </td>
              <td>{formatBytes(d.isoSize)}</td>
              <td>
                <span className={`status status-${d.status}`}>{STATUS_WORD[d.status]}</span>
              </td>
              <td data-testid="boots-as">
                <BootCell distro={d} />
              </td>
              <td data-testid="secure-boot">
                <SecureBootCell distro={d} />
              </td>
              <td>
                <span className="buttons">
                  {d.status === 'missing' ? (
                    <button type="button" className="small" aria-label={`Locate ${distroLabel(d)}…`} onClick={() => toggle(d.id, 'locate')}>
                      Locate…
                    </button>
                  ) : null}
                  <button
                    type="button"
                    className="small"
                    aria-label={`Boot files: kernel and initrd of ${d.name}`}
                    aria-expanded={open?.id === d.id && open.form === 'boot'}
                    onClick={() => toggle(d.id, 'boot')}
                  >
                    Boot files
                  </button>
                  <button
                    type="button"
                    className="small"
                    aria-label={`Edit kernel arguments of ${distroLabel(d)}`}
                    aria-expanded={open?.id === d.id && open.form === 'args'}
                    onClick={() => toggle(d.id, 'args')}
                  >
                    Kernel args
                  </button>
                  <button type="button" className="small" aria-label={`Remove ${distroLabel(d)}`} onClick={() => setRemoving(d)}>
                    Remove
                  </button>
                </span>
              </td>
            </tr>
            {open?.id === d.id ? (
              <tr className="distro-form">
                <td colSpan={COLUMNS.length}>
                  {open.form === 'locate' ? (
                    <LocateForm distro={d} onDone={() => setOpen(null)} />
                  ) : open.form === 'args' ? (
                    <DistroKernelArgs distro={d} onClose={() => setOpen(null)} />
                  ) : (
                    <BootFilesForm distro={d} onClose={() => setOpen(null)} />
                  )}
                </td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      />
      {removing ? <RemoveDialog distro={removing} onClose={() => setRemoving(null)} /> : null}
    </>
  );
}

/** Yes or No, and in words how or why not, as text (a tooltip alone is out of reach of keyboards and touch). */
function SecureBootCell({ distro }: { distro: Distro }) {
  const sb = secureBootWords(distro);
  // Records from an older server may lack the verdict until it is restarted.
  if (!sb) return <span className="muted">Unknown</span>;
  return (
    <span data-secure-boot={String(sb.yes)}>
      <span className={`status ${sb.yes ? 'status-ok' : 'status-changed'}`}>{sb.yes ? 'Yes' : 'No'}</span>
      {sb.why ? <span className="muted secure-boot-why">{sb.why}</span> : null}
    </span>
  );
}

/** Installer, Live or Whole ISO, with the reason and a memory warning as text (not a tooltip). */
function BootCell({ distro }: { distro: Distro }) {
  const b = distroBootWords(distro);
  return (
    <span data-boot={distro.boot ?? 'installer'}>
      <span className="boot-kind">{b.kind}</span>
      {b.why ? <span className="muted boot-why">{b.why}</span> : null}
      {b.warning ? <span className="boot-warning warn-text">{b.warning}</span> : null}
    </span>
  );
}
