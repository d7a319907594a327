// A readable file, whatever holds it: a file in a folder, a file inside an ISO (issue 4), a
// generated document. TFTP and HTTP serve FileSources; they never open paths themselves, so path
// confinement and the ISO reader live in one place each.

export interface FileSource {
  /** Size in bytes (files inside ISOs may exceed 4 GiB: a JS number holds 2^53 exactly). */
  readonly size: number;
  /** Modification time, for Last-Modified / caching; null when unknown. */
  readonly mtime: Date | null;
  /** Reads up to `length` bytes at `position` into `buffer` at `offset`; resolves with bytes read (0 at end). */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
  /**
   * Optional: the open descriptor the data can be read from, at `position` + offset (a file inside
   * an image starts further in). Descriptors are process-wide, so a worker thread can read the same
   * file (TFTP runs transfers in workers this way); the source keeps ownership and closes it.
   * Without it, readers use read() in the thread that opened the source.
   */
  readonly handle?: { readonly fd: number; readonly position: number };
}

/** Why a path could not be opened: the protocol servers map these to TFTP error codes / HTTP statuses. */
export type OpenFailure =
  | { kind: 'not-found'; message: string }
  | { kind: 'forbidden'; message: string } // outside its root, a device, a directory
  | { kind: 'error'; message: string };

export type OpenResult = { ok: true; file: FileSource } | { ok: false; failure: OpenFailure };

/** Resolves a client-supplied path (TFTP file name, URL path below a mount) to a FileSource. */
export type FileResolver = (path: string) => Promise<OpenResult>;
