// Reads of the image that the index walk makes, served out of areas already read where it can:
// the volume descriptors, and every directory extent read ahead in one go through the path table.
import { pathTableLocations } from './path-table.js';

export interface ImageReader {
  /** Exactly `length` bytes at `position`, or throws IsoError (TRUNCATED, IO). */
  read(position: number, length: number): Promise<Buffer>;
}

/** Directory read-ahead is skipped when the directories span more than this (the walk reads level by level). */
const PREFETCH_MAX = 16 * 1024 * 1024;
/** Path tables larger than this are not read for the hint (≈ 100,000 directories). */
const PATH_TABLE_MAX = 4 * 1024 * 1024;

/**
 * Serves reads out of areas already read (the volume descriptors, the directory extents read
 * ahead) and passes every other read through. The bytes are the same either way; what changes
 * is that an index of a tree four levels deep costs one read instead of five round trips through
 * the thread pool.
 */
export class PrefetchedReader implements ImageReader {
  private readonly areas: Array<{ start: number; buf: Buffer }> = [];

  constructor(private readonly inner: ImageReader) {}

  /** Keeps `buf` as the image's bytes from `start` on. */
  add(start: number, buf: Buffer): void {
    this.areas.push({ start, buf });
  }

  read(position: number, length: number): Promise<Buffer> {
    for (const a of this.areas) {
      if (position >= a.start && position + length <= a.start + a.buf.length) {
        return Promise.resolve(a.buf.subarray(position - a.start, position - a.start + length));
      }
    }
    return this.inner.read(position, length);
  }

  /**
   * Reads every directory extent of a tree in one go, located through its path table. Image
   * writers put the directories side by side (xorriso, mkisofs, genisoimage: right after the path
   * tables), so this is one read of a few hundred KiB. A hint only: a path table that is missing,
   * out of the file or nonsensical means no read-ahead, never an error.
   */
  async prefetchDirectories(table: { location: number; size: number }, blockSize: number, fileSize: number): Promise<void> {
    const tableAt = table.location * blockSize;
    if (table.size === 0 || table.size > PATH_TABLE_MAX || tableAt + table.size > fileSize) return;
    const locations = pathTableLocations(await this.read(tableAt, table.size)).filter((l) => l > 0 && (l + 1) * blockSize <= fileSize);
    if (locations.length === 0) return;
    const first = Math.min(...locations) * blockSize;
    const lastAt = Math.max(...locations) * blockSize;
    // The last directory's own "." record says how long it is (its first record, first bytes).
    const head = await this.read(lastAt, blockSize);
    const lastLength = head[0]! >= 34 ? head.readUInt32LE(10) : blockSize;
    const end = Math.min(fileSize, lastAt + Math.max(blockSize, lastLength));
    if (end - first > PREFETCH_MAX) return;
    this.add(first, await this.read(first, end - first));
  }
}
