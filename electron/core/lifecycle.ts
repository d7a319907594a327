// Starting a group of services as a whole: everything started is undone in reverse order, on a
// failed start as on a later stop.
import type { ServiceStatus } from '../shared/contract.js';
import type { EventBus } from './events.js';

/** The steps that undo what has been started so far; each start pushes its own. */
export type Teardown = (() => unknown)[];

/**
 * Runs `build` with a teardown list it pushes a step to for everything it starts. Everything started
 * is undone in reverse order, on a failed start (here) as on a later stop (`undo`, handed to build).
 */
export async function withUndo<T>(build: (teardown: Teardown, undo: () => Promise<void>) => Promise<T>): Promise<T> {
  const teardown: Teardown = [];
  const undo = async () => {
    for (const step of teardown.splice(0).reverse()) await Promise.resolve(step()).catch(() => undefined);
  };
  try {
    return await build(teardown, undo);
  } catch (e) {
    await undo();
    throw e;
  }
}

export interface Service {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ServiceStatus;
}

/**
 * A helper service (syslog, DNS, RA) that the lab is better with but can run without: a failure to
 * start is shown on its status and in the log, not a reason to refuse serving. Returns the status
 * source to list, and whether it started.
 */
export async function startOptional(opts: {
  name: string;
  service: Service;
  bus: EventBus;
  teardown: Teardown;
}): Promise<{ started: boolean; status: () => ServiceStatus }> {
  const { name, service, bus, teardown } = opts;
  try {
    await service.start();
    teardown.push(() => service.stop());
    return { started: true, status: () => service.status() };
  } catch (e) {
    const error = (e as Error).message;
    bus.log('core', 'warn', `${name}.unavailable`, `${name} not started: ${error}`);
    return { started: false, status: () => ({ ...service.status(), state: 'failed', error }) };
  }
}
