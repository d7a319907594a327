// What every power method (Wake-on-LAN, IPMI, Redfish) implements, and how it says it failed. The
// controller (controller.ts) runs a driver's calls with timeouts and retries and turns a failure into
// the error the user reads; a driver only says which kind of failure it was.
import type { PowerMethod, PowerState } from '../../shared/power.js';

export interface PowerDriver {
  readonly method: PowerMethod;
  /** Where the commands go, for messages: "10.0.0.5:623", "https://bmc", "52:54:00:…" (never a secret). */
  readonly target: string;
  status(signal: AbortSignal): Promise<PowerState>;
  on(signal: AbortSignal): Promise<void>;
  off(signal: AbortSignal): Promise<void>;
  cycle(signal: AbortSignal): Promise<void>;
  /** Set the next boot, once, to the network (PXE). Wake-on-LAN cannot: it throws `unsupported`. */
  pxeOnce(signal: AbortSignal): Promise<void>;
}

/**
 * Why a driver call failed:
 * - `no-answer`: nothing answered in time (wrong address, BMC down, network): retried;
 * - `refused`: the BMC answered and refused the user name or password: never retried (BMCs lock
 *   accounts after a few failures);
 * - `unsupported`: the method cannot do this (Wake-on-LAN cannot switch off or read the state);
 * - `unavailable`: something Bootbench needs is missing here (the ipmitool program, the Redfish
 *   client in this build, a served interface for Wake-on-LAN);
 * - `failed`: the BMC answered with an error: retried once.
 */
export type PowerFailureKind = 'no-answer' | 'refused' | 'unsupported' | 'unavailable' | 'failed';

export class PowerFailure extends Error {
  constructor(
    readonly kind: PowerFailureKind,
    /** In words, free of secrets (drivers never put a password into one; the controller also scrubs). */
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'PowerFailure';
  }
}

export function isPowerFailure(e: unknown): e is PowerFailure {
  return e instanceof PowerFailure;
}

/** A PowerFailure of kind `unsupported` for a method that cannot do `what`. */
export function unsupported(what: string): PowerFailure {
  return new PowerFailure('unsupported', what);
}
