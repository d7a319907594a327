// Install settings: the variables every answer file is rendered with. Logging in to installed
// machines comes first (finding 1). Passwords are sent once as plain text over the loopback API
// and hashed by the core at once; the form never shows them back. A refused value is marked at its
// field and focused; unsaved changes show in a sticky Save bar and are guarded (finding 6).
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { InstallSettingsView } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { InstallFields } from './InstallFields.js';
import { LeaveGuard } from './LeaveGuard.js';
import { LoginSection } from './LoginSection.js';
import { SaveBar } from './SaveBar.js';
import {
  draftOf,
  fieldErrorOf,
  isDirty,
  NO_PASSWORDS,
  updateOf,
  type FieldError,
  type SettingsDraft,
  type TypedPasswords,
} from './settings-draft.js';
import { ChainSetting } from './ChainSetting.js';
import { NewHostsSetting } from './NewHostsSetting.js';
import { Templates } from './Templates.js';

export function Settings() {
  const store = useStore();
  const [view, setView] = useState<InstallSettingsView | null>(null);
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [passwords, setPasswords] = useState<TypedPasswords>(NO_PASSWORDS);
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<FieldError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const load = useCallback(
    (keepDraft: boolean) =>
      store.api.call('GET /api/settings').then((v) => {
        setView(v);
        if (!keepDraft) setDraft(draftOf(v));
      }, setError),
    [store],
  );
  useEffect(() => void load(false), [load]);

  // A refused value: move the focus to its field (the message is right under it).
  useEffect(() => {
    if (!fieldError) return;
    const el = document.getElementById(`${id}-${fieldError.field}`);
    el?.focus();
    el?.scrollIntoView({ block: 'center' });
  }, [fieldError, id]);

  const save = async (): Promise<boolean> => {
    if (!draft) return false;
    setError(null);
    setFieldError(null);
    setSaved(false);
    setBusy(true);
    try {
      const next = await store.api.call('PUT /api/settings', { body: updateOf(draft, passwords) });
      setView(next);
      setDraft(draftOf(next));
      setPasswords(NO_PASSWORDS);
      setSaved(true);
      return true;
    } catch (err) {
      const field = fieldErrorOf(err);
      if (field && document.getElementById(`${id}-${field.field}`)) setFieldError(field);
      else setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const discard = () => {
    if (view) setDraft(draftOf(view));
    setPasswords(NO_PASSWORDS);
    setFieldError(null);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };

  const edited = (key: string) => {
    setSaved(false);
    setFieldError((fe) => (fe?.field === key ? null : fe));
  };
  const set = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => {
    edited(key);
    setDraft((d) => (d ? { ...d, [key]: value } : d));
  };
  const setPassword = (key: keyof TypedPasswords, value: string) => {
    edited(key);
    setPasswords((p) => ({ ...p, [key]: value }));
  };
  const errorFor = (field: string) => (fieldError?.field === field ? fieldError.text : null);
  const dirty = view !== null && draft !== null && isDirty(view, draft, passwords);

  return (
    <main className="settings">
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {!view || !draft ? (
        <p className="muted">Loading…</p>
      ) : (
        <form className="settings-form" onSubmit={onSubmit} noValidate>
          <LoginSection
            id={id}
            view={view}
            draft={draft}
            passwords={passwords}
            errorFor={errorFor}
            set={set}
            setPassword={setPassword}
            onRevealed={() => void load(true)}
          />
          <InstallFields id={id} draft={draft} errorFor={errorFor} set={set} />
          <SaveBar dirty={dirty} saved={saved} busy={busy} onDiscard={discard} />
        </form>
      )}
      <LeaveGuard dirty={dirty} onSave={save} onDiscard={discard} />
      <NewHostsSetting />
      <ChainSetting />
      <Templates />
    </main>
  );
}
