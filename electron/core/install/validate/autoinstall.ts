// Ubuntu autoinstall (subiquity) delivered as cloud-init user-data: the file must start with
// "#cloud-config" (else cloud-init does not read it as cloud-config at all), parse as YAML, and
// carry an `autoinstall:` mapping of version 1 whose known keys have the types subiquity's
// schema gives them. Unknown keys are reported: subiquity ignores or rejects them depending on
// its version, and a typo (`late_commands`) silently skips the report that ends the install.
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node as YamlNode, type Document } from 'yaml';
import type { ValidationProblem } from '../../../shared/contract.js';

export const AUTOINSTALL_KEYS: ReadonlySet<string> = new Set([
  'version',
  'interactive-sections',
  'early-commands',
  'locale',
  'refresh-installer',
  'keyboard',
  'source',
  'network',
  'proxy',
  'apt',
  'storage',
  'identity',
  'active-directory',
  'ubuntu-pro',
  'ubuntu-advantage',
  'ssh',
  'codecs',
  'drivers',
  'oem',
  'snaps',
  'debconf-selections',
  'packages',
  'kernel',
  'kernel-crash-dumps',
  'timezone',
  'updates',
  'shutdown',
  'late-commands',
  'error-commands',
  'reporting',
  'user-data',
  'zdevs',
]);

type Kind = 'string' | 'boolean' | 'number' | 'map' | 'list';

export function validateAutoinstall(text: string): { ok: boolean; problems: ValidationProblem[] } {
  const problems: ValidationProblem[] = [];
  const firstLine = text.split('\n', 1)[0]?.replace(/\r$/, '').trimEnd();
  if (firstLine !== '#cloud-config')
    problems.push({
      line: 1,
      message: 'the first line must be exactly "#cloud-config" (cloud-init reads user-data as cloud-config only then)',
    });

  const counter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) problems.push({ line: counter.linePos(e.pos[0]).line, message: `YAML: ${e.message.split('\n')[0]}` });
  if (doc.errors.length > 0) return { ok: false, problems };
  const lineOf = (n: YamlNode | null | undefined): number | null => (n?.range ? counter.linePos(n.range[0]).line : null);

  const root = doc.contents;
  if (!isMap(root)) return { ok: false, problems: [...problems, { line: lineOf(root), message: 'cloud-config must be a mapping' }] };
  const ai = root.get('autoinstall', true) as YamlNode | undefined;
  if (!isMap(ai)) {
    problems.push({ line: lineOf(ai) ?? 1, message: 'an "autoinstall:" mapping is required (subiquity reads its answers from it)' });
    return { ok: false, problems };
  }
  const kindOf = (n: unknown): Kind | 'null' | 'other' => {
    if (isMap(n)) return 'map';
    if (isSeq(n)) return 'list';
    if (isScalar(n)) {
      const v = n.value;
      return v === null
        ? 'null'
        : typeof v === 'string'
          ? 'string'
          : typeof v === 'boolean'
            ? 'boolean'
            : typeof v === 'number'
              ? 'number'
              : 'other';
    }
    return 'other';
  };
  const expect = (n: unknown, kind: Kind, what: string): boolean => {
    if (kindOf(n) === kind) return true;
    problems.push({ line: lineOf(n as YamlNode), message: `${what} must be a ${kind === 'map' ? 'mapping' : kind}` });
    return false;
  };
  const get = (map: unknown, key: string): YamlNode | undefined => (isMap(map) ? (map.get(key, true) as YamlNode | undefined) : undefined);

  for (const item of ai.items) {
    const key = isScalar(item.key) ? String(item.key.value) : '';
    if (!AUTOINSTALL_KEYS.has(key)) problems.push({ line: lineOf(item.key as YamlNode), message: `unknown autoinstall key "${key}"` });
  }
  const version = get(ai, 'version');
  if (!isScalar(version) || version.value !== 1)
    problems.push({ line: lineOf(version) ?? lineOf(ai), message: 'autoinstall.version must be 1' });

  const commands = (key: string) => {
    const n = get(ai, key);
    if (n === undefined || !expect(n, 'list', `autoinstall.${key}`) || !isSeq(n)) return;
    for (const c of n.items) {
      const ok = kindOf(c) === 'string' || (isSeq(c) && c.items.every((a) => kindOf(a) === 'string'));
      if (!ok)
        problems.push({
          line: lineOf(c as YamlNode),
          message: `each of autoinstall.${key} must be a command string (or a list of argument strings)`,
        });
    }
  };
  commands('early-commands');
  commands('late-commands');
  commands('error-commands');

  const identity = get(ai, 'identity');
  if (identity !== undefined && expect(identity, 'map', 'autoinstall.identity')) {
    for (const k of ['username', 'password', 'hostname']) {
      const v = get(identity, k);
      if (v === undefined) problems.push({ line: lineOf(identity), message: `autoinstall.identity.${k} is required` });
      else expect(v, 'string', `autoinstall.identity.${k}`);
    }
  } else if (identity === undefined && get(ai, 'user-data') === undefined) {
    problems.push({ line: lineOf(ai), message: 'autoinstall needs identity (username, password, hostname) or user-data' });
  }
  const ud = get(ai, 'user-data');
  if (ud !== undefined) expect(ud, 'map', 'autoinstall.user-data');
  const storage = get(ai, 'storage');
  if (storage !== undefined) expect(storage, 'map', 'autoinstall.storage');
  const ssh = get(ai, 'ssh');
  if (ssh !== undefined && expect(ssh, 'map', 'autoinstall.ssh')) {
    for (const k of ['install-server', 'allow-pw']) if (get(ssh, k) !== undefined) expect(get(ssh, k), 'boolean', `autoinstall.ssh.${k}`);
    const keys = get(ssh, 'authorized-keys');
    if (keys !== undefined && expect(keys, 'list', 'autoinstall.ssh.authorized-keys') && isSeq(keys))
      keys.items.forEach((k) => expect(k, 'string', 'each of autoinstall.ssh.authorized-keys'));
  }
  const packages = get(ai, 'packages');
  if (packages !== undefined && expect(packages, 'list', 'autoinstall.packages') && isSeq(packages))
    packages.items.forEach((p) => expect(p, 'string', 'each of autoinstall.packages'));
  const reporting = get(ai, 'reporting');
  if (reporting !== undefined && expect(reporting, 'map', 'autoinstall.reporting') && isMap(reporting)) {
    for (const r of reporting.items) {
      const name = isScalar(r.key) ? String(r.key.value) : '?';
      if (expect(r.value, 'map', `autoinstall.reporting.${name}`) && get(r.value, 'type') === undefined) {
        problems.push({
          line: lineOf(r.value as YamlNode),
          message: `autoinstall.reporting.${name} needs a type (webhook, print, log, none)`,
        });
      }
    }
  }
  for (const k of ['locale', 'timezone']) if (get(ai, k) !== undefined) expect(get(ai, k), 'string', `autoinstall.${k}`);
  const keyboard = get(ai, 'keyboard');
  if (keyboard !== undefined && expect(keyboard, 'map', 'autoinstall.keyboard'))
    expect(get(keyboard, 'layout'), 'string', 'autoinstall.keyboard.layout');
  const shutdown = get(ai, 'shutdown');
  if (shutdown !== undefined && !(isScalar(shutdown) && (shutdown.value === 'reboot' || shutdown.value === 'poweroff'))) {
    problems.push({ line: lineOf(shutdown), message: 'autoinstall.shutdown must be reboot or poweroff' });
  }
  return { ok: problems.length === 0, problems };
}
