// The install settings other than logging in: host names, locale, disk, packages, the post-install
// script. Each is a Field, so that a refused value is marked where it is typed.
import { useState } from 'react';
import { Field, fieldAria } from './Field.js';
import type { SettingsDraft } from './settings-draft.js';

type TextKey = 'hostnamePattern' | 'domain' | 'timezone' | 'locale' | 'keyboard' | 'targetDisk';
const TEXT_FIELDS: readonly { key: TextKey; label: string; hint?: string }[] = [
  { key: 'hostnamePattern', label: 'Host name pattern', hint: '{mac} = MAC without colons, {n} = a counter' },
  { key: 'domain', label: 'Domain' },
  { key: 'timezone', label: 'Time zone', hint: 'e.g. Europe/Berlin' },
  { key: 'locale', label: 'Locale', hint: 'e.g. en_US.UTF-8' },
  { key: 'keyboard', label: 'Keyboard', hint: 'e.g. us' },
  { key: 'targetDisk', label: 'Target disk', hint: 'empty = the first disk the installer finds' },
];

export interface InstallFieldsProps {
  id: string;
  draft: SettingsDraft;
  errorFor: (field: string) => string | null;
  set: <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => void;
}

export function InstallFields({ id, draft, errorFor, set }: InstallFieldsProps) {
  const f = (key: string) => `${id}-${key}`;
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Install settings</h2>
      <div className="grid-form">
        {TEXT_FIELDS.map((t) => (
          <Field key={t.key} id={f(t.key)} label={t.label} hint={t.hint} error={errorFor(t.key)}>
            <input
              id={f(t.key)}
              type="text"
              value={draft[t.key]}
              onChange={(e) => set(t.key, e.target.value)}
              spellCheck={false}
              {...fieldAria(f(t.key), t.hint !== undefined, errorFor(t.key))}
            />
          </Field>
        ))}
        <Field id={f('extraPackages')} label="Extra packages" hint="separated by spaces" error={errorFor('extraPackages')}>
          <PackagesInput
            id={f('extraPackages')}
            value={draft.extraPackages}
            onChange={(v) => set('extraPackages', v)}
            aria={fieldAria(f('extraPackages'), true, errorFor('extraPackages'))}
          />
        </Field>
        <Field id={f('postInstallScript')} label="Post-install script" error={errorFor('postInstallScript')}>
          <textarea
            id={f('postInstallScript')}
            rows={4}
            className="mono"
            value={draft.postInstallScript}
            onChange={(e) => set('postInstallScript', e.target.value)}
            spellCheck={false}
            {...fieldAria(f('postInstallScript'), false, errorFor('postInstallScript'))}
          />
        </Field>
      </div>
    </section>
  );
}

/** The package list as typed (spaces kept while typing), sent as a list. */
function PackagesInput({
  id,
  value,
  onChange,
  aria,
}: {
  id: string;
  value: string[];
  onChange: (v: string[]) => void;
  aria: ReturnType<typeof fieldAria>;
}) {
  const [text, setText] = useState(value.join(' '));
  const parsed = (t: string) => t.split(/[\s,]+/).filter(Boolean);
  // Follow a change from outside (saved, discarded) without losing what is being typed.
  const shown = parsed(text).join(' ') === value.join(' ') ? text : value.join(' ');
  return (
    <input
      id={id}
      type="text"
      value={shown}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parsed(e.target.value));
      }}
      spellCheck={false}
      {...aria}
    />
  );
}
