// A host's boot chain (issue 17): what its next UEFI boot gets (iPXE or the signed shim + GRUB
// chain), why `auto` switched it, and its own setting over the global one.
import { useId, useState } from 'react';
import type { ChainSetting, Host } from '../../../electron/shared/contract.js';
import { useLive, useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { CHAIN_SETTING_WORDS, CHAIN_WORDS, chainSourceWords, hostChainWords } from './chain-words.js';

const SETTINGS: readonly ChainSetting[] = ['auto', 'ipxe', 'signed'];

export function ChainControl({ host }: { host: Host }) {
  const store = useStore();
  const global = useLive((s) => s.status?.chain);
  const ids = useId();
  const current = host.chainOverride ?? '';
  const [choice, setChoice] = useState<string>(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const chain = hostChainWords(host);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await store.api.call('PUT /api/hosts/:mac/chain', {
        params: { mac: host.mac },
        body: { chain: choice === '' ? null : (choice as ChainSetting) },
      });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="chain-control">
      <dl className="facts">
        <dt>Boot chain</dt>
        <dd data-testid="host-chain">
          {host.firmware === 'bios'
            ? 'iPXE (BIOS machines always boot iPXE)'
            : (chain ?? (host.chain ? `${CHAIN_WORDS[host.chain]} (when it boots UEFI)` : 'not known yet'))}
          <div className="muted">{chainSourceWords(host, global)}</div>
          {host.chainReason ? <div className="chain-reason">{host.chainReason}</div> : null}
        </dd>
      </dl>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor={`${ids}-chain`}>Boot chain for this machine</label>
        <select id={`${ids}-chain`} value={choice} onChange={(e) => setChoice(e.target.value)}>
          <option value="">Default (global{global ? `: ${CHAIN_SETTING_WORDS[global]}` : ''})</option>
          {SETTINGS.map((s) => (
            <option key={s} value={s}>
              {CHAIN_SETTING_WORDS[s]}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy || choice === current}>
          {busy ? 'Setting…' : 'Set chain'}
        </button>
      </form>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </div>
  );
}
