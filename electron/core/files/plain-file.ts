// A FileSource over a whole ordinary file (a file in a served folder, a whole ISO).
import { open, type FileHandle } from 'node:fs/promises';
import type { FileSource } from './file-source.js';

export function fileSourceOf(handle: FileHandle, size: number, mtime: Date): FileSource {
  return {
    size,
    mtime,
    handle: { fd: handle.fd, position: 0 },
    read: async (buffer, offset, length, position) => (await handle.read(buffer, offset, length, position)).bytesRead,
    close: () => handle.close(),
  };
}

export async function openFileSource(path: string): Promise<FileSource> {
  const handle = await open(path, 'r');
  try {
    const st = await handle.stat();
    return fileSourceOf(handle, st.size, st.mtime);
  } catch (e) {
    await handle.close();
    throw e;
  }
}
