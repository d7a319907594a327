// A host's boot chain (issue 17): what its next UEFI boot gets (iPXE or the signed shim + GRUB
// chain), why `auto` switched it, and its own setting over the global one.
import type { ChainSetting, Host } from '../../../electron/shared/contract.js';
import { useLive, useStore } from '../../app/context.js';
import { OwnSettingForm } from '../../components/OwnSettingForm.js';
import { CHAIN_SETTING_WORDS, CHAIN_WORDS, chainSourceWords, hostChainWords } from './chain-words.js';

const SETTINGS: readonly ChainSetting[] = ['auto', 'ipxe', 'signed'];

export function ChainControl({ host }: { host: Host }) {
  const store = useStore();
  const global = useLive((s) => s.status?.chain);
  const chain = hostChainWords(host);

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
      <OwnSettingForm<ChainSetting>
        label="Boot chain for this machine"
        followWords={`Default (global${global ? `: ${CHAIN_SETTING_WORDS[global]}` : ''})`}
        options={SETTINGS.map((s) => ({ value: s, words: CHAIN_SETTING_WORDS[s] }))}
        current={host.chainOverride ?? null}
        action="Set chain"
        save={(chain) => store.api.call('PUT /api/hosts/:mac/chain', { params: { mac: host.mac }, body: { chain } })}
      />
    </div>
  );
}
