// Bootbench's ISO 9660 reader: indexes an image once (volume descriptors, the whole directory
// tree with Rock Ridge, Joliet or plain names, multi-extent files), then answers lookups from
// memory and reads file bytes by position. No mounting, no copying, no external tool: the ISO is
// served as it is (issue 4). The decoders (descriptors, directory, rock-ridge, names) are pure;
// this file and image-file.ts do the I/O.
import { open as openFile, type FileHandle } from 'node:fs/promises';
import type { FileSource } from '../files/file-source.js';
import { DESCRIPTOR_START, scanDescriptors, SECTOR, type DescriptorSet } from './descriptors.js';
import { DecodeError, IsoError } from './errors.js';
import { bootPlatforms, type BootPlatform } from './el-torito.js';
import { ImageFile, ioError } from './image-file.js';
import { lookup, type Lookup } from './lookup.js';
import { walkImage } from './tree.js';
import type { IsoEntry, IsoNames, IsoNode, IsoOpenOptions } from './types.js';

export { IsoError, isIsoError, type IsoErrorCode } from './errors.js';
export type { IsoEntry, IsoExtent, IsoNames, IsoOpenOptions } from './types.js';

export const DEFAULT_MAX_ENTRIES = 200_000;
export const DEFAULT_MAX_DEPTH = 64;
export const DEFAULT_READ_FILE_MAX = 1024 * 1024;
/** Descriptors read at once: the set is a handful of sectors; UDF's recognition sequence follows. */
const DESCRIPTOR_READ = 32 * SECTOR;
const DESCRIPTOR_MAX = 512 * SECTOR;

export class IsoImage {
  private constructor(
    readonly path: string,
    readonly size: number,
    readonly volumeId: string,
    readonly names: IsoNames,
    /** UDF descriptors follow the ISO ones (Windows media, DVD-Video): for detection. */
    readonly udf: boolean,
    /** The firmware its El Torito catalog boots (empty: not bootable as a whole), for the whole-ISO boot. */
    readonly bootPlatforms: BootPlatform[],
    private readonly file: ImageFile,
    private readonly root: IsoNode,
    private readonly all: () => IsoEntry[],
  ) {}

  /** Opens and indexes the image; throws IsoError naming the file and the reason. */
  static async open(path: string, options: IsoOpenOptions = {}): Promise<IsoImage> {
    let handle: FileHandle;
    try {
      handle = await openFile(path, 'r');
    } catch (e) {
      throw ioError(path, e);
    }
    const file = new ImageFile(handle, path);
    try {
      let size: number;
      try {
        const st = await handle.stat();
        if (!st.isFile()) throw new IsoError('NOT_ISO', path, 'is not a regular file');
        size = st.size;
      } catch (e) {
        throw e instanceof IsoError ? e : ioError(path, e);
      }
      const { set, buf: descriptors } = await readDescriptors(file, size);
      const volumeBytes = set.primary.volumeBlocks * set.primary.blockSize;
      if (volumeBytes > size) {
        throw new IsoError(
          'TRUNCATED',
          path,
          `is truncated: it has ${size} bytes but its volume descriptor says ${volumeBytes} (an unfinished download or copy?)`,
        );
      }
      const index = await walkImage({
        file: path,
        fileSize: size,
        set,
        reader: file,
        // Usually holds the path tables too (image writers put them right after the descriptors).
        known: { start: DESCRIPTOR_START, buf: descriptors },
        maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
        maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
      });
      const platforms = await readBootPlatforms(file, size, set.bootCatalog);
      return new IsoImage(path, size, set.primary.volumeId, index.names, set.udf, platforms, file, index.root, index.entries);
    } catch (e) {
      await file.close();
      throw e;
    }
  }

  /** Every entry but the root, directories before their contents (breadth first). */
  entries(): IsoEntry[] {
    return this.all();
  }

  /** The entry at `path`, following symlinks; null when there is none (or links loop). */
  stat(path: string): IsoEntry | null {
    const r = this.find(path, true);
    return r.ok ? r.node.entry : null;
  }

  /** As stat, but a symlink in last position is returned itself. */
  lstat(path: string): IsoEntry | null {
    const r = this.find(path, false);
    return r.ok ? r.node.entry : null;
  }

  /** The entries of directory `dir` (symlinks followed) in directory order; [] when it is no directory. */
  list(dir: string): IsoEntry[] {
    const r = this.find(dir, true);
    if (!r.ok || r.node.children === null) return [];
    return [...r.node.children.values()].map((n) => n.entry);
  }

  /** A small file's bytes (.treeinfo, .disk/info); IsoError TOO_LARGE above maxBytes (1 MiB). */
  async readFile(path: string, maxBytes = DEFAULT_READ_FILE_MAX): Promise<Buffer> {
    const entry = this.fileEntry(path);
    if (entry.size > maxBytes) {
      throw new IsoError('TOO_LARGE', this.path, `has ${path} of ${entry.size} bytes, more than the ${maxBytes} bytes readFile accepts`);
    }
    const out = Buffer.allocUnsafe(entry.size);
    let done = 0;
    for (const e of entry.extents) {
      const part = await this.file.read(e.position, e.length);
      part.copy(out, done);
      done += e.length;
    }
    return out;
  }

  /** A FileSource over a file in the image (byte ranges across extents), for HTTP and TFTP. */
  async openFile(path: string): Promise<FileSource> {
    const entry = this.fileEntry(path);
    return this.file.source(entry.extents, entry.size, entry.mtime);
  }

  /** Closes the file handle (once the FileSources still open are closed too). */
  close(): Promise<void> {
    return this.file.close();
  }

  private find(path: string, followLast: boolean): Lookup {
    return lookup(this.root, path, { followLast, caseInsensitive: this.names === 'iso9660' });
  }

  private fileEntry(path: string): IsoEntry {
    const r = this.find(path, true);
    if (!r.ok) {
      if (r.reason === 'loop') throw new IsoError('CORRUPT', this.path, `has a symlink loop at ${path} (more than 40 links followed)`);
      throw new IsoError('NOT_FOUND', this.path, `has no file ${path}`);
    }
    if (r.node.entry.kind !== 'file') throw new IsoError('NOT_FOUND', this.path, `has no file ${path} (it is a directory)`);
    return r.node.entry;
  }
}

/** The El Torito catalog's platforms; a catalog outside the file is no catalog (not bootable). */
async function readBootPlatforms(file: ImageFile, size: number, sector: number | null): Promise<BootPlatform[]> {
  if (sector === null || sector <= 16 || (sector + 1) * SECTOR > size) return [];
  return bootPlatforms(await file.read(sector * SECTOR, SECTOR));
}

/** Reads and decodes the volume descriptor set from sector 16 on, wrapping what goes wrong. */
async function readDescriptors(file: ImageFile, size: number): Promise<{ set: DescriptorSet; buf: Buffer }> {
  const path = file.file;
  if (size === 0) throw new IsoError('NOT_ISO', path, 'is empty (0 bytes), not an ISO 9660 image');
  if (size < DESCRIPTOR_START + SECTOR) {
    throw new IsoError(
      'NOT_ISO',
      path,
      `is not an ISO 9660 image (${size} bytes: too small to hold the volume descriptors at byte ${DESCRIPTOR_START})`,
    );
  }
  for (let want = DESCRIPTOR_READ; ; want *= 2) {
    const length = Math.min(want, size - DESCRIPTOR_START);
    const buf = await file.read(DESCRIPTOR_START, length - (length % SECTOR));
    let scan;
    try {
      scan = scanDescriptors(buf);
    } catch (e) {
      if (e instanceof DecodeError) throw new IsoError('CORRUPT', path, `is corrupt: ${e.message}`);
      throw e;
    }
    if (scan.kind === 'ok') return { set: scan.set, buf };
    if (scan.kind === 'not-iso') {
      throw new IsoError('NOT_ISO', path, `is not an ISO 9660 image (no CD001 volume descriptor at sector 16; found ${scan.found})`);
    }
    if (length < want) throw new IsoError('TRUNCATED', path, 'is truncated: it ends inside its volume descriptor set (no terminator)');
    if (want >= DESCRIPTOR_MAX)
      throw new IsoError('CORRUPT', path, `is corrupt: no volume descriptor set terminator in ${DESCRIPTOR_MAX / SECTOR} sectors`);
  }
}
