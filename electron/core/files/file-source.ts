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
  /**
   * Optional: a file clients fetch over and over (a boot loop's poll): servers log its transfers at
   * debug level, as the HTTP server does for a logQuietly() response.
   */
  readonly quiet?: boolean;
}

/** Why a path could not be opened: the protocol servers map these to TFTP error codes / HTTP statuses. */
export type OpenFailure =
  | { kind: 'not-found'; message: string; /** Absent is normal for this name: logged at debug level. */ quiet?: boolean }
  | { kind: 'forbidden'; message: string } // outside its root, a device, a directory
  | { kind: 'error'; message: string };

export type OpenResult = { ok: true; file: FileSource } | { ok: false; failure: OpenFailure };

/** Who asks for a file, for resolvers whose answer depends on the host (a per-host loader or config). */
export interface Asker {
  ip: string;
  /** The MAC the server knows for `ip` (its lease or the host registry), null when unknown. */
  mac: string | null;
}

/** Resolves a client-supplied path (TFTP file name, URL path below a mount) to a FileSource. */
export type FileResolver = (path: string, asker?: Asker) => Promise<OpenResult>;
