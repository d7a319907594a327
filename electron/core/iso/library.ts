// The ISO library: installer ISOs imported by path, detected, registered in distros.json, and
// served straight out of the file (nothing is copied or mounted). Import is idempotent, and the
// same ISO at another path keeps its one record; a moved or deleted ISO marks its distro `missing`
// (Locate…: locate.ts), a changed one `changed`, until it is imported again. Uploads: upload.ts;
// Remove: remove.ts.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { isArch, kernelArgsProblem, type Distro, type DistroUpdate } from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';
import type { EventBus } from '../events.js';
import { openFileSource } from '../files/plain-file.js';
import type { OpenResult } from '../files/file-source.js';
import { readJsonFile, writeJsonAtomic } from '../store/atomic.js';
import { IsoError, IsoImage } from './iso9660.js';
import { detectDistro } from './detect.js';
import { normalizeArch } from './detect/arch.js';
import { memoryWarningOf } from './detect/boot-kind.js';
import { secureBootOf, type NetbootKernelFinder, type SecureBootVerdict } from './secure-boot.js';

interface DistrosFile {
  version: 1;
  distros: Distro[];
}

export interface LibraryOptions {
  /** Debian's netboot installer kernel (install/debian-netboot.ts), for the Secure Boot verdict. */
  netbootKernel?: NetbootKernelFinder;
}

export interface ImportOptions {
  verify?: boolean;
  /** The file's sha256 when already known (an upload hashes what it receives). */
  sha256?: string;
}

export class IsoLibrary {
  private readonly distros = new Map<string, Distro>();
  private readonly images = new Map<string, Promise<IsoImage>>();
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    /** Where the library's log lines go (remove.ts and locate.ts log there too). */
    readonly bus: EventBus,
    private readonly options: LibraryOptions,
  ) {}

  static async open(dataDir: string, bus: EventBus, options: LibraryOptions = {}): Promise<IsoLibrary> {
    const library = new IsoLibrary(join(dataDir, 'distros.json'), bus, options);
    const saved = await readJsonFile<DistrosFile>(library.file, { version: 1, distros: [] });
    let renamed = false;
    const unassessed: string[] = [];
    for (const stored of saved.distros) {
      const d = withContractArch(stored);
      renamed ||= d !== stored;
      // Records stored before the Secure Boot verdict existed get it now, once (saved below).
      if (typeof (d as Partial<Distro>).secureBoot !== 'boolean') unassessed.push(d.id);
      // Records stored before live and whole-ISO boots existed were all installers.
      const boot = { boot: d.boot ?? 'installer', bootReason: d.bootReason ?? null };
      library.distros.set(d.id, { ...d, ...boot, uploaded: isInside(library.uploadDir, d.iso) });
    }
    await library.refresh();
    for (const id of unassessed) {
      const d = library.distros.get(id);
      if (d) library.distros.set(id, withVerdict(d, await library.secureBootVerdict(d)));
    }
    if (renamed || unassessed.length > 0) await library.save(); // older records, saved in today's words
    return library;
  }

  list(): Distro[] {
    return [...this.distros.values()].sort((a, b) => a.importedAt.localeCompare(b.importedAt) || a.id.localeCompare(b.id));
  }

  get(id: string): Distro | undefined {
    return this.distros.get(id);
  }

  /** Where uploads are written (`<data>/isos`): files there are Bootbench's own, deleted on Remove. */
  get uploadDir(): string {
    return join(dirname(this.file), 'isos');
  }

  /** Stores a changed record (remove.ts, locate.ts) and drops its cached image; a readable ISO is checked for Secure Boot again. */
  async replace(distro: Distro): Promise<void> {
    await this.dropImage(distro.id);
    this.update(distro.status === 'ok' ? withVerdict(distro, await this.secureBootVerdict(distro)) : distro);
    await this.save();
  }

  /** The Secure Boot verdict for a stored record, reading its ISO; one that cannot be read says so. */
  private async secureBootVerdict(distro: Distro): Promise<SecureBootVerdict> {
    if (distro.status !== 'ok')
      return { secureBoot: false, secureBootReason: `Not checked: the ISO is ${distro.status} (${distro.iso}). Import it again to check.` };
    try {
      return await secureBootOf(distro, await this.image(distro), this.options.netbootKernel);
    } catch (e) {
      return { secureBoot: false, secureBootReason: `Not checked: the ISO cannot be read (${(e as Error).message}).` };
    }
  }

  /** Drops a record (its file is the caller's business). */
  async forget(id: string): Promise<void> {
    await this.dropImage(id);
    this.distros.delete(id);
    await this.save();
  }

  /** Re-checks every ISO file: moved or deleted → missing, size/mtime differ → changed. */
  async refresh(): Promise<void> {
    let dirty = false;
    for (const d of this.distros.values()) {
      const status = await fileStatus(d);
      if (status !== d.status) {
        this.images.delete(d.id);
        const next = { ...d, status };
        this.update(status === 'ok' ? withVerdict(next, await this.secureBootVerdict(next)) : next);
        dirty = true;
      }
    }
    if (dirty) await this.save();
  }

  /**
   * Imports (or re-imports) the ISO at `path`; throws a BootbenchError and registers nothing on bad
   * input. A refusal is also logged with its reason: the log is where a technician looks later.
   */
  async import(path: string, options: ImportOptions = {}): Promise<Distro> {
    try {
      return await this.importFile(path, options);
    } catch (e) {
      this.logFailure(path, e);
      throw e;
    }
  }

  private logFailure(what: string, e: unknown): void {
    const message = e instanceof BootbenchError ? e.message : `Cannot import ${what}: ${e instanceof Error ? e.message : String(e)}`;
    this.bus.log('core', 'error', 'iso.import-failed', message, {
      data: { file: what, ...(e instanceof BootbenchError ? { code: e.code } : {}) },
    });
  }

  private async importFile(path: string, options: ImportOptions): Promise<Distro> {
    const started = performance.now();
    const file = await locate(path);
    const before = await stat(file);
    const known = [...this.distros.values()].find((d) => d.iso === file);
    if (known && known.isoSize === before.size && known.isoMtime === before.mtime.toISOString() && !options.verify) {
      // Importing again re-checks Secure Boot: what it depends on outside the ISO (Debian's netboot
      // installer) may have been added since.
      const again: Distro = { ...known, status: 'ok' };
      const checked = withVerdict(again, await this.secureBootVerdict(again));
      if (JSON.stringify(checked) !== JSON.stringify(known)) {
        this.update(checked);
        await this.save();
      }
      return this.distros.get(known.id) ?? known;
    }
    let image: IsoImage;
    try {
      image = await IsoImage.open(file);
    } catch (e) {
      throw unreadable(file, e);
    }
    const twin = this.sameIso(file, before.size, before.mtime.toISOString(), image.volumeId, options.sha256);
    if (twin) {
      await image.close();
      return this.keepTwin(twin, file, before.mtime.toISOString());
    }
    let distro: Distro;
    try {
      const found = await detectDistro(image, basename(file));
      const bootable = found.boot === 'whole-iso' || (found.kernel !== null && found.initrd !== null);
      if (found.family === 'windows' || !found.supported || !bootable) {
        const reason = found.reason ?? `no installer kernel and initrd were found (${found.evidence.join(', ') || 'nothing recognised'})`;
        throw new BootbenchError('ISO_UNSUPPORTED', { file, reason });
      }
      distro = {
        id:
          known?.id ??
          this.newId(found.family === 'generic' && found.boot === 'installer' ? 'generic' : found.name, found.version, found.arch),
        family: found.family,
        name: found.name,
        version: found.version,
        arch: found.arch,
        variant: found.variant ?? null,
        kernel: found.kernel,
        initrd: found.initrd,
        kernelArgs: known?.kernelArgs ?? '',
        iso: file,
        isoSize: before.size,
        isoMtime: before.mtime.toISOString(),
        volumeId: image.volumeId,
        status: 'ok',
        evidence: found.evidence,
        importedAt: known?.importedAt ?? new Date().toISOString(),
        sha256: options.sha256 ?? null,
        secureBoot: false,
        secureBootReason: null,
        boot: found.boot ?? 'installer',
        bootReason: found.bootReason ?? null,
        liveFamily: found.liveFamily ?? null,
        memoryWarning: memoryWarningOf(found, before.size),
      };
      distro = withVerdict(distro, await secureBootOf(distro, image, this.options.netbootKernel));
    } finally {
      await image.close();
    }
    if (options.verify) distro.sha256 = await this.verify(file, before.size);
    // A file replaced or truncated while it was read is not what was detected.
    const after = await stat(file).catch(() => null);
    if (!after || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw new BootbenchError('ISO_UNREADABLE', { file, reason: 'the file changed or vanished while it was being imported' });
    }
    this.images.delete(distro.id);
    this.update(distro);
    await this.save();
    const ms = performance.now() - started;
    this.bus.log(
      'core',
      'info',
      'iso.imported',
      `imported ${distro.name} ${distro.version} ${distro.arch} from ${file} as "${distro.id}" in ${ms.toFixed(0)} ms`,
      { data: { id: distro.id, ms } },
    );
    return this.distros.get(distro.id) ?? distro;
  }

  /** A file inside an imported ISO, for the HTTP and TFTP servers. */
  async openInside(id: string, path: string): Promise<OpenResult> {
    const distro = this.distros.get(id);
    if (!distro) return notFound(`no distro ${id}`);
    if (distro.status !== 'ok') return notFound(`the ISO of ${id} is ${distro.status} (${distro.iso}): import it again`);
    let image: IsoImage;
    try {
      image = await this.image(distro);
    } catch (e) {
      return { ok: false, failure: { kind: 'error', message: (e as Error).message } };
    }
    const inside = `/${path.replace(/^\/+/, '')}`;
    // The HTTP server refuses these already; TFTP names arrive raw.
    if (inside.split('/').some((segment) => segment === '..' || segment === '.'))
      return { ok: false, failure: { kind: 'forbidden', message: `${path}: dot segments` } };
    const entry = image.stat(inside);
    if (!entry) return notFound(`${inside} not found in ${id}`);
    if (entry.kind !== 'file') return { ok: false, failure: { kind: 'forbidden', message: `${inside} is a ${entry.kind}` } };
    try {
      return { ok: true, file: await image.openFile(inside) };
    } catch (e) {
      return { ok: false, failure: { kind: e instanceof IsoError ? 'error' : 'not-found', message: (e as Error).message } };
    }
  }

  /** The whole ISO file (Ubuntu's casper fetches it with `url=`). */
  async openWhole(id: string): Promise<OpenResult> {
    const distro = this.distros.get(id);
    if (!distro || distro.status !== 'ok') return notFound(`no usable ISO for ${id}`);
    try {
      return { ok: true, file: await openFileSource(distro.iso) };
    } catch (e) {
      return notFound((e as Error).message);
    }
  }

  async close(): Promise<void> {
    const images = [...this.images.values()];
    this.images.clear();
    for (const image of images) await image.then((i) => i.close()).catch(() => undefined);
    await this.saving;
  }

  /**
   * The user's kernel, initrd and arguments (for `generic`, or to override detection). Paths
   * must exist inside the ISO as files: a typo is caught now, not when a host boots.
   */
  async configure(id: string, change: DistroUpdate): Promise<Distro> {
    const distro = this.distros.get(id);
    if (!distro) throw new BootbenchError('DISTRO_NOT_FOUND', { id });
    const next: Distro = { ...distro };
    for (const key of ['kernel', 'initrd'] as const) {
      const value = change[key];
      if (value === undefined) continue;
      if (value === null || value === '') {
        next[key] = null;
        continue;
      }
      const opened = await this.openInside(id, value);
      if (!opened.ok)
        throw new BootbenchError('BAD_ARGUMENT', { message: `${key} "${value}" is not a file inside ${id}: ${opened.failure.message}` });
      await opened.file.close();
      next[key] = `/${value.replace(/^\/+/, '')}`;
    }
    if (change.kernelArgs !== undefined) {
      const problem = kernelArgsProblem(change.kernelArgs);
      if (problem) throw new BootbenchError('BAD_ARGUMENT', { message: problem });
      next.kernelArgs = change.kernelArgs.trim();
    }
    this.update(next);
    await this.save();
    return next;
  }

  /**
   * Another record for the same ISO at another path: same size and volume id, and the same mtime
   * or (when both are known) the same sha256. Same path is handled by the caller.
   */
  private sameIso(file: string, size: number, mtime: string, volumeId: string, sha256: string | undefined): Distro | undefined {
    return [...this.distros.values()].find(
      (d) =>
        d.iso !== file &&
        d.isoSize === size &&
        d.volumeId === volumeId &&
        (d.isoMtime === mtime || (sha256 !== undefined && d.sha256 === sha256)),
    );
  }

  /** A duplicate import keeps the one record; a record whose file went missing now points here. */
  private async keepTwin(twin: Distro, file: string, mtime: string): Promise<Distro> {
    if (twin.status === 'ok') {
      this.bus.log('core', 'info', 'iso.duplicate', `${file} is the same ISO as "${twin.id}" (${twin.iso}): kept the one record`, {
        data: { id: twin.id, file },
      });
      return twin;
    }
    const moved: Distro = { ...twin, iso: file, isoMtime: mtime, status: 'ok' };
    await this.replace(moved);
    this.bus.log('core', 'info', 'iso.located', `"${twin.id}" found again at ${file}`, { data: { id: twin.id, file } });
    return this.distros.get(twin.id) ?? moved;
  }

  private async dropImage(id: string): Promise<void> {
    const cached = this.images.get(id);
    this.images.delete(id);
    await cached?.then((i) => i.close()).catch(() => undefined);
  }

  private image(distro: Distro): Promise<IsoImage> {
    const cached = this.images.get(distro.id);
    if (cached) return cached;
    const opening = IsoImage.open(distro.iso);
    opening.catch(() => this.images.delete(distro.id));
    this.images.set(distro.id, opening);
    return opening;
  }

  /** sha256 of the whole file against SHA256SUMS beside it, with progress events. */
  private async verify(file: string, size: number): Promise<string> {
    const sumsPath = join(dirname(file), 'SHA256SUMS');
    const sums = await readFile(sumsPath, 'utf8').catch(() => null);
    if (sums === null)
      throw new BootbenchError('ISO_CHECKSUM', { file, sums: sumsPath, expected: 'a SHA256SUMS file', actual: 'none beside the ISO' });
    const name = basename(file);
    const line = sums.split('\n').find((l) => l.trim().split(/\s+\*?/)[1] === name);
    const expected = line?.trim().split(/\s+/)[0]?.toLowerCase();
    if (!expected) throw new BootbenchError('ISO_CHECKSUM', { file, sums: sumsPath, expected: `a line for ${name}`, actual: 'none' });
    const hash = createHash('sha256');
    let done = 0;
    let lastReport = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
      hash.update(chunk as Buffer);
      done += (chunk as Buffer).length;
      const now = performance.now();
      if (now - lastReport > 250 || done === size) {
        lastReport = now;
        this.bus.log('core', 'info', 'iso.verify', `verifying ${name}: ${Math.floor((done / size) * 100)} %`, {
          data: { file, done, total: size },
        });
      }
    }
    const actual = hash.digest('hex');
    if (actual !== expected) throw new BootbenchError('ISO_CHECKSUM', { file, sums: sumsPath, expected, actual });
    return actual;
  }

  private newId(name: string, version: string, arch: string): string {
    const base =
      // Empty parts (a whole ISO has no version, often no known architecture) leave no '--'.
      [name.split(' ')[0] ?? name, version, arch === 'unknown' ? '' : arch]
        .filter(Boolean)
        .join('-')
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'iso';
    let id = base;
    for (let n = 2; this.distros.has(id); n += 1) id = `${base}-${n}`;
    return id;
  }

  private update(given: Distro): void {
    const distro = { ...given, uploaded: isInside(this.uploadDir, given.iso) };
    this.distros.set(distro.id, distro);
    this.bus.emit({ type: 'distro', distro });
  }

  private save(): Promise<void> {
    this.saving = this.saving.then(() => writeJsonAtomic(this.file, { version: 1, distros: this.list() } satisfies DistrosFile));
    return this.saving;
  }
}

async function locate(path: string): Promise<string> {
  const absolute = resolve(path);
  let real: string;
  try {
    real = await realpath(absolute);
  } catch {
    throw new BootbenchError('ISO_NOT_FOUND', { file: absolute, reason: 'there is no such file' });
  }
  const st = await stat(real);
  if (!st.isFile()) throw new BootbenchError('ISO_NOT_FOUND', { file: absolute, reason: 'it is not a regular file' });
  if (st.size === 0) throw new BootbenchError('ISO_UNREADABLE', { file: absolute, reason: 'the file is empty (0 bytes)' });
  return real;
}

async function fileStatus(d: Distro): Promise<Distro['status']> {
  const st = await stat(d.iso).catch(() => null);
  if (!st || !st.isFile()) return 'missing';
  return st.size === d.isoSize && st.mtime.toISOString() === d.isoMtime ? 'ok' : 'changed';
}

const isInside = (dir: string, file: string) => file.startsWith(`${dir}${sep}`);

function notFound(message: string): OpenResult {
  return { ok: false, failure: { kind: 'not-found', message } };
}

function unreadable(file: string, e: unknown): BootbenchError {
  // IsoError messages already name the file; keep only the reason after it.
  const message = (e as Error).message;
  const reason = message.startsWith(file) ? message.slice(file.length).replace(/^[:\s]+/, '') : message;
  return new BootbenchError('ISO_UNREADABLE', { file, reason }, { cause: e });
}

/**
 * A stored record in the contract's architecture vocabulary: older versions wrote the kernel's
 * names ('aarch64', 'armhf'). Only `arch` changes; the id is a name and stays ("rocky-9.4-aarch64").
 */
/** The record with a new Secure Boot verdict (an old verdict's loaders do not outlive it). */
function withVerdict(d: Distro, verdict: SecureBootVerdict): Distro {
  const { secureBootLoaders: _old, ...rest } = d;
  return { ...rest, ...verdict };
}

function withContractArch(d: Distro): Distro {
  const stored: string = d.arch;
  return isArch(stored) ? d : { ...d, arch: normalizeArch(stored) ?? 'unknown' };
}
