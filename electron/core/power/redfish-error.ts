// The ways talking to a Redfish BMC fails, each with words that say which and what to do. The power
// controller retries only what may pass by itself (a BMC that did not answer in time, a refused or
// dropped connection); wrong credentials, a changed certificate or a malformed answer are final.
import { shortFingerprint } from './cert-pin.js';

export interface RedfishErrorContexts {
  /** An http:// URL without allowHttp. */
  HTTP_REFUSED: { url: string };
  BAD_URL: { url: string; reason: string };
  UNREACHABLE: { origin: string; reason: string };
  TIMEOUT: { origin: string; what: string; ms: number };
  CERTIFICATE_CHANGED: { origin: string; pinned: string; presented: string };
  CREDENTIALS_REFUSED: { origin: string; user: string; status: number };
  TOO_LARGE: { origin: string; what: string; limit: number };
  MALFORMED: { origin: string; what: string; reason: string };
  BMC_ERROR: { origin: string; what: string; status: number; message: string };
  UNSUPPORTED: { origin: string; message: string };
}
export type RedfishErrorCode = keyof RedfishErrorContexts;

const catalog: { [C in RedfishErrorCode]: (c: RedfishErrorContexts[C]) => string } = {
  HTTP_REFUSED: (c) =>
    `Redfish URL ${c.url} is plain http: the BMC password would cross the network in clear. Use https://, or allow http explicitly for this host.`,
  BAD_URL: (c) => `Redfish URL ${c.url} is not usable (${c.reason}). Give the BMC's address, e.g. https://10.0.0.5.`,
  UNREACHABLE: (c) => `The BMC at ${c.origin} does not answer: ${c.reason}. Check its address and that it is on the network.`,
  TIMEOUT: (c) => `The BMC at ${c.origin} did not answer ${c.what} within ${c.ms / 1000} s.`,
  CERTIFICATE_CHANGED: (c) =>
    `The BMC's certificate changed: ${shortFingerprint(c.pinned)} → ${shortFingerprint(c.presented)}; accept it in the UI if expected ` +
    `(bootbench refuses to send the password to it until then).`,
  CREDENTIALS_REFUSED: (c) =>
    `The BMC at ${c.origin} refused the credentials of user "${c.user}" (HTTP ${c.status}): credentials refused. Set the right user and password.`,
  TOO_LARGE: (c) => `The BMC at ${c.origin} answered ${c.what} with more than ${c.limit / 1048576} MiB: refused without reading it.`,
  MALFORMED: (c) => `The BMC at ${c.origin} answered ${c.what} with a malformed Redfish body: ${c.reason}.`,
  BMC_ERROR: (c) => `The BMC at ${c.origin} refused ${c.what} (HTTP ${c.status}): ${c.message}.`,
  UNSUPPORTED: (c) => `The BMC at ${c.origin} cannot do it: ${c.message}.`,
};

const retryable: ReadonlySet<RedfishErrorCode> = new Set(['UNREACHABLE', 'TIMEOUT']);

export class RedfishError<C extends RedfishErrorCode = RedfishErrorCode> extends Error {
  readonly code: C;
  readonly context: RedfishErrorContexts[C];
  /** Worth another try: the BMC may answer next time. */
  readonly retryable: boolean;
  constructor(code: C, context: RedfishErrorContexts[C]) {
    super(catalog[code](context));
    this.name = 'RedfishError';
    this.code = code;
    this.context = context;
    this.retryable = retryable.has(code);
  }
}

export function isRedfishError(e: unknown): e is RedfishError {
  return e instanceof RedfishError;
}

/**
 * Text from the BMC (an error message it sent) made safe to show: the password and its Basic
 * credentials blanked out in case a BMC echoes them, control characters dropped, length capped.
 */
export function redactSecrets(text: string, secrets: readonly string[], max = 300): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  out = out.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
