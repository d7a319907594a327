// The reader's public shapes (the API detection, import and the HTTP/TFTP servers code against).

/** A run of bytes of a file: byte offset in the ISO file, and length. */
export interface IsoExtent {
  position: number;
  length: number;
}

export interface IsoEntry {
  /** Absolute path inside the image: '/images/pxeboot/vmlinuz'; the root is '/'. */
  path: string;
  name: string;
  kind: 'file' | 'dir' | 'symlink';
  /** Bytes: a file's content, a directory's extent, a symlink's target. */
  size: number;
  /** A file's data in order (several for multi-extent files over 4 GiB); [] for empty files and symlinks. */
  extents: IsoExtent[];
  mtime: Date | null;
  /** Symlink target as stored ('../lib', '/usr/bin'), for kind 'symlink'. */
  target?: string;
}

export type IsoNames = 'rockridge' | 'joliet' | 'iso9660';

export interface IsoOpenOptions {
  /** Entries (files, directories, symlinks) above which the image is refused. Default 200,000. */
  maxEntries?: number;
  /** Directory nesting below the root above which the image is refused. Default 64. */
  maxDepth?: number;
}

/** A node of the index: the entry and, for directories, its children by name in directory order. */
export interface IsoNode {
  entry: IsoEntry;
  parent: IsoNode;
  children: Map<string, IsoNode> | null;
}
