// The answer-file templates: the defaults that ship (assets/templates, TEMPLATES_DIR) and the
// user's edits (`<dataDir>/templates/<name>`, written atomically). An edit is saved only when it
// compiles and renders for sample hosts (one with every setting filled in, one with none), so a
// broken template is refused at Save, not discovered when a machine is mid-install. An edit on
// disk that does not compile (typically one saved in the pre-Liquid syntax) is refused when the
// store opens: the file is left as it is, the shipped template serves meanwhile, and the refusal
// (with the line) is shown with the template. Compiled templates are cached: compile once, render
// per host.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ANSWER_TEMPLATE_NAMES,
  type AnswerTemplate,
  type AnswerTemplateName,
  type Distro,
  type Host,
  type InstallSettings,
} from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';
import { TEMPLATES_DIR } from '../paths.js';
import { writeFileAtomic } from '../store/atomic.js';
import { buildAnswerContext, compileAnswerTemplate, familiesOf, renderAnswerFile, type AnswerContextInput } from './answer-files.js';
import type { CompiledTemplate } from './template-liquid.js';
import { DEFAULT_SETTINGS } from './settings-store.js';

/** The file of each shipped template in TEMPLATES_DIR. */
export const DEFAULT_TEMPLATE_FILES: Readonly<Record<AnswerTemplateName, string>> = {
  kickstart: 'kickstart.ks',
  preseed: 'preseed.cfg',
  autoinstall: 'autoinstall.yaml',
  autoyast: 'autoyast.xml',
};

const MAX_TEMPLATE = 256 * 1024;

const bad = (message: string) => new BootbenchError('BAD_ARGUMENT', { message });

export function isTemplateName(name: string): name is AnswerTemplateName {
  return (ANSWER_TEMPLATE_NAMES as readonly string[]).includes(name);
}

interface Entry {
  defaultText: string;
  customText: string | null;
  /** Why customText is not used (it does not compile: the file and the line), or null. */
  refusal: string | null;
  compiled: CompiledTemplate | null;
}

export interface TemplateStoreOptions {
  /** Where the shipped templates are (tests). */
  defaultsDir?: string;
}

export class TemplateStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly entries: Map<AnswerTemplateName, Entry>,
  ) {}

  static async open(dataDir: string, options: TemplateStoreOptions = {}): Promise<TemplateStore> {
    const defaultsDir = options.defaultsDir ?? TEMPLATES_DIR;
    const dir = join(dataDir, 'templates');
    const entries = new Map<AnswerTemplateName, Entry>();
    for (const name of ANSWER_TEMPLATE_NAMES) {
      const defaultText = await readFile(join(defaultsDir, DEFAULT_TEMPLATE_FILES[name]), 'utf8');
      let customText: string | null = null;
      try {
        customText = await readFile(join(dir, name), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
          throw new BootbenchError('DATA_DIR', { dataDir, reason: `templates/${name}: ${(e as Error).message}` }, { cause: e });
      }
      entries.set(name, { defaultText, customText, ...refusalOf(name, customText) });
    }
    return new TemplateStore(dir, entries);
  }

  list(): AnswerTemplate[] {
    return ANSWER_TEMPLATE_NAMES.map((name) => this.get(name));
  }

  get(name: string): AnswerTemplate {
    const n = checkName(name);
    const e = this.entry(n);
    return {
      name: n,
      families: familiesOf(n),
      text: e.customText ?? e.defaultText,
      custom: e.customText !== null,
      defaultText: e.defaultText,
      refusal: e.refusal,
    };
  }

  /** The compiled template (cached): the user's edit, or the shipped one while the edit is refused. */
  compiled(name: AnswerTemplateName): CompiledTemplate {
    const e = this.entry(name);
    e.compiled ??= compileAnswerTemplate(name, e.refusal === null ? (e.customText ?? e.defaultText) : e.defaultText);
    return e.compiled;
  }

  /** Saves an edit after checking it compiles and renders; `null` (or the default text) restores the default. */
  save(name: string, text: string | null): Promise<AnswerTemplate> {
    const run = this.queue.then(() => this.apply(name, text));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(name: string, text: string | null): Promise<AnswerTemplate> {
    const n = checkName(name);
    const e = this.entry(n);
    if (text !== null && typeof text !== 'string') throw bad(`The ${n} template must be text (or null to restore the default)`);
    if (text === null || text === e.defaultText) {
      await rm(join(this.dir, n), { force: true });
      e.customText = null;
      e.refusal = null;
      e.compiled = null;
      return this.get(n);
    }
    if (text.length > MAX_TEMPLATE) throw bad(`The ${n} template is larger than ${MAX_TEMPLATE / 1024} KiB`);
    const compiled = compileAnswerTemplate(n, text);
    for (const input of sampleInputs(n)) renderAnswerFile({ name: n, template: compiled }, buildAnswerContext(input));
    await writeFileAtomic(join(this.dir, n), text);
    e.customText = text;
    e.refusal = null;
    e.compiled = compiled;
    return this.get(n);
  }

  private entry(name: AnswerTemplateName): Entry {
    return this.entries.get(name) as Entry;
  }
}

/** An edit found on disk compiles, or is refused with the file and the line (and left on disk). */
function refusalOf(name: AnswerTemplateName, customText: string | null): Pick<Entry, 'refusal' | 'compiled'> {
  if (customText === null) return { refusal: null, compiled: null };
  try {
    return { refusal: null, compiled: compileAnswerTemplate(name, customText, `templates/${name}`) };
  } catch (e) {
    if (e instanceof BootbenchError && e.code === 'BAD_ARGUMENT') {
      return {
        refusal: `${e.message.replace(/\.?$/, '.')} Until it is saved again, the shipped ${name} template is used.`,
        compiled: null,
      };
    }
    throw e;
  }
}

function checkName(name: string): AnswerTemplateName {
  if (!isTemplateName(name)) throw bad(`No template "${name}": the templates are ${ANSWER_TEMPLATE_NAMES.join(', ')}`);
  return name;
}

const SAMPLE_FAMILY = { kickstart: 'rhel', preseed: 'debian', autoinstall: 'ubuntu', autoyast: 'suse' } as const;

/** Two sample installs a saved template must render for: every setting filled in, and none. */
export function sampleInputs(name: AnswerTemplateName): AnswerContextInput[] {
  const family = SAMPLE_FAMILY[name];
  const host: Host = {
    mac: '52:54:00:12:34:56',
    firmware: 'uefi',
    arch: 'x86_64',
    clientArch: 7,
    ip: '192.0.2.10',
    state: 'queued',
    distro: `sample-${family}`,
    uuid: null,
    vendorClass: null,
    userClass: null,
    hostname: null,
    firstSeen: '2025-01-01T00:00:00.000Z',
    lastSeen: '2025-01-01T00:00:00.000Z',
    chain: 'ipxe',
  };
  const distro: Distro = {
    id: `sample-${family}`,
    family,
    name: `Sample ${family}`,
    version: '1',
    arch: 'x86_64',
    variant: null,
    kernel: null,
    initrd: null,
    kernelArgs: '',
    iso: '/dev/null',
    isoSize: 0,
    isoMtime: '2025-01-01T00:00:00.000Z',
    volumeId: 'SAMPLE',
    status: 'ok',
    evidence: [],
    importedAt: '2025-01-01T00:00:00.000Z',
    sha256: null,
    secureBoot: false,
    secureBootReason: null,
    boot: 'installer',
    bootReason: null,
  };
  const base = 'http://192.0.2.1';
  const urls = {
    httpBase: base,
    answer: `${base}/install/TOKEN/answer`,
    report: `${base}/install/TOKEN/report`,
    log: `${base}/install/TOKEN/log`,
    webhook: `${base}/install/TOKEN/webhook`,
    repo: `${base}/iso/sample/`,
    iso: `${base}/iso/sample.iso`,
  };
  const hash = '$6$samplesalt$smC5ET9NJttPfD598y0r0JQhYI6pFcv/KdDFfA/1GbyfbgWDXthvT5.cyHzLFRRCdZ7GyXSlwDJM9beKbX5oZ0';
  const full: InstallSettings = {
    ...DEFAULT_SETTINGS,
    rootPasswordHash: hash,
    adminPasswordHash: hash,
    sshAuthorizedKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA sample',
    extraPackages: ['vim'],
    postInstallScript: 'echo sample',
    targetDisk: '',
  };
  const bare: InstallSettings = { ...DEFAULT_SETTINGS, extraPackages: [], targetDisk: '/dev/sda' };
  const common = { host, distro, overrides: {}, urls, syslog: { host: '192.0.2.1', port: 514 }, serverIp: '192.0.2.1', counter: 1 };
  return [
    { ...common, settings: full, debianSuite: family === 'debian' ? 'bookworm' : null },
    { ...common, settings: bare, debianSuite: null },
  ];
}
