// What a valid install setting looks like: pure checks shared by the settings store (PUT
// /api/settings) and per-install overrides (`bootbench install --set KEY=VALUE`). Each value ends
// up inside an answer file (a shell line of a preseed, a kickstart command, YAML, XML), so the
// rules are strict enough that no value can break out of its place even in a template that
// forgets to quote it: host names are DNS labels, packages are package names, keys are one line.
import type { InstallSettings } from '../../shared/contract.js';
import { isSha512CryptHash } from './sha512-crypt.js';

/** An error message for a bad value, or null when it is fine. */
type Rule<T> = (value: T) => string | null;

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

export const hostnamePatternRule: Rule<string> = (v) => {
  // The longest expansion: {mac} is 12 hex digits, {n} a counter of up to 6 digits.
  const sample = v.replace(/\{mac\}/g, '525400123456').replace(/\{n\}/g, '999999');
  if (/[{}]/.test(sample)) return `hostnamePattern "${v}" has a placeholder other than {mac} and {n}`;
  return LABEL.test(sample)
    ? null
    : `hostnamePattern "${v}" does not give a valid host name: letters, digits and "-", at most 63 characters, not starting or ending with "-" ({mac} and {n} are replaced)`;
};

export const hostnameRule: Rule<string> = (v) =>
  LABEL.test(v)
    ? null
    : `hostname "${v}" is not a valid host name (letters, digits and "-", at most 63 characters, not starting or ending with "-")`;

export const domainRule: Rule<string> = (v) =>
  v === '' || (v.length <= 200 && v.split('.').every((l) => LABEL.test(l)))
    ? null
    : `domain "${v}" is not a valid DNS domain (labels of letters, digits and "-" separated by dots), e.g. lab or example.test`;

export const timezoneRule: Rule<string> = (v) => {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(v))
    return `timezone "${v}" is not an IANA time zone name such as Etc/UTC or Europe/Berlin`;
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return null;
  } catch {
    return `timezone "${v}" is not a known IANA time zone (e.g. Etc/UTC, Europe/Berlin, America/New_York)`;
  }
};

export const localeRule: Rule<string> = (v) =>
  /^[a-z]{2,3}(_[A-Z]{2})?(\.[A-Za-z0-9-]+)?(@[a-z]+)?$/.test(v)
    ? null
    : `locale "${v}" is not a locale name such as en_US.UTF-8 or de_DE.UTF-8`;

export const keyboardRule: Rule<string> = (v) =>
  /^[a-z]{2,}([-_][a-z0-9]+)*$/i.test(v) && v.length <= 40
    ? null
    : `keyboard "${v}" is not a keyboard layout name such as us, de, fr or gb`;

export const targetDiskRule: Rule<string> = (v) =>
  v === '' || (/^(\/dev\/)?[A-Za-z0-9][A-Za-z0-9/_.:-]*$/.test(v) && !v.includes('..') && v.length <= 200)
    ? null
    : `targetDisk "${v}" is not a device such as sda, nvme0n1 or /dev/disk/by-id/… (empty = the first disk)`;

export const userRule: Rule<string> = (v) =>
  /^[a-z_][a-z0-9_-]{0,31}$/.test(v) && v !== 'root'
    ? null
    : `adminUser "${v}" is not a valid user name (lower-case letters, digits, "_" and "-", at most 32 characters, not root)`;

const KEY_LINE =
  /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+=*( [^\x00-\x1f"'\\]*)?$/;

export const sshKeyRule: Rule<string> = (v) => {
  const lines = v
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const bad = lines.find((l) => !KEY_LINE.test(l));
  return bad === undefined
    ? null
    : `sshAuthorizedKey: "${bad.slice(0, 40)}…" is not an OpenSSH public key line (type, base64 key, optional comment without quotes); one key per line`;
};

export const packageRule: Rule<string> = (v) =>
  /^@?[A-Za-z0-9][A-Za-z0-9+._:@^-]*$/.test(v) && v.length <= 100
    ? null
    : `extraPackages: "${v}" is not a package name (letters, digits and + . _ - : @, no spaces)`;

export const postInstallRule: Rule<string> = (v) =>
  v.length <= 64 * 1024 && !v.includes('\0') ? null : 'postInstallScript must be text of at most 64 KiB';

export const passwordHashRule: Rule<string | null> = (v) =>
  v === null || isSha512CryptHash(v) ? null : 'a password hash must be a SHA-512 crypt hash ($6$…), e.g. from `openssl passwd -6`';

/** Plain passwords (hashed on arrival). libxcrypt refuses passphrases of 512 bytes or more. */
export const plainPasswordRule: Rule<string> = (v) =>
  Buffer.byteLength(v) <= 511 && !/[\0\n\r]/.test(v) ? null : 'a password must be one line of at most 511 bytes';

/** A problem of one setting: `message` names the setting's key (CLI and API words); `detail` does not (for a form to show at its field). */
export interface SettingsProblem {
  field: keyof InstallSettings;
  message: string;
  detail: string;
}

/** `timezone "x" is not …` → `"x" is not …`: the rule's words without the key they start with. */
export function detailOf(field: string, message: string): string {
  const rest = message.startsWith(field) ? message.slice(field.length).replace(/^:?\s+/, '') : message;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

const problem = (field: keyof InstallSettings, message: string | null): SettingsProblem | null =>
  message === null ? null : { field, message, detail: detailOf(field, message) };

/** Every problem of a whole settings record, with the field each is about (empty when it is valid). */
export function settingsFieldProblems(s: InstallSettings): SettingsProblem[] {
  const out = [
    problem('hostnamePattern', hostnamePatternRule(s.hostnamePattern)),
    problem('domain', domainRule(s.domain)),
    problem('timezone', timezoneRule(s.timezone)),
    problem('locale', localeRule(s.locale)),
    problem('keyboard', keyboardRule(s.keyboard)),
    problem('targetDisk', targetDiskRule(s.targetDisk)),
    problem('adminUser', userRule(s.adminUser)),
    problem('sshAuthorizedKey', sshKeyRule(s.sshAuthorizedKey)),
    ...s.extraPackages.map((p) => problem('extraPackages', packageRule(p))),
    problem('postInstallScript', postInstallRule(s.postInstallScript)),
    problem('rootPasswordHash', passwordHashRule(s.rootPasswordHash)),
    problem('adminPasswordHash', passwordHashRule(s.adminPasswordHash)),
  ];
  if (s.extraPackages.length > 500) out.push(problem('extraPackages', 'extraPackages: at most 500 packages'));
  return out.filter((p): p is SettingsProblem => p !== null);
}

/** Every problem of a whole settings record (empty when it is valid). */
export function settingsProblems(s: InstallSettings): string[] {
  return settingsFieldProblems(s).map((p) => p.message);
}

/** `sda` → `/dev/sda`; `/dev/…` and '' unchanged (installers take full device paths). */
export function normalizeDisk(v: string): string {
  const t = v.trim();
  return t === '' || t.startsWith('/dev/') ? t : `/dev/${t}`;
}

/** A comma- or whitespace-separated list of package names, trimmed and without duplicates. */
export function parsePackageList(v: string | readonly string[]): string[] {
  const items = typeof v === 'string' ? v.split(/[\s,]+/) : v.map((p) => p.trim());
  return [...new Set(items.filter(Boolean))];
}
