// One action on several hosts (`POST /api/hosts/batch`, `bootbench install MAC MAC …`, the UI's
// selection): each host's outcome, and the batch goes on past a host it cannot act on (unlike the
// inventory import, a batch is many independent clicks, not one file that stands or falls whole).
import type { BatchRequest, BatchResult, Host } from '../../shared/contract.js';
import { BootbenchError, isBootbenchError } from '../errors.js';

export interface BatchDeps {
  /** One host's install, as `POST /api/hosts/:mac/install` queues it (with `now`: power-cycled too). */
  install(mac: string, request: NonNullable<BatchRequest['install']>): Promise<Host>;
  cancel(mac: string): Host;
  setWaitPolicy(mac: string, policy: NonNullable<BatchRequest['policy']> | null): Host | Promise<Host>;
}

export async function runBatch(deps: BatchDeps, request: BatchRequest): Promise<BatchResult> {
  const act = actionOf(deps, request);
  const results: BatchResult['results'] = [];
  // One MAC named twice is acted on once.
  for (const mac of [...new Set(request.macs)]) {
    try {
      results.push({ mac, ok: true, host: await act(mac) });
    } catch (e) {
      if (!isBootbenchError(e)) throw e; // a fault of Bootbench's own, not of this host: the route answers 500
      results.push({ mac, ok: false, error: { code: e.code, message: e.message } });
    }
  }
  return { results };
}

function actionOf(deps: BatchDeps, request: BatchRequest): (mac: string) => Promise<Host> {
  switch (request.action) {
    case 'install': {
      const install = request.install;
      if (!install) throw new BootbenchError('BAD_ARGUMENT', { message: 'A batch install needs `install` (at least its distro).' });
      return (mac) => deps.install(mac, install);
    }
    case 'cancel':
      return async (mac) => deps.cancel(mac);
    case 'wait-policy': {
      if (request.policy === undefined)
        throw new BootbenchError('BAD_ARGUMENT', {
          message: 'A batch wait-policy needs `policy` (wait, menu, local, or null for the global one).',
        });
      const policy = request.policy;
      return async (mac) => deps.setWaitPolicy(mac, policy);
    }
  }
}
