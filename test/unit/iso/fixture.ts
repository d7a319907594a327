// Hand-made ISO 9660 bytes for the decoder tests: directory records, SUSP/Rock Ridge entries,
// volume descriptors, and a sparse in-memory image the tree walker can read.
import type { ImageReader } from '../../../electron/core/iso/prefetch.js';
import { IsoError } from '../../../electron/core/iso/errors.js';

export const BS = 2048;

function both32(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(n, 0);
  b.writeUInt32BE(n, 4);
  return b;
}

function both16(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16LE(n, 0);
  b.writeUInt16BE(n, 2);
  return b;
}

export interface RecordSpec {
  name: string | Buffer; // '\0' for ".", '\x01' for ".."
  location?: number;
  length?: number;
  flags?: number;
  su?: Buffer;
  date?: number[]; // 7 bytes
  xar?: number;
}

export function record(r: RecordSpec): Buffer {
  const name = typeof r.name === 'string' ? Buffer.from(r.name, 'latin1') : r.name;
  const pad = name.length % 2 === 0 ? 1 : 0;
  const su = r.su ?? Buffer.alloc(0);
  const len = 33 + name.length + pad + su.length;
  const b = Buffer.alloc(len + (len % 2));
  b[0] = b.length;
  b[1] = r.xar ?? 0;
  both32(r.location ?? 0).copy(b, 2);
  both32(r.length ?? 0).copy(b, 10);
  Buffer.from(r.date ?? [124, 5, 17, 12, 30, 0, 0]).copy(b, 18);
  b[25] = r.flags ?? 0;
  both16(1).copy(b, 28);
  b[32] = name.length;
  name.copy(b, 33);
  su.copy(b, 33 + name.length + pad);
  return b;
}

export function entry(sig: string, data: Buffer | number[]): Buffer {
  const d = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return Buffer.concat([Buffer.from(sig, 'latin1'), Buffer.from([4 + d.length, 1]), d]);
}

export const sp = (skip = 0) => entry('SP', [0xbe, 0xef, skip]);
export const er = (id = 'RRIP_1991A') => entry('ER', Buffer.concat([Buffer.from([id.length, 0, 0, 1]), Buffer.from(id, 'latin1')]));
export const nm = (name: string, flags = 0) => entry('NM', Buffer.concat([Buffer.from([flags]), Buffer.from(name, 'utf8')]));
export const px = (mode: number) => entry('PX', Buffer.concat([both32(mode), both32(1), both32(0), both32(0)]));
export const ce = (block: number, offset: number, length: number) =>
  entry('CE', Buffer.concat([both32(block), both32(offset), both32(length)]));
export const re = () => entry('RE', []);
export const cl = (block: number) => entry('CL', both32(block));
/** SL from component records [flags, text]. */
export function sl(components: Array<[number, string]>, flags = 0): Buffer {
  const parts = components.map(([f, t]) => Buffer.concat([Buffer.from([f, Buffer.byteLength(t)]), Buffer.from(t, 'utf8')]));
  return entry('SL', Buffer.concat([Buffer.from([flags]), ...parts]));
}

/** Pads records into whole blocks (a record never crosses a block). */
export function directory(records: Buffer[], bs = BS): Buffer {
  const blocks: Buffer[] = [];
  let cur: Buffer[] = [];
  let used = 0;
  for (const r of records) {
    if (used + r.length > bs) {
      blocks.push(Buffer.concat([...cur, Buffer.alloc(bs - used)]));
      cur = [];
      used = 0;
    }
    cur.push(r);
    used += r.length;
  }
  blocks.push(Buffer.concat([...cur, Buffer.alloc(bs - used)]));
  return Buffer.concat(blocks);
}

export function volumeDescriptor(opts: {
  type?: number;
  volid?: string;
  blockSize?: number;
  volumeBlocks?: number;
  root: Buffer;
  escapes?: Buffer;
  pathTable?: { location: number; size: number };
}): Buffer {
  const d = Buffer.alloc(2048);
  d[0] = opts.type ?? 1;
  d.write('CD001', 1, 'latin1');
  d[6] = 1;
  d.write((opts.volid ?? 'TEST').padEnd(32, ' '), 40, 'latin1');
  both32(opts.volumeBlocks ?? 100).copy(d, 80);
  opts.escapes?.copy(d, 88);
  both16(opts.blockSize ?? 2048).copy(d, 128);
  opts.root.copy(d, 156);
  if (opts.pathTable) {
    both32(opts.pathTable.size).copy(d, 132);
    d.writeUInt32LE(opts.pathTable.location, 140); // type L
  }
  return d;
}

/** A type-L path table (ECMA-119 §9.4) from [identifier, extent block, parent number] rows. */
export function pathTable(rows: Array<[string, number, number]>): Buffer {
  return Buffer.concat(
    rows.map(([id, location, parent]) => {
      const name = Buffer.from(id, 'latin1');
      const r = Buffer.alloc(8 + name.length + (name.length % 2));
      r[0] = name.length;
      r.writeUInt32LE(location, 2);
      r.writeUInt16LE(parent, 6);
      name.copy(r, 8);
      return r;
    }),
  );
}

export function terminator(): Buffer {
  const d = Buffer.alloc(2048);
  d[0] = 255;
  d.write('CD001', 1, 'latin1');
  d[6] = 1;
  return d;
}

/** An image as blocks placed at block numbers; unplaced blocks are zeros. */
export class MemoryImage implements ImageReader {
  readonly blocks = new Map<number, Buffer>();
  /** Every read() so far, as [position, length]. */
  readonly reads: Array<[number, number]> = [];
  constructor(readonly totalBlocks: number) {}

  put(block: number, data: Buffer): this {
    for (let i = 0; i * BS < data.length; i++) this.blocks.set(block + i, Buffer.concat([data.subarray(i * BS, (i + 1) * BS)], BS));
    return this;
  }

  get size(): number {
    return this.totalBlocks * BS;
  }

  async read(position: number, length: number): Promise<Buffer> {
    this.reads.push([position, length]);
    if (position + length > this.size) throw new IsoError('TRUNCATED', 'mem.iso', 'is truncated');
    const out = Buffer.alloc(length);
    for (let p = position; p < position + length;) {
      const block = Math.floor(p / BS);
      const inner = p % BS;
      const n = Math.min(BS - inner, position + length - p);
      this.blocks.get(block)?.copy(out, p - position, inner, inner + n);
      p += n;
    }
    return out;
  }
}
