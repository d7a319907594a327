// A host's own wait policy (issue 13): what it does while it waits with nothing queued — wait for a
// click in the app, show the boot menu, or boot its local disk — or follow the global setting.
// Applied with its button, not on change (a select changes on every arrow key).
import { useId, useState } from 'react';
import type { Host, WaitPolicy } from '../../../electron/shared/contract.js';
import { useLive, useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { hostWaitWords, newHostPolicyWords, WAIT_POLICY_WORDS } from '../boot/boot-words.js';

const POLICIES: readonly WaitPolicy[] = ['wait', 'menu', 'local'];

export function WaitPolicyControl({ host }: { host: Host }) {
  const store = useStore();
  const global = useLive((s) => s.status?.newHosts);
  const distros = useLive((s) => s.distros);
  const ids = useId();
  const current = host.waitPolicy ?? '';
  const [choice, setChoice] = useState<string>(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await store.api.call('PUT /api/hosts/:mac/wait-policy', {
        params: { mac: host.mac },
        body: { policy: choice === '' ? null : (choice as WaitPolicy) },
      });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="wait-policy">
      <dl className="facts">
        <dt>While waiting</dt>
        <dd data-testid="host-wait-policy">{hostWaitWords(host, global)}</dd>
      </dl>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor={`${ids}-policy`}>When this machine waits</label>
        <select id={`${ids}-policy`} value={choice} onChange={(e) => setChoice(e.target.value)}>
          <option value="">Follow the global setting ({newHostPolicyWords(global, distros)})</option>
          {POLICIES.map((p) => (
            <option key={p} value={p}>
              {WAIT_POLICY_WORDS[p]}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy || choice === current}>
          {busy ? 'Setting…' : 'Set wait policy'}
        </button>
      </form>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </div>
  );
}
