// A browser has no path for a dropped file: it PUTs the bytes as they are, and XMLHttpRequest (not
// fetch, which has no upload progress) reports how far along it is.
import type { Distro } from '../../electron/shared/contract.js';
import { ApiError, buildPath } from './client.js';

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface Upload {
  done: Promise<Distro>;
  abort(): void;
}

/** The file name the server accepts as the upload route's `:name`: [A-Za-z0-9][A-Za-z0-9._+-]*.iso. */
export function uploadName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  let clean = base.replace(/[^A-Za-z0-9._+-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  if (!/\.iso$/i.test(clean)) clean = `${clean.replace(/\.+$/, '')}.iso`;
  if (clean === '.iso') clean = 'upload.iso';
  return clean.length > 200 ? `${clean.slice(0, 196)}.iso` : clean;
}

export function uploadIso(token: string, file: File, onProgress: (p: UploadProgress) => void): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Distro>((resolve, reject) => {
    // The chosen name goes along so that a refusal names the file the user picked, not the server's copy.
    xhr.open('PUT', buildPath('/api/distros/upload/:name', { name: uploadName(file.name) }, { filename: file.name.slice(0, 255) }));
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // fall through to the status line
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as Distro);
      const err = (body as { error?: { code: string; message: string } } | null)?.error;
      reject(
        new ApiError(xhr.status, err?.code ?? `HTTP_${xhr.status}`, err?.message ?? `Upload failed (${xhr.status} ${xhr.statusText}).`),
      );
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload was interrupted: is Bootbench still running?'));
    xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'Upload cancelled.'));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
