// The Redfish client as a power driver (driver.ts): its settings and certificate pins come from the
// power settings store, its failures become the controller's kinds (which say whether to retry).
import type { Firmware, Host } from '../../shared/contract.js';
import type { CertificatePins } from './cert-pin.js';
import { PowerFailure, type PowerDriver, type PowerFailureKind } from './driver.js';
import type { RedfishDriverFactory } from './drivers.js';
import { createRedfishDriver, parseRedfishUrl } from './redfish.js';
import { isRedfishError, type RedfishErrorCode } from './redfish-error.js';
import type { BootMode } from './redfish-json.js';

const KINDS: Record<RedfishErrorCode, PowerFailureKind> = {
  TIMEOUT: 'no-answer',
  UNREACHABLE: 'no-answer',
  CREDENTIALS_REFUSED: 'refused',
  // Not the credentials: the BMC is not the one trusted. Retried once (nothing is sent to it), then
  // the words say what changed and that it is accepted in the UI.
  CERTIFICATE_CHANGED: 'failed',
  MALFORMED: 'failed',
  TOO_LARGE: 'failed',
  BMC_ERROR: 'failed',
  UNSUPPORTED: 'unsupported',
  HTTP_REFUSED: 'unavailable',
  BAD_URL: 'unavailable',
};

/** The boot mode to ask for with PXE once: the one the host was seen booting with, when known. */
export function bootModeOf(firmware: Firmware | undefined): BootMode | null {
  if (firmware === 'bios') return 'Legacy';
  return firmware?.startsWith('uefi') ? 'UEFI' : null;
}

/**
 * The factory drivers.ts is handed at composition. `warn`: a line on the host's timeline, for each
 * action over plain http (allowed explicitly) saying that the password crosses the network in clear.
 */
export function redfishDrivers(o: { warn?: (mac: string, message: string) => void } = {}): RedfishDriverFactory {
  return ({ mac, settings, host, store }) => {
    const pins: CertificatePins = {
      // Read on every connection: an accepted certificate or a changed URL (which clears the pin) counts at once.
      pinned: () => store.get(mac)?.redfish?.pinnedFingerprint ?? null,
      pin: async (fingerprint) => void (await store.recordCertificate(mac, { pinned: fingerprint, presented: null })),
      presented: async (fingerprint) => void (await store.recordCertificate(mac, { presented: fingerprint })),
    };
    let target = settings.url;
    try {
      target = parseRedfishUrl(settings.url, true).origin.origin;
    } catch {
      // shown as given; the action fails with the reason
    }
    const build = () => {
      if (settings.password === null) throw new PowerFailure('unavailable', 'no Redfish password is set: set it with the BMC settings');
      return createRedfishDriver({
        url: settings.url,
        user: settings.user,
        password: settings.password,
        allowHttp: settings.allowHttp,
        pins,
        bootMode: bootModeOf((host as Host | undefined)?.firmware),
        warn: (message) => o.warn?.(mac, message),
      });
    };
    const run = async <T>(fn: (d: ReturnType<typeof createRedfishDriver>) => Promise<T>): Promise<T> => {
      try {
        return await fn(build());
      } catch (e) {
        if (!isRedfishError(e)) throw e;
        throw new PowerFailure(KINDS[e.code], e.message.replace(/\.$/, ''));
      }
    };
    const driver: PowerDriver = {
      method: 'redfish',
      target,
      status: (signal) => run((d) => d.status(signal)),
      on: (signal) => run(async (d) => void (await d.on(signal))),
      off: (signal) => run(async (d) => void (await d.off(signal))),
      cycle: (signal) => run(async (d) => void (await d.cycle(signal))),
      pxeOnce: (signal) => run(async (d) => void (await d.pxeOnce(signal))),
    };
    return driver;
  };
}
