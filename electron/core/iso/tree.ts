// Walks the directory hierarchy once and builds the index. I/O goes through an injected reader
// (positional reads of exact length that throw IsoError), so the walk is testable over an
// in-memory image. Each directory extent is one read; the directories of one tree level are read
// concurrently (the threadpool overlaps them on a cold cache).
import {
  decodeDirectory,
  decodeRecord,
  FLAG_ASSOCIATED,
  FLAG_DIRECTORY,
  FLAG_MULTI_EXTENT,
  isSelfOrParent,
  recordDate,
  type DirRecord,
} from './directory.js';
import type { DescriptorSet } from './descriptors.js';
import { DecodeError, IsoError } from './errors.js';
import { jolietName, nameProblem, plainName } from './names.js';
import {
  decodeSusp,
  findSp,
  hasRockRidgeExtension,
  newRockRidgeState,
  rockName,
  rockTarget,
  type Continuation,
  type RockRidgeState,
} from './rock-ridge.js';
import { PrefetchedReader, type ImageReader } from './prefetch.js';
import type { IsoEntry, IsoExtent, IsoNames, IsoNode } from './types.js';

export interface WalkInput {
  file: string;
  fileSize: number;
  set: DescriptorSet;
  reader: ImageReader;
  /** Bytes of the image already in memory (the volume descriptors), served without reading again. */
  known?: { start: number; buf: Buffer };
  maxEntries: number;
  maxDepth: number;
}

export interface ImageIndex {
  names: IsoNames;
  root: IsoNode;
  /** Every entry but the root, breadth first, each directory's in directory order (builds every listing). */
  entries(): IsoEntry[];
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
  node: DirNode;
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

/** What a directory's children are made from when it is first looked at (DirNode). */
interface Listing {
  /** The directory's extent. */
  buf: Buffer;
  /** Rock Ridge of the records whose entries go on in continuation areas (read by the walk), by record offset. */
  continued: Map<number, RockRidgeState>;
  /** The subdirectories' nodes, made by the walk, by record offset. */
  dirs: Map<number, IsoNode>;
}

/**
 * A directory of the index. The walk checks every record of every directory and makes the
 * directory nodes, but a directory's file entries are made only when it is first looked at: an
 * import looks into a handful of directories, and making 3,000 entries that nobody reads (with
 * their paths, dates and extents) cost more than the rest of the walk, mostly in the garbage
 * collector. The listing is built from bytes the walk has already checked, without I/O.
 */
class DirNode implements IsoNode {
  readonly parent: IsoNode;
  listing: Listing | null = null;
  private built: Map<string, IsoNode> | null = null;

  constructor(
    readonly entry: IsoEntry,
    parent: IsoNode | null,
    private readonly lister: Walker,
  ) {
    this.parent = parent ?? this;
  }

  get children(): Map<string, IsoNode> {
    if (this.built === null) {
      this.built = this.listing === null ? new Map() : this.lister.list(this, this.listing);
      this.listing = null;
    }
    return this.built;
  }
}

/** Breadth first from the root, each directory's entries in directory order (the order the walk met them). */
function allEntries(root: IsoNode): IsoEntry[] {
  const out: IsoEntry[] = [];
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    for (const child of queue[i]!.children!.values()) {
      out.push(child.entry);
      if (child.children !== null) queue.push(child);
    }
  }
  return out;
}

class Walker {
  private readonly visited = new Map<number, string>();
  /** Entries met so far (for maxEntries). */
  private count = 0;
  private scheme!: Scheme;

  private readonly blockSize: number;
  private readonly reader: PrefetchedReader;

  constructor(private readonly input: WalkInput) {
    this.blockSize = input.set.primary.blockSize;
    this.reader = new PrefetchedReader(input.reader);
    if (input.known) this.reader.add(input.known.start, input.known.buf);
  }

  async run(): Promise<ImageIndex> {
    const { set } = this.input;
    await this.prefetch(set.primary.pathTable);
    this.scheme = await this.chooseScheme();
    if (this.scheme.names === 'joliet' && set.joliet) await this.prefetch(set.joliet.pathTable);
    const { root: rootRec } = this.scheme;
    const blockSize = this.blockSize;
    const rootEntry: IsoEntry = {
      path: '/',
      name: '',
      kind: 'dir',
      size: rootRec.dataLength,
      extents: [{ position: rootRec.location * blockSize, length: rootRec.dataLength }],
      mtime: recordDate(rootRec.buf, rootRec),
    };
    const root = new DirNode(rootEntry, null, this);
    this.visited.set(rootRec.location, '/');
    let level: Pending[] = [{ node: root, location: rootRec.location, length: rootRec.dataLength, depth: 0 }];
    while (level.length > 0) {
      const next: Pending[] = [];
      const bufs = await this.readLevel(level);
      for (let j = 0; j < level.length; j++) await this.scan(level[j]!, bufs[j]!, next);
      level = next;
    }
    this.visited.clear();
    return { names: this.scheme.names, root, entries: () => allEntries(root) };
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
        throw new IsoError(
          'TOO_LARGE',
          this.input.file,
          `has a directory ${p.node.entry.path} of ${length} bytes (at most ${MAX_DIRECTORY_BYTES} accepted)`,
        );
      }
      const position = p.location * this.blockSize;
      if (position + length > this.input.fileSize) {
        throw this.corrupt(
          `has directory ${p.node.entry.path} pointing outside the file (bytes ${position}–${position + length}, the file has ${this.input.fileSize})`,
        );
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
      const bufs = await Promise.all(batch.map((run) => this.reader.read(run.start, run.end - run.start)));
      batch.forEach((run, k) => {
        for (const i of run.members) {
          const at = level[i]!.location * this.blockSize - run.start;
          out[i] = bufs[k]!.subarray(at, at + lengths[i]!);
        }
      });
    }
    return out;
  }

  /**
   * Checks every record of one directory (names, extents, multi-extent runs, Rock Ridge), counts
   * its entries and queues its subdirectories, whose nodes it makes; the directory's other entries
   * are made from the same bytes by list(), when the directory is first looked at.
   */
  private async scan(p: Pending, buf: Buffer, next: Pending[]): Promise<void> {
    const dirPath = p.node.entry.path;
    const where = `directory ${dirPath}`;
    const records = this.corruptOnDecode(() => decodeDirectory(buf, buf.length, this.blockSize), where);
    const listing: Listing = { buf, continued: new Map(), dirs: new Map() };
    const names = new Set<string>();
    let multi: string | null = null;
    for (const rec of records) {
      if (isSelfOrParent(buf, rec) || rec.flags & FLAG_ASSOCIATED) continue;
      const st = newRockRidgeState();
      if (this.scheme.names === 'rockridge') {
        // Awaited only when the record chains a continuation area: a microtask per record costs
        // more than decoding it, and a big directory has thousands of records.
        const more = this.systemUse(buf, rec, rec.suStart + this.scheme.skip, st, dirPath);
        if (more !== null) {
          await more;
          listing.continued.set(rec.offset, st);
        }
      }
      if (st.relocated) continue; // shown where its CL record stands (RRIP §4.1.5)
      const name = this.name(buf, rec, st);
      const problem = nameProblem(name);
      if (problem !== null) throw this.corrupt(`is corrupt: ${where}: ${problem}`);
      this.extents(rec, dirPath, name); // checked here, made again by list()
      if (multi !== null) {
        // ECMA-119 §6.5.1: the records of a multi-extent file follow each other, same name.
        if (name !== multi) throw this.corrupt(`has a multi-extent file ${dirPath}/${multi} whose last part is missing`);
        if (rec.flags & FLAG_MULTI_EXTENT) continue;
        multi = null;
        continue;
      }
      const kind = entryKind(rec, st);
      if (names.has(name)) continue; // a second version (";2") or a duplicate: the first wins, as in Linux
      if (this.count >= this.input.maxEntries) {
        throw new IsoError(
          'TOO_LARGE',
          this.input.file,
          `has more than ${this.input.maxEntries} entries (stopped at ${childPath(dirPath, name)})`,
        );
      }
      this.count += 1;
      names.add(name);
      if (kind === 'file' && rec.flags & FLAG_MULTI_EXTENT) multi = name;
      if (kind === 'dir') {
        const entry: IsoEntry = {
          path: childPath(dirPath, name),
          name,
          kind,
          size: rec.dataLength,
          extents: [],
          mtime: st.mtime ?? recordDate(buf, rec),
        };
        const node = new DirNode(entry, p.node, this);
        listing.dirs.set(rec.offset, node);
        this.enqueue(node, rec, st, p.depth + 1, next);
      }
    }
    if (multi !== null) throw this.corrupt(`has a multi-extent file ${dirPath}/${multi} whose last part is missing`);
    p.node.listing = listing;
  }

  /** A directory's children, in directory order, from the bytes scan() checked (same rules, no I/O). */
  list(dir: DirNode, listing: Listing): Map<string, IsoNode> {
    const { buf } = listing;
    const dirPath = dir.entry.path;
    const children = new Map<string, IsoNode>();
    let multi: IsoEntry | null = null;
    for (const rec of decodeDirectory(buf, buf.length, this.blockSize)) {
      if (isSelfOrParent(buf, rec) || rec.flags & FLAG_ASSOCIATED) continue;
      let st = listing.continued.get(rec.offset);
      if (st === undefined) {
        st = newRockRidgeState();
        if (this.scheme.names === 'rockridge') decodeSusp(buf, rec.suStart + this.scheme.skip, rec.suEnd, st);
      }
      if (st.relocated) continue;
      const name = this.name(buf, rec, st);
      const extents = this.extents(rec, dirPath, name);
      if (multi !== null) {
        multi.extents.push(...extents);
        multi.size += rec.dataLength;
        if (rec.flags & FLAG_MULTI_EXTENT) continue;
        multi = null;
        continue;
      }
      if (children.has(name)) continue;
      const subdir = listing.dirs.get(rec.offset);
      if (subdir !== undefined) {
        children.set(name, subdir);
        continue;
      }
      const target = rockTarget(st);
      const kind = entryKind(rec, st);
      const entry: IsoEntry = {
        path: childPath(dirPath, name),
        name,
        kind,
        size: kind === 'symlink' ? Buffer.byteLength(target!) : rec.dataLength,
        extents: kind === 'file' ? extents : [],
        mtime: st.mtime ?? recordDate(buf, rec),
      };
      if (target !== null) entry.target = target;
      children.set(name, { entry, parent: dir, children: null });
      if (kind === 'file' && rec.flags & FLAG_MULTI_EXTENT) multi = entry;
    }
    return children;
  }

  private enqueue(node: DirNode, rec: DirRecord, st: RockRidgeState, depth: number, next: Pending[]): void {
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
  private extents(rec: DirRecord, dirPath: string, name: string): IsoExtent[] {
    if (rec.dataLength === 0) return [];
    const bs = this.blockSize;
    const start = (rec.location + rec.xarLength) * bs;
    const end = start + rec.dataLength;
    if (end > this.input.fileSize && (rec.flags & FLAG_DIRECTORY) === 0) {
      throw this.corrupt(
        `has ${childPath(dirPath, name)} pointing outside the file (bytes ${start}–${end}, the file has ${this.input.fileSize})`,
      );
    }
    if (rec.unitSize === 0) return [{ position: start, length: rec.dataLength }];
    const unit = rec.unitSize * bs;
    const stride = (rec.unitSize + rec.gap) * bs;
    const runs: IsoExtent[] = [];
    for (let done = 0; done < rec.dataLength; done += unit) {
      if (runs.length >= 1 << 16) throw this.corrupt(`has an interleaved file ${childPath(dirPath, name)} with too many runs`);
      const position = start + (done / unit) * stride;
      const length = Math.min(unit, rec.dataLength - done);
      if (position + length > this.input.fileSize) throw this.corrupt(`has ${childPath(dirPath, name)} pointing outside the file`);
      runs.push({ position, length });
    }
    return runs;
  }

  /**
   * Decodes a record's system use area from `from` into `st`; when it chains continuation areas,
   * returns the promise of reading and decoding them (null: `st` is complete already).
   */
  private systemUse(buf: Buffer, rec: DirRecord, from: number, st: RockRidgeState, dir: string): Promise<void> | null {
    let ce: Continuation | null;
    try {
      ce = decodeSusp(buf, from, rec.suEnd, st);
    } catch (e) {
      // As corruptOnDecode, without a closure and a message built for every record.
      if (e instanceof DecodeError) throw this.corrupt(`is corrupt: the Rock Ridge entries in directory ${dir}: ${e.message}`);
      throw e;
    }
    return ce === null ? null : this.continuations(ce, st, dir);
  }

  /** Reads and decodes every continuation area a system use area chains, from `first` on. */
  private async continuations(first: Continuation, st: RockRidgeState, dir: string): Promise<void> {
    const where = `the Rock Ridge entries in directory ${dir}`;
    let ce: Continuation | null = first;
    const seen = new Set<string>();
    while (ce !== null) {
      const key = `${ce.block}:${ce.offset}`;
      if (seen.has(key)) throw this.corrupt(`has Rock Ridge continuation areas that loop (block ${ce.block}) in directory ${dir}`);
      seen.add(key);
      if (seen.size > MAX_CONTINUATIONS)
        throw this.corrupt(`chains more than ${MAX_CONTINUATIONS} Rock Ridge continuation areas in directory ${dir}`);
      if (ce.length > MAX_CONTINUATION_BYTES || ce.offset >= this.blockSize) {
        throw this.corrupt(
          `has a Rock Ridge continuation area that cannot be right (${ce.length} bytes at offset ${ce.offset}) in directory ${dir}`,
        );
      }
      const position = ce.block * this.blockSize + ce.offset;
      if (position + ce.length > this.input.fileSize) {
        throw this.corrupt(`has a Rock Ridge continuation area outside the file (byte ${position}) in directory ${dir}`);
      }
      const area = await this.reader.read(position, ce.length);
      const current: Continuation = ce;
      ce = this.corruptOnDecode(() => decodeSusp(area, 0, current.length, st), where);
    }
  }

  /** Directory read-ahead; whatever goes wrong here is found again, and reported, by the walk itself. */
  private async prefetch(table: { location: number; size: number }): Promise<void> {
    try {
      await this.reader.prefetchDirectories(table, this.blockSize, this.input.fileSize);
    } catch (e) {
      if (!(e instanceof IsoError)) throw e;
    }
  }

  private async readExtent(location: number, length: number, what: string): Promise<Buffer> {
    const position = location * this.blockSize;
    if (position + length > this.input.fileSize) {
      throw this.corrupt(
        `has ${what} pointing outside the file (bytes ${position}–${position + length}, the file has ${this.input.fileSize})`,
      );
    }
    return this.reader.read(position, length);
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

function childPath(dirPath: string, name: string): string {
  return `${dirPath === '/' ? '' : dirPath}/${name}`;
}

/** A CL record stands for a (relocated) directory; an SL entry makes a symlink. */
function entryKind(rec: DirRecord, st: RockRidgeState): IsoEntry['kind'] {
  if (st.link !== null) return 'symlink';
  return st.childLink !== null || (rec.flags & FLAG_DIRECTORY) !== 0 ? 'dir' : 'file';
}
