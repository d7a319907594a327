// Answer files: which template a family's installer reads, the variables a template is rendered
// with (docs/design/answer-files.md has the table), and the rendering itself. Pure: settings,
// host, distro and URLs in; text out. The template store and the settings store do the I/O.
import type { AnswerTemplateName, Distro, DistroFamily, Host, InstallSettings } from '../../shared/contract.js';
import { assertNever } from '../../shared/assert-never.js';
import { BootbenchError } from '../errors.js';
import {
  domainRule,
  hostnamePatternRule,
  hostnameRule,
  keyboardRule,
  localeRule,
  normalizeDisk,
  packageRule,
  parsePackageList,
  passwordHashRule,
  postInstallRule,
  sshKeyRule,
  targetDiskRule,
  timezoneRule,
  userRule,
} from './settings-rules.js';
import { firstBootScript, firstBootSetup, firstBootUnit } from './first-boot.js';
import { compileTemplate, TemplateError, type CompiledTemplate, type TemplateContext } from './template-liquid.js';
import { findOldSyntax, oldSyntaxMessage } from './template-old-syntax.js';

/** rhel→kickstart, debian→preseed, ubuntu→autoinstall, suse→autoyast; alpine and generic have none. */
export function templateForFamily(family: DistroFamily): AnswerTemplateName | null {
  switch (family) {
    case 'rhel':
      return 'kickstart';
    case 'debian':
      return 'preseed';
    case 'ubuntu':
      return 'autoinstall';
    case 'suse':
      return 'autoyast';
    case 'alpine':
    case 'generic':
      return null;
    default:
      return assertNever(family, 'distro family');
  }
}

/** The families whose installers read a template (AnswerTemplate.families). */
export function familiesOf(name: AnswerTemplateName): DistroFamily[] {
  return ({ kickstart: ['rhel'], preseed: ['debian'], autoinstall: ['ubuntu'], autoyast: ['suse'] } as const)[name].slice();
}

export const CONTENT_TYPES: Readonly<Record<AnswerTemplateName, string>> = {
  kickstart: 'text/plain; charset=utf-8',
  preseed: 'text/plain; charset=utf-8',
  autoinstall: 'text/yaml; charset=utf-8',
  autoyast: 'application/xml; charset=utf-8',
};

export interface AnswerContextInput {
  host: Host;
  distro: Distro;
  settings: InstallSettings;
  /** `bootbench install --set KEY=VALUE`: keys of the settings (plus `hostname`). */
  overrides: Record<string, string>;
  urls: { httpBase: string; answer: string; report: string; log: string; webhook: string; repo: string; iso: string };
  syslog: { host: string; port: number };
  serverIp: string;
  debianSuite: string | null;
  /** Debian: whether the ISO's archive is signed (an unsigned one must be accepted explicitly). Default true. */
  debianSigned?: boolean;
  counter: number;
}

type Rule = (v: string) => string | null;

/** The keys `--set` accepts, each with the rule its value must pass. */
const OVERRIDE_RULES: Readonly<Record<string, Rule>> = {
  hostname: hostnameRule,
  hostnamePattern: hostnamePatternRule,
  domain: domainRule,
  timezone: timezoneRule,
  locale: localeRule,
  keyboard: keyboardRule,
  targetDisk: targetDiskRule,
  adminUser: userRule,
  sshAuthorizedKey: sshKeyRule,
  extraPackages: (v) =>
    parsePackageList(v)
      .map(packageRule)
      .find((p) => p !== null) ?? null,
  postInstallScript: postInstallRule,
  rootPasswordHash: passwordHashRule,
  adminPasswordHash: passwordHashRule,
};

export const OVERRIDE_KEYS: readonly string[] = Object.keys(OVERRIDE_RULES);

const bad = (message: string) => new BootbenchError('BAD_ARGUMENT', { message });
/** A refused override: the CLI's words in the message, the UI's (the key and what is wrong) in the field. */
const badOverride = (key: string, detail: string, message = `--set ${key}: ${detail}`) =>
  new BootbenchError('BAD_ARGUMENT', { message }, { field: { name: key, detail } });

/** The settings with the overrides applied and checked; `hostname` (if given) is returned apart. */
export function applyOverrides(
  settings: InstallSettings,
  overrides: Record<string, string>,
): { settings: InstallSettings; hostname: string | null } {
  const out: InstallSettings = { ...settings, extraPackages: [...settings.extraPackages] };
  let hostname: string | null = null;
  for (const [key, value] of Object.entries(overrides)) {
    if (key === 'rootPassword' || key === 'adminPassword') {
      throw badOverride(
        key,
        `plain passwords are not kept with an install; give ${key}Hash, a SHA-512 crypt hash, instead`,
        `--set ${key}: plain passwords are not kept with an install; give a hash instead: --set ${key}Hash="$(openssl passwd -6)"`,
      );
    }
    const rule = Object.hasOwn(OVERRIDE_RULES, key) ? OVERRIDE_RULES[key] : undefined;
    if (!rule) throw badOverride(key, `unknown setting; the settings are: ${OVERRIDE_KEYS.join(', ')}`);
    if (typeof value !== 'string') throw badOverride(key, 'the value must be text');
    const problem = rule(value);
    if (problem) throw badOverride(key, problem);
    switch (key) {
      case 'hostname':
        hostname = value;
        break;
      case 'extraPackages':
        out.extraPackages = parsePackageList(value);
        break;
      case 'targetDisk':
        out.targetDisk = normalizeDisk(value);
        break;
      case 'rootPasswordHash':
      case 'adminPasswordHash':
        out[key] = value;
        break;
      default:
        out[key as 'domain'] = value;
    }
  }
  return { settings: out, hostname };
}

/** `{mac}` → the MAC without colons, `{n}` → the counter. */
export function expandHostnamePattern(pattern: string, mac: string, counter: number): string {
  return pattern.replace(/\{mac\}/g, mac.replace(/[:-]/g, '').toLowerCase()).replace(/\{n\}/g, String(counter));
}

/** The host name and domain an install gives a host. */
export function hostnameFor(input: { settings: InstallSettings; overrides: Record<string, string>; mac: string; counter: number }): {
  hostname: string;
  domain: string;
  fqdn: string;
} {
  const { settings, hostname } = applyOverrides(input.settings, input.overrides);
  const name = hostname ?? expandHostnamePattern(settings.hostnamePattern, input.mac, input.counter);
  return { hostname: name, domain: settings.domain, fqdn: settings.domain ? `${name}.${settings.domain}` : name };
}

// YaST names its keymaps itself (yast2-country's keyboard_raw.ycp); the common layouts mapped,
// anything else passed through (recent YaST also takes X11 layout names).
const YAST_KEYMAPS: Readonly<Record<string, string>> = {
  us: 'english-us',
  gb: 'english-uk',
  uk: 'english-uk',
  de: 'german',
  'de-ch': 'german-ch',
  ch: 'german-ch',
  fr: 'french',
  'fr-ch': 'french-ch',
  be: 'french-be',
  es: 'spanish',
  it: 'italian',
  pt: 'portugese',
  br: 'portugese-br',
  nl: 'dutch',
  se: 'swedish',
  no: 'norwegian',
  dk: 'danish',
  fi: 'finnish',
  pl: 'polish',
  cz: 'czech',
  hu: 'hungarian',
  ru: 'russian',
  jp: 'japanese',
};

function splitUrl(url: string): { hostPort: string; path: string } {
  const u = new URL(url);
  return { hostPort: u.host, path: u.pathname.replace(/\/+$/, '') || '/' };
}

/** The variables of every answer-file template (docs/design/answer-files.md, "Context"). */
export function buildAnswerContext(input: AnswerContextInput): TemplateContext {
  const { settings, hostname } = applyOverrides(input.settings, input.overrides);
  const { host, distro, urls } = input;
  const name = hostname ?? expandHostnamePattern(settings.hostnamePattern, host.mac, input.counter);
  const fqdn = settings.domain ? `${name}.${settings.domain}` : name;
  const language = settings.locale.replace(/[.@].*$/, '');
  const report = (event: string) => `${urls.report}${urls.report.includes('?') ? '&' : '?'}event=${event}`;
  return {
    host: {
      mac: host.mac,
      macPlain: host.mac.replace(/:/g, ''),
      macDashed: host.mac.replace(/:/g, '-'),
      ip: host.ip ?? '',
      firmware: host.firmware,
      uefi: host.firmware === 'uefi' || host.firmware === 'uefi-http',
      arch: host.arch,
      uuid: host.uuid ?? '',
    },
    distro: {
      id: distro.id,
      family: distro.family,
      name: distro.name,
      version: distro.version,
      arch: distro.arch,
      variant: distro.variant ?? '',
    },
    hostname: name,
    domain: settings.domain,
    fqdn,
    timezone: settings.timezone,
    locale: settings.locale,
    language,
    keyboard: settings.keyboard,
    keyboardYast: YAST_KEYMAPS[settings.keyboard.toLowerCase()] ?? settings.keyboard,
    targetDisk: normalizeDisk(settings.targetDisk),
    rootPasswordHash: settings.rootPasswordHash,
    adminUser: settings.adminUser,
    adminPasswordHash: settings.adminPasswordHash,
    sshAuthorizedKey: settings.sshAuthorizedKey.trim(),
    sshAuthorizedKeys: settings.sshAuthorizedKey
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
    extraPackages: [...settings.extraPackages],
    postInstallScript: settings.postInstallScript,
    urls: { ...urls },
    repo: splitUrl(urls.repo),
    report: { start: report('start'), installed: report('installed'), failed: report('failed'), firstBoot: report('first-boot') },
    // The one-shot unit that reports the installed system's first boot (first-boot.ts).
    firstBoot: {
      setup: firstBootSetup(report('first-boot')),
      script: firstBootScript(report('first-boot')),
      unit: firstBootUnit(),
    },
    syslog: { host: input.syslog.host, port: input.syslog.port },
    serverIp: input.serverIp,
    debianSuite: input.debianSuite,
    debianSigned: input.debianSigned ?? true,
    counter: input.counter,
  };
}

export interface AnswerTemplateSource {
  name: AnswerTemplateName;
  /** The template text, or its compiled form (compile once, render per host). */
  template: string | CompiledTemplate;
}

/**
 * The variables of the context that can be empty text or an empty list. The old template syntax
 * read a bare `{% if targetDisk %}` as "not empty"; Liquid reads it as "not nil", always true here.
 */
export const EMPTIABLE_VARIABLES: ReadonlySet<string> = new Set([
  'domain',
  'targetDisk',
  'sshAuthorizedKey',
  'sshAuthorizedKeys',
  'extraPackages',
  'postInstallScript',
  'host.ip',
  'host.uuid',
  'distro.variant',
]);

/**
 * Compiles a template; a malformed one, or one in the old (pre-Liquid) syntax, is a BAD_ARGUMENT
 * naming the template (`label`, by default "The <name> template") and the line.
 */
export function compileAnswerTemplate(name: AnswerTemplateName, text: string, label = `The ${name} template`): CompiledTemplate {
  const old = findOldSyntax(text, EMPTIABLE_VARIABLES);
  if (old) throw bad(`${label}: ${oldSyntaxMessage(old)}`);
  try {
    return compileTemplate(text);
  } catch (e) {
    if (e instanceof TemplateError) throw bad(`${label}: ${e.message}`);
    throw e;
  }
}

/** Renders an answer file for one host; a render error is a BAD_ARGUMENT naming the template and the line. */
export function renderAnswerFile(source: AnswerTemplateSource, context: TemplateContext): { text: string; contentType: string } {
  const compiled = typeof source.template === 'string' ? compileAnswerTemplate(source.name, source.template) : source.template;
  try {
    return { text: compiled.render(context), contentType: CONTENT_TYPES[source.name] };
  } catch (e) {
    if (e instanceof TemplateError) throw bad(`The ${source.name} template: ${e.message}`);
    throw e;
  }
}
