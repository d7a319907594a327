// The volume descriptor set (ECMA-119 §8): 2048-byte descriptors from sector 16 on, whatever sits
// in front of it (an isohybrid MBR, a GPT, an El Torito catalog pointer), ended by a terminator
// (type 255). We take the primary descriptor (type 1) and a Joliet supplementary descriptor
// (type 2 with a UCS-2 escape sequence), and note UDF's extended area (BEA01 … NSR02/NSR03, after
// the ISO terminator) so Windows media can be told apart. Pure: decodes a Buffer.
import { both16, both32 } from './bytes.js';
import { DecodeError } from './errors.js';
import { bootCatalogSector } from './el-torito.js';

export const SECTOR = 2048;
export const DESCRIPTOR_START = 16 * SECTOR;

export interface VolumeDescriptor {
  volumeId: string;
  /** Logical block size (§8.4.12): directory extents and file locations count in these. */
  blockSize: number;
  /** Volume space size in logical blocks (§8.4.8): how long the image says it is. */
  volumeBlocks: number;
  /** The 34-byte root directory record (§8.4.18), copied out. */
  root: Buffer;
  /** The type-L path table (§8.4.14, §8.4.15): its first block and size in bytes (a read-ahead hint only). */
  pathTable: { location: number; size: number };
}

export interface DescriptorSet {
  primary: VolumeDescriptor;
  /** Joliet SVD when present; `level` from its escape sequence (%/@ = 1, %/C = 2, %/E = 3). */
  joliet: (VolumeDescriptor & { level: 1 | 2 | 3 }) | null;
  /** UDF volume recognition (NSR02/NSR03) follows the ISO set: Windows media, DVD-Video. */
  udf: boolean;
  /** The El Torito boot catalog's sector (el-torito.ts), or null: the image is not bootable. */
  bootCatalog: number | null;
}

export type DescriptorScan =
  | { kind: 'not-iso'; found: string }
  | { kind: 'unterminated' } // ran out of bytes before the terminator: truncated (or read more)
  | { kind: 'ok'; set: DescriptorSet };

const UDF_IDS = new Set(['BEA01', 'NSR02', 'NSR03', 'TEA01', 'BOOT2', 'CDW02']);

/**
 * Scans descriptors in `buf`, which holds the image from sector 16 on (as many sectors as were
 * read). Throws DecodeError on a primary descriptor that cannot be right.
 */
export function scanDescriptors(buf: Buffer): DescriptorScan {
  if (buf.length < SECTOR || buf.toString('latin1', 1, 6) !== 'CD001') {
    const id = buf.toString('latin1', 1, 6);
    const found =
      buf.length < SECTOR ? 'nothing' : UDF_IDS.has(id) ? `a UDF volume (${id}) without ISO 9660` : describeBytes(buf.subarray(0, 16));
    return { kind: 'not-iso', found };
  }
  let primary: VolumeDescriptor | null = null;
  let joliet: DescriptorSet['joliet'] = null;
  let udf = false;
  let bootCatalog: number | null = null;
  let terminated = false;
  for (let off = 0; off + SECTOR <= buf.length; off += SECTOR) {
    const id = buf.toString('latin1', off + 1, off + 6);
    if (!terminated) {
      if (id !== 'CD001')
        throw new DecodeError(`volume descriptor at sector ${16 + off / SECTOR} has no CD001 identifier before the set terminator`);
      const type = buf[off]!;
      if (type === 255) {
        terminated = true;
      } else if (type === 0 && bootCatalog === null) {
        bootCatalog = bootCatalogSector(buf.subarray(off, off + SECTOR));
      } else if (type === 1 && primary === null) {
        primary = decodeVolume(buf.subarray(off, off + SECTOR), 'primary');
      } else if (type === 2 && joliet === null) {
        const level = jolietLevel(buf.subarray(off + 88, off + 120));
        if (level !== null) joliet = { ...decodeVolume(buf.subarray(off, off + SECTOR), 'Joliet'), level };
      }
      continue;
    }
    // After the ISO terminator: the UDF volume recognition sequence (ECMA-167 2/9), if any.
    if (!UDF_IDS.has(id)) break;
    if (id === 'NSR02' || id === 'NSR03') udf = true;
  }
  if (!terminated) return { kind: 'unterminated' };
  if (primary === null) throw new DecodeError('has no primary volume descriptor (type 1) before the set terminator');
  return { kind: 'ok', set: { primary, joliet, udf, bootCatalog } };
}

function decodeVolume(d: Buffer, what: string): VolumeDescriptor {
  const blockSize = both16(d, 128);
  // ECMA-119 §6.1.2: 2^n, at least 512, at most the sector size.
  if (blockSize !== 512 && blockSize !== 1024 && blockSize !== 2048) {
    throw new DecodeError(`${what} volume descriptor has an impossible logical block size (${blockSize})`);
  }
  const volumeBlocks = both32(d, 80);
  if (volumeBlocks === 0) throw new DecodeError(`${what} volume descriptor says the volume is 0 blocks long`);
  const rootLength = d[156]!;
  if (rootLength < 34) throw new DecodeError(`${what} volume descriptor has a root directory record of ${rootLength} bytes (34 expected)`);
  const volumeId = what === 'Joliet' ? ucs2(d.subarray(40, 72)).trim() : d.toString('latin1', 40, 72).replace(/[\s\0]+$/, '');
  const pathTable = { location: d.readUInt32LE(140), size: both32(d, 132) };
  return { volumeId, blockSize, volumeBlocks, root: Buffer.from(d.subarray(156, 190)), pathTable };
}

/** Joliet spec §4.2: escape sequences %/@, %/C, %/E mark UCS-2 level 1, 2, 3. */
export function jolietLevel(escapes: Buffer): 1 | 2 | 3 | null {
  for (let i = 0; i + 2 < escapes.length; i++) {
    if (escapes[i] !== 0x25 || escapes[i + 1] !== 0x2f) continue;
    const c = escapes[i + 2];
    if (c === 0x40) return 1;
    if (c === 0x43) return 2;
    if (c === 0x45) return 3;
  }
  return null;
}

/** UCS-2 big-endian (Joliet), surrogate pairs passed through as UTF-16. */
export function ucs2(b: Buffer): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
  return s.replace(/\0+$/, '');
}

function describeBytes(b: Buffer): string {
  if (b.every((x) => x === 0)) return 'zeros';
  const printable = b.every((x) => x === 9 || x === 10 || x === 13 || (x >= 32 && x < 127));
  return printable ? `text "${b.toString('latin1').replace(/\s+/g, ' ').trim()}…"` : `bytes ${b.subarray(0, 8).toString('hex')}…`;
}
