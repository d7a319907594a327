// Which driver a host's settings get: Wake-on-LAN and IPMI here; Redfish from the Redfish module
// (power/redfish-driver.ts), handed in at composition. A build without it fails that method with words
// that say so instead of pretending.
import type { Host } from '../../shared/contract.js';
import { assertNever } from '../../shared/assert-never.js';
import type { DriverFactory } from './controller.js';
import { PowerFailure, type PowerDriver } from './driver.js';
import { createIpmiDriver } from './ipmi-driver.js';
import type { IpmitoolOptions } from './ipmitool.js';
import type { PowerSettingsStore, StoredRedfish } from './settings-store.js';
import { createWolDriver, type WolLink } from './wol-driver.js';

/** The Redfish module's seam: a driver for one host's Redfish settings (it pins certificates through the store). */
export type RedfishDriverFactory = (input: {
  mac: string;
  settings: StoredRedfish;
  host: Host | undefined;
  store: PowerSettingsStore;
}) => PowerDriver;

export interface DriverDeps {
  store: PowerSettingsStore;
  /** The interface being served (Wake-on-LAN sends on it only); null in setup. */
  wolLink: () => WolLink | null;
  ipmitool?: IpmitoolOptions;
  redfish?: RedfishDriverFactory;
}

export function driverFactory(deps: DriverDeps): DriverFactory {
  return ({ mac, settings, host }) => {
    switch (settings.method) {
      case 'wol':
        return createWolDriver({ settings: settings.wol ?? { mac, secureOn: null }, link: deps.wolLink });
      case 'ipmi':
        if (!settings.ipmi) throw new PowerFailure('unavailable', 'its IPMI settings are missing: set them again');
        return createIpmiDriver({
          settings: settings.ipmi,
          firmware: host?.firmware ?? 'unknown',
          ...(deps.ipmitool ? { ipmitool: deps.ipmitool } : {}),
        });
      case 'redfish':
        if (!settings.redfish) throw new PowerFailure('unavailable', 'its Redfish settings are missing: set them again');
        if (!deps.redfish) throw new PowerFailure('unavailable', 'Redfish is not available in this build of Bootbench');
        return deps.redfish({ mac, settings: settings.redfish, host, store: deps.store });
      default:
        return assertNever(settings.method);
    }
  };
}
