// Walks the directory hierarchy once and builds the index. I/O goes through an injected reader
// (positional reads of exact length that throw IsoError), so the walk is testable over an
// in-memory image. Each directory extent is one read; the directories of one tree level are read
// concurrently (the threadpool overlaps them on a cold cache).
import { decodeDirectory, decodeRecord, FLAG_ASSOCIATED, FLAG_DIRECTORY, FLAG_MULTI_EXTENT, isSelfOrParent, recordDate, type DirRecord } from './directory.js';
import type { DescriptorSet } from './descriptors.js';
import { DecodeError, IsoError } from './errors.js';
import { jolietName, nameProblem, plainName } from './names.js';
import { decodeSusp, findSp, hasRockRidgeExtension, newRockRidgeState, rockName, rockTarget, type RockRidgeState } from './rock-ridge.js';
import type { IsoEntry, IsoExtent, IsoNames, IsoNode } from './types.js';

export interface ImageReader {
  /** Exactly `length` bytes at `position`, or throws IsoError (TRUNCATED, IO). */
  read(position: number, length: number): Promise<Buffer>;
}

export interface WalkInput {
  file: string;
  fileSize: number;
  set: DescriptorSet;
  reader: ImageReader;
  maxEntries: number;
  maxDepth: number;
}

export interface ImageIndex {
  names: IsoNames;
  root: IsoNode;
  entries: IsoEntry[];
}

/** A directory is at most this big (≈ 250,000 records): beyond, the image is refused, not read. */
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;
/** Continuation areas one record may chain (SUSP has no limit; real images use one or two). */
const MAX_CONTINUATIONS = 32;
const MAX_CONTINUATION_BYTES = 64 * 1024;
const LEVEL_CONCURRENCY = 16;
/** Neighbouring directory extents closer than this are read in one go (the gap is read too). */
const COALESCE_GAP = 256 * 1024;
const COALESCE_MAX = 16 * 1024 * 1024;

interface Pending {
  node: IsoNode;
  location: number;
  /** null: a Rock Ridge relocated directory (CL), whose length its own "." record gives. */
  length: number | null;
  depth: number;
}

interface Scheme {
  names: IsoNames;
  blockSize: number;
  root: DirRecord & { buf: Buffer };
  /** SUSP LEN_SKP when Rock Ridge is used. */
  skip: number;
}

export async function walkImage(input: WalkInput): Promise<ImageIndex> {
  const w = new Walker(input);
  return w.run();
}

class Walker {
  private readonly entries: IsoEntry[] = [];
  private readonly visited = new Map<number, string>();
  private scheme!: Scheme;

  private readonly blockSize: number;

  constructor(private readonly input: WalkInput) {
    this.blockSize = input.set.primary.blockSize;
  }

  async run(): Promise<ImageIndex> {
    this.scheme = await this.chooseScheme();
    const { root: rootRec } = this.scheme;
    const blockSize = this.blockSize;
    const rootEntry: IsoEntry = { path: '/', name: '', kind: 'dir', size: rootRec.dataLength, extents: [], mtime: recordDate(rootRec.buf, rootRec), };
    const root = { entry: rootEntry, children: new Map() } as IsoNode;
    root.parent = root;
    rootEntry.extents = [{ position: rootRec.location * blockSize, length: rootRec.dataLength }];
    this.visited.set(rootRec.location, '/');
    let level: Pending[] = [{ node: root, location: rootRec.location, length: rootRec.dataLength, depth: 0 }];
    while (level.length > 0) {
      const next: Pending[] = [];
      const bufs = await this.readLevel(level);
      for (let j = 0; j < level.length; j++) await this.decodeChildren(level[j]!, bufs[j]!, next);
      level = next;
    }
    return { names: this.scheme.names, root, entries: this.entries };
  }

  /** Rock Ridge when the root's "." record has SP and Rock Ridge entries; else Joliet; else plain. */
  private async chooseScheme(): Promise<Scheme> {
    const { set } = this.input;
    const blockSize = set.primary.blockSize;
    const primaryRoot = this.decodeRoot(set.primary.root, 'primary');
    const first = await this.readExtent(primaryRoot.location, Math.min(primaryRoot.dataLength, blockSize), 'the root directory');
    const dot = first[0] ? this.corruptOnDecode(() => decodeRecord(first, 0), 'the root directory') : null;
    const sp = dot ? findSp(first, dot.suStart, dot.suEnd) : null;
    if (dot && sp) {
      const st = newRockRidgeState();
      await this.systemUse(first, dot, sp.at, st, '/');
      if (st.rock || hasRockRidgeExtension(st)) return { names: 'rockridge', blockSize, root: primaryRoot, skip: sp.skip };
    }
    if (set.joliet) {
      if (set.joliet.blockSize !== blockSize) throw this.corrupt('has a Joliet descriptor whose block size differs from the primary one');
      return { names: 'joliet', blockSize, root: this.decodeRoot(set.joliet.root, 'Joliet'), skip: 0 };
    }
    return { names: 'iso9660', blockSize, root: primaryRoot, skip: 0 };
  }

  private decodeRoot(raw: Buffer, what: string): DirRecord & { buf: Buffer } {
    const rec = this.corruptOnDecode(() => decodeRecord(raw, 0), `the ${what} volume descriptor's root record`);
    if ((rec.flags & FLAG_DIRECTORY) === 0) throw this.corrupt(`has a ${what} root record that is not a directory`);
    return { ...rec, buf: raw };
  }

  /**
   * The extents of one level's directories. Image writers put directories next to each other
   * (xorriso, mkisofs: all of them after the path tables), so neighbours are read together:
   * a level of a hundred directories is usually one read instead of a hundred.
   */
  private async readLevel(level: Pending[]): Promise<Buffer[]> {
    const lengths: number[] = [];
    for (const p of level) {
      const where = `directory ${p.node.entry.path}`;
      let length = p.length;
      if (length === null) {
        // A relocated directory (CL): its own "." record says how long it is.
        const head = await this.readExtent(p.location, this.blockSize, where);
        length = this.corruptOnDecode(() => decodeRecord(head, 0), where).dataLength;
        p.node.entry.size = length;
        p.node.entry.extents = [{ position: p.location * this.blockSize, length }];
      }
      if (length > MAX_DIRECTORY_BYTES) {
        throw new IsoError('TOO_LARGE', this.input.file, `has a directory ${p.node.entry.path} of ${length} bytes (at most ${MAX_DIRECTORY_BYTES} accepted)`);
      }
      const position = p.location * this.blockSize;
      if (position + length > this.input.fileSize) {
        throw this.corrupt(`has directory ${p.node.entry.path} pointing outside the file (bytes ${position}–${position + length}, the file has ${this.input.fileSize})`);
      }
      lengths.push(length);
    }
    const order = level.map((_, i) => i).sort((a, b) => level[a]!.location - level[b]!.location);
    const out: Buffer[] = new Array<Buffer>(level.length);
    const runs: Array<{ start: number; end: number; members: number[] }> = [];
    for (const i of order) {
      const start = level[i]!.location * this.blockSize;
      const end = start + lengths[i]!;
      const run = runs[runs.length - 1];
      if (run && start - run.end <= COALESCE_GAP && Math.max(end, run.end) - run.start <= COALESCE_MAX) {
        run.end = Math.max(run.end, end);
        run.members.push(i);
      } else runs.push({ start, end, members: [i] });
    }
    for (let r = 0; r < runs.length; r += LEVEL_CONCURRENCY) {
      const batch = runs.slice(r, r + LEVEL_CONCURRENCY);
      const bufs = await Promise.all(batch.map((run) => this.input.reader.read(run.start, run.end - run.start)));
      batch.forEach((run, k) => {
        for (const i of run.members) {
          const at = level[i]!.location * this.blockSize - run.start;
          out[i] = bufs[k]!.subarray(at, at + lengths[i]!);
        }
      });
    }
    return out;
  }

  private async decodeChildren(p: Pending, buf: Buffer, next: Pending[]): Promise<void> {
    const blockSize = this.blockSize;
    const dirPath = p.node.entry.path;
    const where = `directory ${dirPath}`;
    const records = this.corruptOnDecode(() => decodeDirectory(buf, buf.length, blockSize), where);
    const children = p.node.children!;
    let multi: { name: string; entry: IsoEntry; flags: number } | null = null;
    for (const rec of records) {
      if (isSelfOrParent(buf, rec) || rec.flags & FLAG_ASSOCIATED) continue;
      const st = newRockRidgeState();
      if (this.scheme.names === 'rockridge') await this.systemUse(buf, rec, rec.suStart + this.scheme.skip, st, dirPath);
      if (st.relocated) continue; // shown where its CL record stands (RRIP §4.1.5)
      const name = this.name(buf, rec, st);
      const problem = nameProblem(name);
      if (problem !== null) throw this.corrupt(`is corrupt: ${where}: ${problem}`);
      const path = `${dirPath === '/' ? '' : dirPath}/${name}`;
      const extents = this.extents(rec, path);
      if (multi !== null) {
        // ECMA-119 §6.5.1: the records of a multi-extent file follow each other, same name.
        if (name !== multi.name) throw this.corrupt(`has a multi-extent file ${dirPath}/${multi.name} whose last part is missing`);
        multi.entry.extents.push(...extents);
        multi.entry.size += rec.dataLength;
        if (rec.flags & FLAG_MULTI_EXTENT) continue;
        multi = null;
        continue;
      }
      const target = rockTarget(st);
      const isDir = st.childLink !== null || (rec.flags & FLAG_DIRECTORY) !== 0;
      const kind: IsoEntry['kind'] = target !== null ? 'symlink' : isDir ? 'dir' : 'file';
      const entry: IsoEntry = {
        path,
        name,
        kind,
        size: kind === 'symlink' ? Buffer.byteLength(target!) : rec.dataLength,
        extents: kind === 'file' ? extents : [],
        mtime: st.mtime ?? recordDate(buf, rec),
      };
      if (target !== null) entry.target = target;
      if (children.has(name)) continue; // a second version (";2") or a duplicate: the first wins, as in Linux
      if (this.entries.length >= this.input.maxEntries) {
        throw new IsoError('TOO_LARGE', this.input.file, `has more than ${this.input.maxEntries} entries (stopped at ${path})`);
      }
      const node: IsoNode = { entry, parent: p.node, children: kind === 'dir' ? new Map() : null };
      children.set(name, node);
      this.entries.push(entry);
      if (kind === 'file' && rec.flags & FLAG_MULTI_EXTENT) multi = { name, entry, flags: rec.flags };
      if (kind === 'dir') this.enqueue(node, rec, st, p.depth + 1, next);
    }
    if (multi !== null) throw this.corrupt(`has a multi-extent file ${dirPath}/${multi.name} whose last part is missing`);
  }

  private enqueue(node: IsoNode, rec: DirRecord, st: RockRidgeState, depth: number, next: Pending[]): void {
    const location = st.childLink ?? rec.location;
    const path = node.entry.path;
    if (depth > this.input.maxDepth) {
      throw new IsoError('TOO_LARGE', this.input.file, `has directories nested deeper than ${this.input.maxDepth} levels (at ${path})`);
    }
    const seen = this.visited.get(location);
    if (seen !== undefined) throw this.corrupt(`has a directory loop: ${path} points at the same extent as ${seen}`);
    this.visited.set(location, path);
    const length = st.childLink !== null ? null : rec.dataLength;
    if (length !== null) node.entry.extents = [{ position: location * this.blockSize, length }];
    next.push({ node, location, length, depth });
  }

  private name(buf: Buffer, rec: DirRecord, st: RockRidgeState): string {
    const rr = rockName(st);
    if (rr !== null) return rr;
    return this.scheme.names === 'joliet' ? jolietName(buf, rec.nameStart, rec.nameLength) : plainName(buf, rec.nameStart, rec.nameLength);
  }

  /** A record's data extents, checked against the file; interleaved files (§6.4.3) become runs. */
  private extents(rec: DirRecord, path: string): IsoExtent[] {
    if (rec.dataLength === 0) return [];
    const bs = this.blockSize;
    const start = (rec.location + rec.xarLength) * bs;
    const end = start + rec.dataLength;
    if (end > this.input.fileSize && (rec.flags & FLAG_DIRECTORY) === 0) {
      throw this.corrupt(`has ${path} pointing outside the file (bytes ${start}–${end}, the file has ${this.input.fileSize})`);
    }
    if (rec.unitSize === 0) return [{ position: start, length: rec.dataLength }];
    const unit = rec.unitSize * bs;
    const stride = (rec.unitSize + rec.gap) * bs;
    const runs: IsoExtent[] = [];
    for (let done = 0; done < rec.dataLength; done += unit) {
      if (runs.length >= 1 << 16) throw this.corrupt(`has an interleaved file ${path} with too many runs`);
      const position = start + (done / unit) * stride;
      const length = Math.min(unit, rec.dataLength - done);
      if (position + length > this.input.fileSize) throw this.corrupt(`has ${path} pointing outside the file`);
      runs.push({ position, length });
    }
    return runs;
  }

  /** Decodes a record's system use area from `from`, then every continuation area it chains. */
  private async systemUse(buf: Buffer, rec: DirRecord, from: number, st: RockRidgeState, dir: string): Promise<void> {
    const where = `the Rock Ridge entries in directory ${dir}`;
    let ce = this.corruptOnDecode(() => decodeSusp(buf, from, rec.suEnd, st), where);
    const seen = new Set<string>();
    while (ce !== null) {
      const key = `${ce.block}:${ce.offset}`;
      if (seen.has(key)) throw this.corrupt(`has Rock Ridge continuation areas that loop (block ${ce.block}) in directory ${dir}`);
      seen.add(key);
      if (seen.size > MAX_CONTINUATIONS) throw this.corrupt(`chains more than ${MAX_CONTINUATIONS} Rock Ridge continuation areas in directory ${dir}`);
      if (ce.length > MAX_CONTINUATION_BYTES || ce.offset >= this.blockSize) {
        throw this.corrupt(`has a Rock Ridge continuation area that cannot be right (${ce.length} bytes at offset ${ce.offset}) in directory ${dir}`);
      }
      const position = ce.block * this.blockSize + ce.offset;
      if (position + ce.length > this.input.fileSize) {
        throw this.corrupt(`has a Rock Ridge continuation area outside the file (byte ${position}) in directory ${dir}`);
      }
      const area = await this.input.reader.read(position, ce.length);
      const current = ce;
      ce = this.corruptOnDecode(() => decodeSusp(area, 0, current.length, st), where);
    }
  }

  private async readExtent(location: number, length: number, what: string): Promise<Buffer> {
    const position = location * this.blockSize;
    if (position + length > this.input.fileSize) {
      throw this.corrupt(`has ${what} pointing outside the file (bytes ${position}–${position + length}, the file has ${this.input.fileSize})`);
    }
    return this.input.reader.read(position, length);
  }

  private corruptOnDecode<T>(f: () => T, where: string): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof DecodeError) throw this.corrupt(`is corrupt: ${where}: ${e.message}`);
      throw e;
    }
  }

  private corrupt(reason: string): IsoError {
    return new IsoError('CORRUPT', this.input.file, reason);
  }
}
