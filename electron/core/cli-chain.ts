// `bootbench chain`: the UEFI boot-chain setting, for every machine (--global) or one (MAC SETTING,
// `default` to follow the global one again); with no argument, the global setting.
import { isChainSetting, normalizeMac, type Host } from '../shared/contract.js';
import type { ControlClient } from './control/client.js';
import { BootbenchError } from './errors.js';

const USAGE = 'bootbench chain MAC auto|ipxe|signed|default, or bootbench chain --global auto|ipxe|signed';

function fail(message: string): never {
  throw new BootbenchError('BAD_ARGUMENT', { message });
}

export async function runChain(client: ControlClient, positionals: string[], global: string | undefined, json: boolean): Promise<number> {
  const print = (value: unknown, text: string) => process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
  if (global !== undefined) {
    if (positionals.length > 0) fail(`--global takes no MAC: ${USAGE}`);
    if (!isChainSetting(global)) fail(`--global must be auto, ipxe or signed, not "${global}".`);
    const status = await client.call('PUT /api/boot/chain', { body: { chain: global } });
    print(status, `UEFI boot chain: ${status.chain} (every machine without a setting of its own)`);
    return 0;
  }
  if (positionals.length === 0) {
    const status = await client.call('GET /api/status');
    print({ chain: status.chain }, `UEFI boot chain: ${status.chain}`);
    return 0;
  }
  const [macText, settingText, ...extra] = positionals;
  if (settingText === undefined || extra.length > 0) fail(`chain takes a MAC and a setting: ${USAGE}`);
  const mac = normalizeMac(macText ?? '');
  if (!mac) fail(`"${macText}" is not a MAC address (like 52:54:00:12:34:56).`);
  const setting = settingText === 'default' ? null : settingText;
  if (setting !== null && !isChainSetting(setting)) fail(`the setting must be auto, ipxe, signed or default, not "${settingText}".`);
  const host = await client.call('PUT /api/hosts/:mac/chain', { params: { mac }, body: { chain: setting } });
  print(host, describe(host));
  return 0;
}

function describe(host: Host): string {
  const whose = host.chainOverride ? `its own setting ${host.chainOverride}` : 'the global setting';
  return `${host.mac}: ${whose}; its next UEFI boot gets ${host.chain === 'signed' ? 'the signed chain (shim, GRUB)' : 'iPXE'}`;
}
