// Service status on the event stream: the services' counters change with every packet, so they
// are sampled (twice a second) and only the services that changed are sent, as live-only events
// (EventBus.publish). The UI's service chips follow the traffic without a reload, and a flood of
// packets costs at most a few updates a second.
import type { ServiceStatus } from '../../shared/contract.js';
import type { EventBus } from '../events.js';

export const SERVICE_FEED_INTERVAL_MS = 500;

/** The services whose status differs from the last one sent, and the new "last sent" (pure). */
export function changedServices(
  lastSent: ReadonlyMap<string, string>,
  now: readonly ServiceStatus[],
): { changed: ServiceStatus[]; sent: Map<string, string> } {
  const sent = new Map(lastSent);
  const changed: ServiceStatus[] = [];
  for (const service of now) {
    const key = JSON.stringify(service);
    if (sent.get(service.name) === key) continue;
    sent.set(service.name, key);
    changed.push(service);
  }
  return { changed, sent };
}

/** Samples `services()` every interval and publishes the changes; returns the stop function. */
export function startServiceFeed(opts: { bus: EventBus; services: () => readonly ServiceStatus[]; intervalMs?: number }): () => void {
  let lastSent = new Map<string, string>(opts.services().map((s) => [s.name, JSON.stringify(s)]));
  const timer = setInterval(() => {
    const { changed, sent } = changedServices(lastSent, opts.services());
    lastSent = sent;
    for (const service of changed) opts.bus.publish({ type: 'service', service });
  }, opts.intervalMs ?? SERVICE_FEED_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
