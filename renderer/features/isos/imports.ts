// ISO imports in progress: a browser uploads the file (with progress), the desktop app passes the
// file's path to the server, and a path typed by the user is imported where it lies.
import { useCallback, useState } from 'react';
import type { Distro } from '../../../electron/shared/contract.js';
import type { ApiClient } from '../../api/client.js';
import { uploadIso } from '../../api/upload.js';
import { desktopBridge } from '../../app/desktop.js';

export interface ImportJob {
  id: number;
  name: string;
  phase: 'uploading' | 'importing' | 'done' | 'failed';
  /** 0–1 while uploading; null when unknown. */
  progress: number | null;
  error: unknown;
  distro: Distro | null;
}

let nextId = 1;

export function useImports(api: ApiClient, onDone: () => void) {
  const [jobs, setJobs] = useState<ImportJob[]>([]);
  const update = useCallback(
    (id: number, patch: Partial<ImportJob>) => setJobs((js) => js.map((j) => (j.id === id ? { ...j, ...patch } : j))),
    [],
  );

  const run = useCallback(
    async (name: string, phase: ImportJob['phase'], work: (id: number) => Promise<Distro>) => {
      const id = nextId++;
      setJobs((js) => [...js.slice(-4), { id, name, phase, progress: null, error: null, distro: null }]);
      try {
        const distro = await work(id);
        update(id, { phase: 'done', progress: 1, distro });
        onDone();
      } catch (error) {
        update(id, { phase: 'failed', error });
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
      return run(file.name, 'uploading', (id) => {
        const upload = uploadIso(api.token, file, (p) =>
          update(id, { progress: p.total > 0 ? p.loaded / p.total : null, ...(p.loaded >= p.total ? { phase: 'importing' } : {}) }),
        );
        return upload.done;
      });
    },
    [api, importPath, run, update],
  );

  const dismiss = useCallback((id: number) => setJobs((js) => js.filter((j) => j.id !== id)), []);
  return { jobs, importFile, importPath, dismiss };
}

export type Imports = ReturnType<typeof useImports>;
