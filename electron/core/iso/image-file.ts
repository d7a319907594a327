// The I/O edge of the reader: one file handle, positional reads of exact length (short reads
// become TRUNCATED, system errors IO), and FileSources that read a file's bytes across its extents.
// The handle is shared: sources hold a reference, and the handle closes when the image is closed
// and the last source is closed (so a descriptor number is never reused under a live source).
import type { FileHandle } from 'node:fs/promises';
import type { FileSource } from '../files/file-source.js';
import { IsoError } from './errors.js';
import type { IsoExtent } from './types.js';

export class ImageFile {
  private refs = 1; // the image's own reference
  private closed: Promise<void> | null = null;

  constructor(
    private readonly handle: FileHandle,
    readonly file: string,
  ) {}

  get fd(): number {
    return this.handle.fd;
  }

  /** Exactly `length` bytes at `position`, or IsoError TRUNCATED / IO. */
  async read(position: number, length: number): Promise<Buffer> {
    if (this.closed !== null) throw closedError(this.file);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        n = (await this.handle.read(buf, done, length - done, position + done)).bytesRead;
      } catch (e) {
        throw ioError(this.file, e);
      }
      if (n === 0) {
        throw new IsoError(
          'TRUNCATED',
          this.file,
          `is truncated: it ends at byte ${position + done}, but the image needs bytes up to ${position + length} (did it shrink while being read?)`,
        );
      }
      done += n;
    }
    return buf;
  }

  /** Up to `length` bytes at `position` (fewer at end of file). */
  async readSome(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    if (this.refs <= 0) throw closedError(this.file);
    try {
      return (await this.handle.read(buffer, offset, length, position)).bytesRead;
    } catch (e) {
      throw ioError(this.file, e);
    }
  }

  /** A FileSource over a file's extents; it holds a reference on the handle until closed. */
  source(extents: readonly IsoExtent[], size: number, mtime: Date | null): FileSource {
    if (this.closed !== null) throw closedError(this.file);
    this.refs++;
    const starts: number[] = [];
    let total = 0;
    for (const e of extents) {
      starts.push(total);
      total += e.length;
    }
    let open = true;
    const read = async (buffer: Buffer, offset: number, length: number, position: number): Promise<number> => {
      if (!open) throw new IsoError('IO', this.file, 'was read after the file source was closed');
      const want = Math.max(0, Math.min(length, size - position));
      let done = 0;
      let i = extentAt(starts, position);
      while (done < want && i < extents.length) {
        const e = extents[i]!;
        const inner = position + done - starts[i]!;
        const n = Math.min(want - done, e.length - inner);
        const got = await this.readSome(buffer, offset + done, n, e.position + inner);
        done += got;
        if (got === 0) break; // the ISO file shrank under us: report what there is
        if (got === n) i++;
      }
      return done;
    };
    const close = async (): Promise<void> => {
      if (!open) return;
      open = false;
      await this.release();
    };
    const handle = extents.length === 1 ? { fd: this.handle.fd, position: extents[0]!.position } : undefined;
    return handle ? { size, mtime, read, close, handle } : { size, mtime, read, close };
  }

  close(): Promise<void> {
    if (this.closed === null) this.closed = this.release();
    return this.closed;
  }

  private async release(): Promise<void> {
    if (--this.refs === 0) await this.handle.close().catch(() => undefined);
  }
}

function closedError(file: string): IsoError {
  return new IsoError('IO', file, 'was read after the image was closed');
}

/** Index of the extent holding byte `position` of the file (binary search; starts ascending). */
function extentAt(starts: readonly number[], position: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= position) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function ioError(file: string, e: unknown): IsoError {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  const reason =
    code === 'ENOENT'
      ? 'does not exist (was it moved or deleted?)'
      : code === 'EACCES' || code === 'EPERM'
        ? 'cannot be read: permission denied'
        : code === 'EISDIR'
          ? 'is a folder, not an ISO file'
          : `could not be read (${code || (e as Error).message})`;
  return new IsoError('IO', file, reason, { cause: e });
}
