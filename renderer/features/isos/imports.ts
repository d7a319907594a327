// ISO imports in progress: a browser checks the file's head, then uploads it (with speed, time left
// and Cancel); the desktop app passes the file's path to the server, and a path typed by the user is
// imported where it lies. An import that returns a distro already listed is a duplicate, said so.
import { useCallback, useRef, useState } from 'react';
import type { Distro } from '../../../electron/shared/contract.js';
import type { ApiClient } from '../../api/client.js';
import { uploadIso } from '../../api/upload.js';
import { useLive } from '../../app/context.js';
import { desktopBridge } from '../../app/desktop.js';
import { checkIsoFile } from './iso-check.js';
import { addSample, rateOf, type RateSample } from './upload-rate.js';

export interface ImportJob {
  id: number;
  name: string;
  phase: 'checking' | 'uploading' | 'importing' | 'done' | 'failed' | 'cancelled';
  /** 0–1 while uploading; null when unknown. */
  progress: number | null;
  bytesPerSecond: number | null;
  secondsLeft: number | null;
  error: unknown;
  distro: Distro | null;
  /** The import found this ISO in the library already: the record kept, nothing added. */
  duplicate: boolean;
}

/** A file refused before upload: its head has no ISO 9660 signature. */
export class NotAnIsoError extends Error {
  constructor(readonly detail: string) {
    super('not an ISO image');
  }
}

let nextId = 1;

export function useImports(api: ApiClient, onDone: () => void) {
  const [jobs, setJobs] = useState<ImportJob[]>([]);
  const cancels = useRef(new Map<number, () => void>());
  const distros = useLive((s) => s.distros);
  const known = useRef(distros);
  known.current = distros;
  const update = useCallback(
    (id: number, patch: Partial<ImportJob>) => setJobs((js) => js.map((j) => (j.id === id ? { ...j, ...patch } : j))),
    [],
  );

  const run = useCallback(
    async (name: string, phase: ImportJob['phase'], work: (id: number) => Promise<Distro>) => {
      const id = nextId++;
      const before = new Set(known.current.keys());
      const job: ImportJob = {
        id,
        name,
        phase,
        progress: null,
        bytesPerSecond: null,
        secondsLeft: null,
        error: null,
        distro: null,
        duplicate: false,
      };
      setJobs((js) => [...js.slice(-4), job]);
      try {
        const distro = await work(id);
        update(id, { phase: 'done', progress: 1, distro, duplicate: before.has(distro.id) });
        onDone();
      } catch (error) {
        const cancelled = (error as { code?: string }).code === 'ABORTED';
        update(id, cancelled ? { phase: 'cancelled' } : { phase: 'failed', error });
      } finally {
        cancels.current.delete(id);
      }
    },
    [update, onDone],
  );

  const importPath = useCallback(
    (path: string) => run(path.split(/[\\/]/).pop() ?? path, 'importing', () => api.call('POST /api/distros/import', { body: { path } })),
    [api, run],
  );

  const importFile = useCallback(
    (file: File) => {
      // In the desktop app the file is on this machine's disk: import it in place, no copy.
      const path = desktopBridge()?.pathForFile(file);
      if (path) return importPath(path);
      return run(file.name, 'checking', async (id) => {
        const head = await checkIsoFile(file);
        if (!head.ok) throw new NotAnIsoError(head.detail);
        update(id, { phase: 'uploading' });
        let samples: RateSample[] = [];
        const upload = uploadIso(api.token, file, (p) => {
          samples = addSample(samples, { at: performance.now(), loaded: p.loaded });
          const total = p.total > 0 ? p.total : file.size;
          update(id, {
            progress: total > 0 ? p.loaded / total : null,
            ...rateOf(samples, total),
            ...(p.loaded >= total ? { phase: 'importing' } : {}),
          });
        });
        cancels.current.set(id, upload.abort);
        return upload.done;
      });
    },
    [api, importPath, run, update],
  );

  /** Aborts an upload: the server drops what it received. */
  const cancel = useCallback((id: number) => cancels.current.get(id)?.(), []);
  const dismiss = useCallback((id: number) => setJobs((js) => js.filter((j) => j.id !== id)), []);
  return { jobs, importFile, importPath, cancel, dismiss };
}

export type Imports = ReturnType<typeof useImports>;
