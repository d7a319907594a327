// Control-API handlers for tests of the API itself: every route answers something empty unless a
// test overrides it, so adding a route to the contract does not touch every test.
import type { ControlHandlers } from '../../electron/core/control/control-api.js';
import { BootbenchError } from '../../electron/core/errors.js';
import type { ServerStatus } from '../../electron/shared/contract.js';

export function stubHandlers(overrides: Partial<ControlHandlers> = {}): ControlHandlers {
  return {
    'GET /api/status': () => ({}) as ServerStatus,
    'GET /api/hosts': () => [],
    'GET /api/interfaces': () => [],
    'GET /api/distros': () => [],
    'POST /api/distros/import': ({ body }) => {
      throw new BootbenchError('ISO_NOT_FOUND', { file: body.path, reason: 'this test server imports nothing' });
    },
    'PUT /api/distros/upload/:name': ({ params }) => {
      throw new BootbenchError('ISO_NOT_FOUND', { file: params.name, reason: 'this test server takes no uploads' });
    },
    'PUT /api/distros/:id': ({ params }) => {
      throw new BootbenchError('DISTRO_NOT_FOUND', { id: params.id });
    },
    'DELETE /api/distros/:id': ({ params }) => {
      throw new BootbenchError('DISTRO_NOT_FOUND', { id: params.id });
    },
    'POST /api/distros/:id/locate': ({ params }) => {
      throw new BootbenchError('DISTRO_NOT_FOUND', { id: params.id });
    },
    'POST /api/hosts/:mac/install': () => notServing(),
    'POST /api/hosts/:mac/cancel': () => notServing(),
    'PUT /api/hosts/:mac/label': ({ params }) => {
      throw new BootbenchError('HOST_NOT_FOUND', { mac: params.mac });
    },
    'PUT /api/hosts/:mac/chain': ({ params }) => {
      throw new BootbenchError('HOST_NOT_FOUND', { mac: params.mac });
    },
    'PUT /api/boot/chain': () => ({}) as ServerStatus,
    'PUT /api/boot/policy': () => ({}) as ServerStatus,
    'PUT /api/hosts/:mac/wait-policy': () => notServing(),
    'PUT /api/hosts/:mac/kernel-args': () => notServing(),
    'POST /api/hosts/:mac/boot': () => notServing(),
    'POST /api/hosts/batch': () => ({ results: [] }),
    'POST /api/hosts/import': () => notServing(),
    'GET /api/reservations': () => [],
    'DELETE /api/hosts/:mac': ({ params }) => {
      throw new BootbenchError('HOST_NOT_FOUND', { mac: params.mac });
    },
    'GET /api/hosts/:mac/answer-file': () => notServing(),
    'GET /api/hosts/:mac/timeline': () => [],
    'GET /api/hosts/:mac/power': ({ params }) => ({ mac: params.mac, method: null, wol: null, ipmi: null, redfish: null, power: null }),
    'PUT /api/hosts/:mac/power': () => notServing(),
    'POST /api/hosts/:mac/power/accept-certificate': () => notServing(),
    'POST /api/hosts/:mac/power/:action': ({ params }) => {
      throw new BootbenchError('POWER_NOT_CONFIGURED', { mac: params.mac });
    },
    'GET /api/settings': () => notServing(),
    'PUT /api/settings': () => notServing(),
    'POST /api/settings/initial-password': () => notServing(),
    'GET /api/templates': () => [],
    'PUT /api/templates/:name': () => notServing(),
    'GET /api/check': () => notServing(),
    'POST /api/serve': () => notServing(),
    'POST /api/stop': () => notServing(),
    ...overrides,
  };
}

function notServing(): never {
  throw new BootbenchError('NOT_SERVING');
}
