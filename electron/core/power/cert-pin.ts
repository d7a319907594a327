// Certificate pinning for BMCs (trust on first use). BMCs ship self-signed certificates that no CA
// vouches for, so the first certificate a BMC presents is pinned by its SHA-256 fingerprint, and
// every later connection must present exactly that certificate before any credential is sent. A
// changed certificate is refused until the user accepts it (it may be a BMC firmware update that
// made a new one, or someone in the middle). Pure: the I/O lives in redfish-http.ts.

/** Where a host's pins live (the power settings store): read fresh on every connection. */
export interface CertificatePins {
  /** The fingerprint trusted so far (AA:BB:… upper-case hex), null before the first contact. */
  pinned(): string | null;
  /** First contact: trust this certificate from now on. Stored before any credential is sent. */
  pin(fingerprint: string): Promise<void>;
  /** A certificate that differs from the pinned one: recorded for the user to accept or not. */
  presented(fingerprint: string): Promise<void>;
}

export type PinDecision =
  | { kind: 'first-use'; fingerprint: string }
  | { kind: 'match'; fingerprint: string }
  | { kind: 'changed'; pinned: string; presented: string };

const FINGERPRINT = /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/;

/**
 * The canonical spelling of a SHA-256 fingerprint: 32 upper-case hex pairs joined by colons, as
 * Node's `fingerprint256` and `openssl x509 -fingerprint -sha256` print it. Accepts lower case and
 * no colons (what users paste); null when it is not a SHA-256 fingerprint.
 */
export function normalizeFingerprint(text: string): string | null {
  const hex = text
    .trim()
    .replace(/^sha256\s*fingerprint\s*=\s*/i, '')
    .replace(/[:\s]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  const out = hex.match(/../g)!.join(':');
  return FINGERPRINT.test(out) ? out : null;
}

/** What to do with the certificate a BMC presented, given what was pinned. */
export function checkPin(pinned: string | null, presented: string): PinDecision {
  const seen = normalizeFingerprint(presented);
  if (!seen) throw new Error(`not a SHA-256 fingerprint: ${presented}`); // the TLS stack always gives one
  if (pinned === null) return { kind: 'first-use', fingerprint: seen };
  const trusted = normalizeFingerprint(pinned);
  if (trusted === seen) return { kind: 'match', fingerprint: seen };
  return { kind: 'changed', pinned: trusted ?? pinned, presented: seen };
}

/** A fingerprint shortened for a message: the first and last four pairs. */
export function shortFingerprint(fingerprint: string): string {
  const pairs = fingerprint.split(':');
  return pairs.length <= 8 ? fingerprint : `${pairs.slice(0, 4).join(':')}…${pairs.slice(-4).join(':')}`;
}

export type AcceptResult = { ok: true; pinned: string } | { ok: false; reason: string };

/**
 * The user accepts the certificate the BMC presented (the fingerprint they were shown): it becomes
 * the pinned one. Only the waiting certificate can be accepted, so a stale page cannot pin another.
 */
export function acceptPresented(state: { pinned: string | null; presented: string | null }, fingerprint: string): AcceptResult {
  const wanted = normalizeFingerprint(fingerprint);
  if (!wanted) return { ok: false, reason: `"${fingerprint}" is not a SHA-256 fingerprint (32 hex pairs, AA:BB:…)` };
  if (state.presented === null) return { ok: false, reason: 'no changed certificate is waiting to be accepted' };
  const waiting = normalizeFingerprint(state.presented);
  if (waiting !== wanted) return { ok: false, reason: `the certificate waiting to be accepted is ${state.presented}, not ${wanted}` };
  return { ok: true, pinned: wanted };
}
