// What an install is made of, read from its distro: the URLs under its token, the boot recipe (the
// installer files checked before the host boots), the installer kernel and initrd, and the answer
// file with what it needs to know of a Debian ISO's archive. The manager (manager.ts) owns the
// install's lifecycle; this owns its media.
import type { AnswerTemplateName, Distro, Host, ValidationProblem } from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';
import type { OpenResult } from '../files/file-source.js';
import { debianBootFiles, debianSuite, type DebianBootFiles } from './debian-netboot.js';
import { bootRecipe, RecipeError, type RecipeUrls } from './recipes.js';

/** The URLs of one install on the boot HTTP server (all under its token). */
export interface InstallUrls extends RecipeUrls {
  log: string;
  webhook: string;
}

export interface RenderedAnswer {
  text: string;
  contentType: string;
  validation: { ok: boolean; problems: ValidationProblem[] };
}

/** Answer-file rendering, handed in at composition (templates and settings live elsewhere). */
export interface AnswerRenderer {
  render(input: {
    name: AnswerTemplateName;
    host: Host;
    distro: Distro;
    overrides: Record<string, string>;
    urls: InstallUrls;
    counter: number;
    debianSuite: string | null;
    /** Debian: whether the ISO's archive is signed (Release.gpg or InRelease beside its Release). */
    debianSigned: boolean;
  }): Promise<RenderedAnswer>;
  /** The host name an install would give this host (for families without an answer file too). */
  hostname(host: Host, overrides: Record<string, string>, counter: number): { hostname: string; domain: string };
}

export interface InstallLibrary {
  get(id: string): Distro | undefined;
  openInside(id: string, path: string): Promise<OpenResult>;
}

export interface InstallMediaOptions {
  dataDir: string;
  library: InstallLibrary;
  answers: AnswerRenderer;
  serverIp: string;
  /** http://SERVER[:PORT] of the boot HTTP server. */
  httpBase: string;
  syslogPort: number;
  /** Bootbench's lab DNS server, when it runs one (installers are told about it where DHCP cannot). */
  labDns?: string | null;
  /** Root of Debian's installed netboot images (tests). */
  debianImages?: string;
}

export class InstallMedia {
  constructor(private readonly opts: InstallMediaOptions) {}

  urlsFor(token: string, distro: Distro): InstallUrls {
    const base = this.opts.httpBase;
    const own = `${base}/install/${token}`;
    return {
      httpBase: base,
      serverIp: this.opts.serverIp,
      kernel: `${own}/kernel`,
      initrd: `${own}/initrd`,
      answer: `${own}/answer`,
      nocloud: `${own}/nocloud/`,
      report: `${own}/report`,
      log: `${own}/log`,
      webhook: `${own}/webhook`,
      repo: `${base}/iso/${distro.id}/`,
      iso: `${base}/iso/${distro.id}.iso`,
      syslogPort: this.opts.syslogPort,
    };
  }

  async recipeFor(
    distro: Distro,
    host: Host,
    overrides: Record<string, string>,
    counter: number,
    urls: RecipeUrls,
    options: { checkFiles?: boolean } = {},
  ) {
    const { hostname, domain } = this.opts.answers.hostname(host, overrides, counter);
    try {
      const recipe = bootRecipe({
        distro,
        urls,
        hostname,
        domain,
        debianSuite: debianSuiteOf(distro),
        labDns: this.opts.labDns ?? null,
        hostKernelArgs: host.kernelArgs ?? null,
      });
      if (options.checkFiles !== false) {
        // The installer files must be there now, not when the host is already booting.
        const open = await this.bootFileOpener(distro);
        for (const which of ['kernel', 'initrd'] as const) {
          const opened = await open(which);
          if (!opened.ok) throw new RecipeError(`its ${which} cannot be read: ${opened.failure.message}`);
          await opened.file.close();
        }
      }
      return recipe;
    } catch (e) {
      if (e instanceof RecipeError) throw new BootbenchError('INSTALL_REFUSED', { distro: distro.id, mac: host.mac, reason: e.message });
      throw e;
    }
  }

  /** The installer kernel or initrd of `distro`. */
  async openBootFile(distro: Distro, which: 'kernel' | 'initrd'): Promise<OpenResult> {
    return (await this.bootFileOpener(distro))(which);
  }

  /**
   * Opens the installer kernel or initrd of `distro`. For Debian, where they come from (the ISO's
   * netboot installer or a netboot image on this machine) is looked up once for both.
   */
  private async bootFileOpener(distro: Distro): Promise<(which: 'kernel' | 'initrd') => Promise<OpenResult>> {
    if (distro.family === 'debian') {
      let files: DebianBootFiles;
      try {
        files = await debianBootFiles(distro, {
          openInside: (id, p) => this.opts.library.openInside(id, p),
          dataDir: this.opts.dataDir,
          ...(this.opts.debianImages ? { systemImages: this.opts.debianImages } : {}),
        });
      } catch (e) {
        const message = (e as Error).message;
        return async () => ({ ok: false, failure: { kind: 'not-found', message } });
      }
      return (which) => (which === 'kernel' ? files.openKernel() : files.openInitrd());
    }
    return async (which) => {
      const path = which === 'kernel' ? distro.kernel : distro.initrd;
      if (!path) return { ok: false, failure: { kind: 'not-found', message: `no ${which} path is set for ${distro.id}` } };
      return this.opts.library.openInside(distro.id, path);
    };
  }

  /** An answer file, with what the renderer needs to know of a Debian ISO's archive. */
  async renderAnswer(input: Omit<Parameters<AnswerRenderer['render']>[0], 'debianSuite' | 'debianSigned'>): Promise<RenderedAnswer> {
    return this.opts.answers.render({ ...input, ...(await this.debianArchive(input.distro)) });
  }

  /**
   * The suite of a Debian ISO's archive and whether it is signed. Debian's CDs carry a Release file
   * but no Release.gpg/InRelease (their integrity is the image's checksum), and the netboot
   * installer rejects an unsigned mirror unless told otherwise: the preseed says so only then.
   */
  private async debianArchive(distro: Distro): Promise<{ debianSuite: string | null; debianSigned: boolean }> {
    const suite = debianSuiteOf(distro);
    if (!suite) return { debianSuite: null, debianSigned: true };
    for (const name of ['InRelease', 'Release.gpg']) {
      const opened = await this.opts.library.openInside(distro.id, `dists/${suite}/${name}`);
      if (opened.ok) {
        await opened.file.close();
        return { debianSuite: suite, debianSigned: true };
      }
    }
    return { debianSuite: suite, debianSigned: false };
  }
}

function debianSuiteOf(distro: Distro): string | null {
  return distro.family === 'debian' ? debianSuite(distro.version) : null;
}
