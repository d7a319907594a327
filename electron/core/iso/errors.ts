// Errors of the ISO reader. Every failure to index or read an image is an IsoError naming the file
// and the reason, so `bootbench import` and the UI can show it as is; the pure decoders throw
// DecodeError (no file name: they see only bytes) and the tree walker wraps it with the file and
// the place in the tree.

export type IsoErrorCode =
  | 'NOT_ISO' // no ISO 9660 volume descriptor set at sector 16
  | 'TRUNCATED' // the image is shorter than what its own structures say
  | 'CORRUPT' // structures that cannot be right: lengths, pointers outside the file, loops
  | 'TOO_LARGE' // beyond the limits we accept (depth, entries, readFile's maxBytes)
  | 'IO' // the operating system refused a read (vanished file, EIO, closed image)
  | 'NOT_FOUND'; // readFile/openFile of a path that is not a file in the image

export class IsoError extends Error {
  readonly code: IsoErrorCode;
  readonly file: string;

  /** `reason` completes "<file> …": e.g. "is not an ISO 9660 image (no CD001 volume descriptor at sector 16)". */
  constructor(code: IsoErrorCode, file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file} ${reason}`, options);
    this.name = 'IsoError';
    this.code = code;
    this.file = file;
  }
}

export function isIsoError(e: unknown): e is IsoError {
  return e instanceof IsoError;
}

/** Thrown by the pure decoders on bytes that cannot be right; the caller adds file and place. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}
