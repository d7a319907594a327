// Install settings: the variables every answer file is rendered with. Passwords are sent once as
// plain text over the loopback API and hashed by the core at once; the form never shows them back.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { InstallSettingsUpdate, InstallSettingsView } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Templates } from './Templates.js';

type TextKey = 'hostnamePattern' | 'domain' | 'timezone' | 'locale' | 'keyboard' | 'targetDisk' | 'adminUser';
const TEXT_FIELDS: readonly { key: TextKey; label: string; hint?: string }[] = [
  { key: 'hostnamePattern', label: 'Host name pattern', hint: '{mac} = MAC without colons, {n} = a counter' },
  { key: 'domain', label: 'Domain' },
  { key: 'timezone', label: 'Time zone', hint: 'e.g. Europe/Berlin' },
  { key: 'locale', label: 'Locale', hint: 'e.g. en_US.UTF-8' },
  { key: 'keyboard', label: 'Keyboard', hint: 'e.g. us' },
  { key: 'targetDisk', label: 'Target disk', hint: 'empty = the first disk the installer finds' },
  { key: 'adminUser', label: 'Admin user' },
];

export function Settings() {
  const store = useStore();
  const [view, setView] = useState<InstallSettingsView | null>(null);
  const [draft, setDraft] = useState<InstallSettingsView | null>(null);
  const [rootPassword, setRootPassword] = useState('');
  const [adminPassword, setAdminPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const id = useId();

  useEffect(() => {
    store.api.call('GET /api/settings').then((v) => {
      setView(v);
      setDraft(v);
    }, setError);
  }, [store]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    setError(null);
    setSaved(false);
    const { rootPasswordSet: _r, adminPasswordSet: _a, ...fields } = draft;
    const update: InstallSettingsUpdate = { ...fields };
    if (rootPassword) update.rootPassword = rootPassword;
    if (adminPassword) update.adminPassword = adminPassword;
    try {
      const next = await store.api.call('PUT /api/settings', { body: update });
      setView(next);
      setDraft(next);
      setRootPassword('');
      setAdminPassword('');
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };

  const set = <K extends keyof InstallSettingsView>(key: K, value: InstallSettingsView[K]) =>
    setDraft((d) => (d ? { ...d, [key]: value } : d));

  return (
    <main className="settings">
      <section className="panel" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Install settings</h2>
        <ErrorNote error={error} onDismiss={() => setError(null)} />
        {!draft ? (
          <p className="muted">Loading…</p>
        ) : (
          <form className="grid-form" onSubmit={save}>
            {TEXT_FIELDS.map((f) => (
              <div key={f.key} className="field-row">
                <label htmlFor={`${id}-${f.key}`}>{f.label}</label>
                <input
                  id={`${id}-${f.key}`}
                  type="text"
                  value={draft[f.key]}
                  onChange={(e) => set(f.key, e.target.value)}
                  spellCheck={false}
                  aria-describedby={f.hint ? `${id}-${f.key}-hint` : undefined}
                />
                {f.hint ? (
                  <span id={`${id}-${f.key}-hint`} className="muted hint">
                    {f.hint}
                  </span>
                ) : null}
              </div>
            ))}
            <PasswordField
              id={`${id}-rootpw`}
              label="Root password"
              isSet={view?.rootPasswordSet ?? false}
              value={rootPassword}
              onChange={setRootPassword}
            />
            <PasswordField
              id={`${id}-adminpw`}
              label="Admin password"
              isSet={view?.adminPasswordSet ?? false}
              value={adminPassword}
              onChange={setAdminPassword}
            />
            <div className="field-row">
              <label htmlFor={`${id}-ssh`}>SSH authorized key</label>
              <textarea
                id={`${id}-ssh`}
                rows={2}
                value={draft.sshAuthorizedKey}
                onChange={(e) => set('sshAuthorizedKey', e.target.value)}
                spellCheck={false}
                placeholder="ssh-ed25519 AAAA… user@laptop"
              />
            </div>
            <div className="field-row">
              <label htmlFor={`${id}-pkgs`}>Extra packages</label>
              <input
                id={`${id}-pkgs`}
                type="text"
                value={draft.extraPackages.join(' ')}
                onChange={(e) => set('extraPackages', e.target.value.split(/[\s,]+/).filter(Boolean))}
                spellCheck={false}
                aria-describedby={`${id}-pkgs-hint`}
              />
              <span id={`${id}-pkgs-hint`} className="muted hint">
                separated by spaces
              </span>
            </div>
            <div className="field-row">
              <label htmlFor={`${id}-post`}>Post-install script</label>
              <textarea
                id={`${id}-post`}
                rows={4}
                className="mono"
                value={draft.postInstallScript}
                onChange={(e) => set('postInstallScript', e.target.value)}
                spellCheck={false}
              />
            </div>
            <div className="buttons">
              <button type="submit" className="primary">
                Save settings
              </button>
              {saved ? (
                <span role="status" className="muted">
                  Saved.
                </span>
              ) : null}
            </div>
          </form>
        )}
      </section>
      <Templates />
    </main>
  );
}

function PasswordField({
  id,
  label,
  isSet,
  value,
  onChange,
}: {
  id: string;
  label: string;
  isSet: boolean;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <div className="field-row">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete="new-password"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={isSet ? 'set — type to replace' : 'not set'}
        aria-describedby={`${id}-hint`}
      />
      <span id={`${id}-hint`} className="muted hint">
        {isSet ? 'A password is set (stored only as a SHA-512 hash).' : 'No password: key-only login.'}
      </span>
    </div>
  );
}
