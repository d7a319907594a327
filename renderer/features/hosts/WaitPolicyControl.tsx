// A host's own wait policy (issue 13): what it does while it waits with nothing queued — wait for a
// click in the app, show the boot menu, or boot its local disk — or follow the global setting.
import type { Host, WaitPolicy } from '../../../electron/shared/contract.js';
import { useLive, useStore } from '../../app/context.js';
import { OwnSettingForm } from '../../components/OwnSettingForm.js';
import { hostWaitWords, newHostPolicyWords, WAIT_POLICY_WORDS } from '../boot/boot-words.js';

const POLICIES: readonly WaitPolicy[] = ['wait', 'menu', 'local'];

export function WaitPolicyControl({ host }: { host: Host }) {
  const store = useStore();
  const global = useLive((s) => s.status?.newHosts);
  const distros = useLive((s) => s.distros);
  return (
    <div className="wait-policy">
      <dl className="facts">
        <dt>While waiting</dt>
        <dd data-testid="host-wait-policy">{hostWaitWords(host, global)}</dd>
      </dl>
      <OwnSettingForm<WaitPolicy>
        label="When this machine waits"
        followWords={`Follow the global setting (${newHostPolicyWords(global, distros)})`}
        options={POLICIES.map((p) => ({ value: p, words: WAIT_POLICY_WORDS[p] }))}
        current={host.waitPolicy ?? null}
        action="Set wait policy"
        save={(policy) => store.api.call('PUT /api/hosts/:mac/wait-policy', { params: { mac: host.mac }, body: { policy } })}
      />
    </div>
  );
}
