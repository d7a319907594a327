// The global UEFI boot chain (issue 17, `serve --chain`): iPXE, the signed chain for Secure Boot
// machines, or auto (iPXE, switching a machine whose firmware refuses it). Saved on its own: it
// changes what the server hands out at once, not what an install is rendered with.
import { useEffect, useId, useState } from 'react';
import type { ChainSetting as Setting } from '../../../electron/shared/contract.js';
import { useLive, useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { CHAIN_SETTING_WORDS } from '../hosts/chain-words.js';

const SETTINGS: readonly Setting[] = ['auto', 'ipxe', 'signed'];

export function ChainSetting() {
  const store = useStore();
  const current = useLive((s) => s.status?.chain);
  const id = useId();
  const [choice, setChoice] = useState<Setting | ''>(current ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setChoice((c) => c || (current ?? '')), [current]);

  const save = async () => {
    if (!choice) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await store.api.call('PUT /api/boot/chain', { body: { chain: choice } });
      await store.refresh();
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel grid-form" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Boot chain (UEFI)</h2>
      <p className="muted">
        Secure Boot firmware refuses Bootbench’s iPXE loader; the signed chain (the distribution’s shim and GRUB) boots there. Auto starts
        with iPXE and switches a machine whose firmware refused it. A machine’s own setting (in its panel) wins over this one.
      </p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor={`${id}-chain`}>Boot chain for every machine</label>
        <select
          id={`${id}-chain`}
          value={choice}
          onChange={(e) => {
            setSaved(false);
            setChoice(e.target.value as Setting);
          }}
        >
          {current === undefined ? (
            <option value="" disabled>
              not reported by this server
            </option>
          ) : null}
          {SETTINGS.map((s) => (
            <option key={s} value={s}>
              {CHAIN_SETTING_WORDS[s]}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy || !choice || choice === current}>
          {busy ? 'Saving…' : 'Save boot chain'}
        </button>
        <span role="status" className="muted">
          {saved ? 'Saved.' : ''}
        </span>
      </form>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </section>
  );
}
