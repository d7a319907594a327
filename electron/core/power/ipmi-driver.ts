// IPMI over LAN (RMCP+, `lanplus`) through ipmitool: `chassis bootdev pxe` (with `options=efiboot`
// for a UEFI host, so that the BMC asks the firmware for its UEFI network boot) sets the next boot
// once (IPMI 2.0 §28.12: the boot flags are valid for the next boot only unless "persistent" is
// asked), then `chassis power on|off|cycle|status`.
import type { Firmware } from '../../shared/contract.js';
import type { PowerState } from '../../shared/power.js';
import { PowerFailure, type PowerDriver } from './driver.js';
import { bootdevRefusal, classifyFailure, parsePowerStatus, powerControlAccepted } from './ipmi-output.js';
import { runIpmitool, type IpmitoolOptions } from './ipmitool.js';
import type { StoredIpmi } from './settings-store.js';

export interface IpmiDriverOptions {
  settings: StoredIpmi;
  /** The host's firmware as seen at its last network boot: a UEFI host gets `options=efiboot`. */
  firmware: Firmware;
  ipmitool?: IpmitoolOptions;
}

export function createIpmiDriver(o: IpmiDriverOptions): PowerDriver {
  const run = async (command: string[], signal: AbortSignal) => {
    const result = await runIpmitool(o.settings, command, signal, o.ipmitool);
    if (result.code !== 0) {
      const { kind, detail } = classifyFailure(result.stderr, result.stdout);
      throw new PowerFailure(kind, detail);
    }
    return result;
  };
  const control = (verb: 'on' | 'off' | 'cycle') => async (signal: AbortSignal) => {
    const r = await run(['chassis', 'power', verb], signal);
    if (!powerControlAccepted(r.stdout)) throw new PowerFailure('failed', classifyFailure(r.stderr, r.stdout).detail);
  };
  return {
    method: 'ipmi',
    target: `${o.settings.address}:${o.settings.port}`,
    async status(signal): Promise<PowerState> {
      const r = await run(['chassis', 'power', 'status'], signal);
      const state = parsePowerStatus(r.stdout);
      if (!state) throw new PowerFailure('failed', `unexpected answer to chassis power status: ${r.stdout.trim().slice(0, 200)}`);
      return state;
    },
    on: control('on'),
    off: control('off'),
    cycle: control('cycle'),
    async pxeOnce(signal): Promise<void> {
      const uefi = o.firmware === 'uefi' || o.firmware === 'uefi-http';
      const r = await run(['chassis', 'bootdev', 'pxe', ...(uefi ? ['options=efiboot'] : [])], signal);
      const refused = bootdevRefusal(r.stderr, r.stdout);
      if (refused) throw new PowerFailure('failed', refused);
    },
  };
}
