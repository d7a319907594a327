// A host's power settings: the method (none, Wake-on-LAN, IPMI, Redfish) and its fields. Secrets
// are write-only: a stored one is never in this form (the API only says whether one is set), its
// input stays empty with "set — leave empty to keep", and what is typed replaces it. A value the
// form or the server refuses is marked at its input, which gets the focus (as in Settings).
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { PowerSettingsView } from '../../../electron/shared/power.js';
import { useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Field, fieldAria } from '../settings/Field.js';
import {
  checkDraft,
  draftOf,
  isDirty,
  NO_SECRETS,
  powerFieldErrorOf,
  secretPlaceholder,
  secretSet,
  updateOf,
  type MethodChoice,
  type PowerDraft,
  type PowerField,
  type PowerFieldError,
  type PowerSecrets,
} from './power-draft.js';

const METHOD_OPTIONS: readonly { value: MethodChoice; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'wol', label: 'Wake-on-LAN' },
  { value: 'ipmi', label: 'IPMI' },
  { value: 'redfish', label: 'Redfish' },
];

export function BmcForm({ view, onSaved }: { view: PowerSettingsView; onSaved: (v: PowerSettingsView) => void }) {
  const store = useStore();
  const id = useId();
  const [draft, setDraft] = useState<PowerDraft>(() => draftOf(view));
  const [secrets, setSecrets] = useState<PowerSecrets>(NO_SECRETS);
  const [fieldError, setFieldError] = useState<PowerFieldError | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const f = (key: PowerField) => `${id}-${key}`;

  useEffect(() => {
    if (!fieldError) return;
    document.getElementById(`${id}-${fieldError.field}`)?.focus();
  }, [fieldError, id]);

  const edited = (key: PowerField) => {
    setSaved(false);
    // Allowing plain HTTP answers the URL's refusal too.
    setFieldError((fe) => (fe?.field === key || (key === 'allowHttp' && fe?.field === 'redfishUrl') ? null : fe));
  };
  const set = <K extends keyof PowerDraft>(key: K, value: PowerDraft[K]) => {
    edited(key);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const setSecret = (key: keyof PowerSecrets, value: string) => {
    edited(key);
    setSecrets((s) => ({ ...s, [key]: value }));
  };
  const errorFor = (key: PowerField) => (fieldError?.field === key ? fieldError.text : null);

  const save = async () => {
    setError(null);
    setSaved(false);
    const local = checkDraft(draft, secrets);
    setFieldError(local);
    if (local) return;
    setBusy(true);
    try {
      const next = await store.api.call('PUT /api/hosts/:mac/power', { params: { mac: view.mac }, body: updateOf(draft, secrets) });
      setDraft(draftOf(next));
      setSecrets(NO_SECRETS);
      setSaved(true);
      onSaved(next);
    } catch (e) {
      const field = powerFieldErrorOf(e, draft.method);
      if (field && document.getElementById(f(field.field))) setFieldError(field);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const text = (key: keyof PowerDraft & string, label: string, hint?: ReactNode, inputMode?: 'numeric') => (
    <Field id={f(key)} label={label} hint={hint} error={errorFor(key)}>
      <input
        id={f(key)}
        type="text"
        inputMode={inputMode}
        value={String(draft[key])}
        onChange={(e) => set(key, e.target.value as never)}
        spellCheck={false}
        autoComplete="off"
        {...fieldAria(f(key), hint !== undefined, errorFor(key))}
      />
    </Field>
  );
  const secret = (key: keyof PowerSecrets, label: string) => {
    const isSet = secretSet(view, draft.method);
    return (
      <Field
        id={f(key)}
        label={label}
        hint={isSet ? 'A secret is stored (never shown). Type a new one to replace it.' : 'None stored.'}
        error={errorFor(key)}
      >
        <input
          id={f(key)}
          type="password"
          autoComplete="new-password"
          value={secrets[key]}
          onChange={(e) => setSecret(key, e.target.value)}
          placeholder={secretPlaceholder(isSet)}
          {...fieldAria(f(key), true, errorFor(key))}
        />
      </Field>
    );
  };

  const dirty = isDirty(view, draft, secrets);
  return (
    <form
      className="bmc-form grid-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Field id={f('method')} label="Method">
        <select id={f('method')} value={draft.method} onChange={(e) => set('method', e.target.value as MethodChoice)}>
          {METHOD_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
      {draft.method === 'wol' ? (
        <>
          {text('wolMac', 'MAC to wake', 'Usually the machine’s own MAC.')}
          {secret('secureOn', 'SecureOn password')}
        </>
      ) : null}
      {draft.method === 'ipmi' ? (
        <>
          {text('ipmiAddress', 'BMC address', 'IP address or host name of the BMC (IPMI over LAN).')}
          {text('ipmiPort', 'Port', undefined, 'numeric')}
          {text('ipmiUser', 'User')}
          {secret('ipmiPassword', 'Password')}
          {text('cipherSuite', 'Cipher suite', '3: HMAC-SHA1 and AES-128 (the usual one); 17: HMAC-SHA256.', 'numeric')}
        </>
      ) : null}
      {draft.method === 'redfish' ? (
        <>
          {text('redfishUrl', 'Redfish URL', 'https://BMC (the service root /redfish/v1 is found from it).')}
          {text('redfishUser', 'User')}
          {secret('redfishPassword', 'Password')}
          <div className={`field-row ${errorFor('allowHttp') ? 'field-row-invalid' : ''}`}>
            <span />
            <label className="check-line">
              <input
                id={f('allowHttp')}
                type="checkbox"
                checked={draft.allowHttp}
                onChange={(e) => set('allowHttp', e.target.checked)}
                {...fieldAria(f('allowHttp'), false, errorFor('allowHttp'))}
              />{' '}
              Allow plain HTTP
            </label>
            {errorFor('allowHttp') ? (
              <span id={`${f('allowHttp')}-error`} className="field-error">
                {errorFor('allowHttp')}
              </span>
            ) : null}
          </div>
          {draft.allowHttp ? (
            <p className="note note-warn" role="note">
              Over plain HTTP the BMC user and password cross the network unencrypted, and nothing proves the answer comes from the BMC. Use
              it only on a network nobody else can reach.
            </p>
          ) : null}
        </>
      ) : null}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <div className="buttons">
        <button type="submit" disabled={busy || !dirty}>
          {busy ? 'Saving…' : 'Save power settings'}
        </button>
        {dirty ? (
          <button
            type="button"
            onClick={() => {
              setDraft(draftOf(view));
              setSecrets(NO_SECRETS);
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
  );
}
