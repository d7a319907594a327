// What new machines do (issue 13, `serve --new-hosts`) and how long the boot menu waits: saved on
// its own like the boot chain, since it changes what the server hands out at once. Installing on
// first sight erases the disk of every machine that network-boots for the first time, so turning it
// on (or changing its installer) is confirmed in the same words as an Install.
import { useEffect, useId, useState } from 'react';
import type { NewHostAction } from '../../../electron/shared/contract.js';
import { useLive, useStore } from '../../app/context.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { isInstaller } from '../boot/boot-words.js';
import {
  checkPolicyDraft,
  isPolicyDirty,
  needsWipeConfirm,
  policyDraftOf,
  policyFieldErrorOf,
  policyUpdateOf,
  type PolicyDraft,
  type PolicyField,
  type PolicyFieldError,
} from '../boot/policy-draft.js';
import { Field, fieldAria } from './Field.js';

const ACTIONS: readonly { value: NewHostAction; label: string; hint: string }[] = [
  { value: 'wait', label: 'Wait', hint: 'It waits until someone clicks Install in the app (the boot menu opens for the timeout first).' },
  { value: 'menu', label: 'Show the boot menu', hint: 'The menu stays on its screen until someone picks an entry at the machine.' },
  {
    value: 'install',
    label: 'Install a distro',
    hint: 'It installs the chosen distro with the current settings as soon as it is first seen.',
  },
  { value: 'local', label: 'Boot the local disk', hint: 'Bootbench leaves it alone: it boots its own disk.' },
];

export function NewHostsSetting() {
  const store = useStore();
  const status = useLive((s) => s.status);
  const distros = useLive((s) => s.distros);
  const id = useId();
  const [draft, setDraft] = useState<PolicyDraft | null>(null);
  const [fieldError, setFieldError] = useState<PolicyFieldError | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const f = (key: PolicyField) => `${id}-${key}`;
  useEffect(() => {
    if (status && !draft) setDraft(policyDraftOf(status));
  }, [status, draft]);
  useEffect(() => {
    if (fieldError) document.getElementById(`${id}-${fieldError.field}`)?.focus();
  }, [fieldError, id]);

  if (!status || !draft) return null;
  const installers = [...distros.values()].filter((d) => isInstaller(d) && d.status === 'ok');
  const chosen = distros.get(draft.distro);
  const set = <K extends keyof PolicyDraft>(key: K, value: PolicyDraft[K]) => {
    setSaved(false);
    setFieldError((fe) => (fe?.field === key ? null : fe));
    setDraft((d) => (d ? { ...d, [key]: value } : d));
  };

  const send = async () => {
    setConfirming(false);
    setBusy(true);
    setError(null);
    try {
      await store.api.call('PUT /api/boot/policy', { body: policyUpdateOf(draft) });
      await store.refresh();
      setSaved(true);
    } catch (e) {
      const fe = policyFieldErrorOf(e);
      if (fe) setFieldError(fe);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  const save = () => {
    setError(null);
    setSaved(false);
    const local = checkPolicyDraft(draft, distros);
    setFieldError(local);
    if (local) return;
    if (needsWipeConfirm(status, draft)) setConfirming(true);
    else void send();
  };
  const errorFor = (key: PolicyField) => (fieldError?.field === key ? fieldError.text : null);
  const dirty = isPolicyDirty(status, draft);

  return (
    <section className="panel grid-form new-hosts" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>New machines and the boot menu</h2>
      <form
        className="grid-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <fieldset className="choice-group" aria-describedby={`${id}-action-hint`}>
          <legend>When a machine network-boots for the first time</legend>
          {ACTIONS.map((a) => (
            <label key={a.value} className="check-line">
              <input
                type="radio"
                name={`${id}-action`}
                id={a.value === draft.action ? f('action') : undefined}
                value={a.value}
                checked={draft.action === a.value}
                onChange={() => set('action', a.value)}
              />{' '}
              {a.label}
            </label>
          ))}
          <span id={`${id}-action-hint`} className="muted hint">
            {ACTIONS.find((a) => a.value === draft.action)?.hint}
          </span>
        </fieldset>
        {draft.action === 'install' ? (
          <Field id={f('distro')} label="Distro to install" hint="Erases the disk of every new machine." error={errorFor('distro')}>
            <select
              id={f('distro')}
              value={draft.distro}
              onChange={(e) => set('distro', e.target.value)}
              {...fieldAria(f('distro'), true, errorFor('distro'))}
            >
              <option value="">{installers.length === 0 ? 'Import an installer ISO first' : 'Choose…'}</option>
              {installers.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} {d.version} ({d.arch})
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <Field
          id={f('timeout')}
          label="Menu timeout (seconds)"
          hint="How long the boot menu waits on the machine’s screen before its default; 0 opens it only when a key is pressed."
          error={errorFor('timeout')}
        >
          <input
            id={f('timeout')}
            type="text"
            inputMode="numeric"
            value={draft.timeout}
            onChange={(e) => set('timeout', e.target.value)}
            {...fieldAria(f('timeout'), true, errorFor('timeout'))}
          />
        </Field>
        <ErrorNote error={error} onDismiss={() => setError(null)} />
        <div className="buttons">
          <button type="submit" disabled={busy || !dirty}>
            {busy ? 'Saving…' : 'Save new-machine policy'}
          </button>
          {dirty ? (
            <button
              type="button"
              onClick={() => {
                setDraft(policyDraftOf(status));
                setFieldError(null);
              }}
            >
              Discard
            </button>
          ) : null}
          <span role="status" className="muted">
            {saved ? 'Saved.' : ''}
          </span>
        </div>
      </form>
      {confirming ? (
        <ConfirmDialog
          title="Erase the disk of every new machine?"
          confirmLabel="Erase and install on new machines"
          onConfirm={() => void send()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Installs: <strong>{chosen ? `${chosen.name} ${chosen.version} (${chosen.arch})` : draft.distro}</strong>
          </p>
          <p>
            Every machine that network-boots on this interface for the first time is installed at once, without a click: everything on its
            target disk is lost. Machines already in the list are not touched.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
