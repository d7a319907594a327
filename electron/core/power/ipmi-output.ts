// What ipmitool's words mean (ipmitool 1.8.19, `-I lanplus -v`; the phrases below were read from it
// against OpenIPMI's ipmi_sim and are those of its source, lanplus.c and ipmi_chassis.c). Pure:
// the runner (ipmitool.ts) hands the output in, the driver acts on the answer.
import type { PowerState } from '../../shared/power.js';
import type { PowerFailureKind } from './driver.js';

/** `Chassis Power is on|off` (chassis power status). */
export function parsePowerStatus(stdout: string): PowerState | null {
  const m = /Chassis Power is (on|off)/i.exec(stdout);
  return m ? (m[1]!.toLowerCase() as PowerState) : null;
}

// The BMC answered RAKP and refused: the password's HMAC does not match (wrong password), or the
// user is unknown to it; or an IPMI 1.5 session's authentication failed.
const REFUSED = [
  /RAKP \d HMAC is invalid/i,
  /unauthorized name/i,
  /invalid (user ?name|password)/i,
  /Activate Session error:.*(Invalid user name|password|Unauthorized)/i,
];
// Nothing answered the first request of a session (Get Channel Authentication Capabilities) or a
// later one within ipmitool's own timeout and retries.
const NO_ANSWER = [/Get Auth Capabilities error/i, /No response from remote controller/i, /Unable to send RMCP/i, /timeout/i];

/** What a failed ipmitool run was, from its exit status and words; `detail` is one line a person can read. */
export function classifyFailure(stderr: string, stdout = ''): { kind: PowerFailureKind; detail: string } {
  const text = `${stderr}\n${stdout}`;
  if (REFUSED.some((r) => r.test(text))) return { kind: 'refused', detail: 'the BMC refused the user name or password' };
  if (NO_ANSWER.some((r) => r.test(text))) return { kind: 'no-answer', detail: 'the BMC did not answer' };
  if (/invalid authentication algorithm|cipher suite/i.test(text))
    return { kind: 'failed', detail: 'the BMC does not offer this cipher suite: choose another (3 or 17 are the common ones)' };
  return { kind: 'failed', detail: lastErrorLine(text) };
}

/**
 * ipmitool's `chassis bootdev` exits 0 even when the BMC refused a boot parameter, saying so only in
 * words ("Set Chassis Boot Parameter 5 failed: …"): those words, or null when every one was set.
 */
export function bootdevRefusal(stderr: string, stdout = ''): string | null {
  const m = /Set Chassis Boot Parameter (\d+) failed:?\s*([^\n]*)/i.exec(`${stderr}\n${stdout}`);
  return m ? `the BMC refused boot parameter ${m[1]}${m[2] ? ` (${m[2].trim()})` : ''}` : null;
}

/** `Chassis Power Control: Up/On|Down/Off|Cycle|Reset`: the BMC accepted the control command. */
export function powerControlAccepted(stdout: string): boolean {
  return /Chassis Power Control:\s*\S/i.test(stdout);
}

function lastErrorLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Loading IANA PEN Registry/i.test(l) && !/^>>|^<<|^\s*$/.test(l));
  const error = lines.filter((l) => /error|fail|invalid|unable/i.test(l)).at(-1) ?? lines.at(-1) ?? 'ipmitool failed without a message';
  return error.slice(0, 300);
}
