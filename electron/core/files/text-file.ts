// A generated document as a FileSource (a GRUB config rendered for one request): served by TFTP and
// HTTP like any file, from memory.
import type { FileSource } from './file-source.js';

export function textFileSource(text: string, options: { quiet?: boolean } = {}): FileSource {
  const data = Buffer.from(text, 'utf8');
  return {
    size: data.length,
    mtime: null,
    quiet: options.quiet === true,
    read: (buffer, offset, length, position) => {
      if (position >= data.length) return Promise.resolve(0);
      return Promise.resolve(data.copy(buffer, offset, position, Math.min(data.length, position + length)));
    },
    close: () => Promise.resolve(),
  };
}
