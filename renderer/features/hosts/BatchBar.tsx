// Actions on the selected machines (issue 13): Install (confirmed: it erases their disks), Cancel
// their installs, set their wait policy. The server goes on past a machine it cannot act on, so
// each machine's outcome is shown: how many succeeded, and each failure in the server's words.
import { useId, useState } from 'react';
import type { BatchRequest, WaitPolicy } from '../../../electron/shared/contract.js';
import { useLive, useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { isInstaller, newHostPolicyWords, WAIT_POLICY_WORDS } from '../boot/boot-words.js';
import { BatchInstallConfirm } from './BatchInstallConfirm.js';
import { batchOutcome, type BatchOutcome } from './selection.js';

const POLICIES: readonly WaitPolicy[] = ['wait', 'menu', 'local'];

export function BatchBar({ macs, onClear }: { macs: readonly string[]; onClear: () => void }) {
  const store = useStore();
  const hosts = useLive((s) => s.hosts);
  const distros = useLive((s) => s.distros);
  const global = useLive((s) => s.status?.newHosts);
  const ids = useId();
  const installers = [...distros.values()].filter((d) => d.status === 'ok' && isInstaller(d));
  const [distro, setDistro] = useState('');
  const [policy, setPolicy] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<BatchOutcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const chosen = distros.get(distro || installers[0]?.id || '');

  if (macs.length === 0 && !outcome && !error) return null;

  const run = async (request: Omit<BatchRequest, 'macs'>) => {
    setConfirming(false);
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      const result = await store.api.call('POST /api/hosts/batch', { body: { macs: [...macs], ...request } });
      setOutcome(batchOutcome(request.action, result, hosts));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const none = macs.length === 0;

  return (
    <section className="batch-bar" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`} className="batch-title">
        {none ? 'No machine selected' : `${macs.length} ${macs.length === 1 ? 'machine' : 'machines'} selected`}
      </h3>
      <div className="batch-actions">
        <form
          className="batch-form"
          onSubmit={(e) => {
            e.preventDefault();
            // It erases disks: confirmed first, naming every machine and the disk.
            if (chosen) setConfirming(true);
          }}
        >
          <label htmlFor={`${ids}-distro`}>Distro for the selected</label>
          <select id={`${ids}-distro`} value={chosen?.id ?? ''} onChange={(e) => setDistro(e.target.value)}>
            {installers.length === 0 ? <option value="">Import an installer ISO first</option> : null}
            {installers.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} {d.version} ({d.arch})
              </option>
            ))}
          </select>
          <button type="submit" disabled={busy || none || !chosen}>
            Install…
          </button>
        </form>
        <button type="button" disabled={busy || none} onClick={() => void run({ action: 'cancel' })}>
          Cancel installs
        </button>
        <form
          className="batch-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run({ action: 'wait-policy', policy: policy === '' ? null : (policy as WaitPolicy) });
          }}
        >
          <label htmlFor={`${ids}-policy`}>Wait policy for the selected</label>
          <select id={`${ids}-policy`} value={policy} onChange={(e) => setPolicy(e.target.value)}>
            <option value="">Follow the global setting ({newHostPolicyWords(global, distros)})</option>
            {POLICIES.map((p) => (
              <option key={p} value={p}>
                {WAIT_POLICY_WORDS[p]}
              </option>
            ))}
          </select>
          <button type="submit" disabled={busy || none}>
            Set wait policy
          </button>
        </form>
        <button
          type="button"
          className="subtle"
          onClick={() => {
            setOutcome(null);
            setError(null);
            onClear();
          }}
        >
          {none ? 'Dismiss' : 'Clear selection'}
        </button>
      </div>
      <div role="status" className="batch-outcome" data-testid="batch-outcome">
        {busy ? 'Working…' : outcome ? outcome.summary : ''}
        {outcome && outcome.failed.length > 0 ? (
          <ul className="batch-failures">
            {outcome.failed.map((f) => (
              <li key={f.mac}>
                <strong>{f.name}</strong>: <span className="error-text">{f.message}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {confirming && chosen ? (
        <BatchInstallConfirm
          hosts={macs.map((m) => hosts.get(m) ?? { mac: m, label: null, hostname: null, state: 'discovered' as const })}
          installer={`${chosen.name} ${chosen.version} (${chosen.arch})`}
          onConfirm={() => void run({ action: 'install', install: { distro: chosen.id } })}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}
