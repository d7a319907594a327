// What the UI knows of the server, and how a batch of events changes it: a pure reducer, so that a
// flood of events costs one new state (and one render) per batch.
import { assertNever } from '../../electron/shared/assert-never.js';
import type { CoreEvent, Distro, Host, LogEvent, ServerStatus, ServiceStatus } from '../../electron/shared/contract.js';
import type { StreamState } from '../api/events.js';

/** The global log pane keeps this many lines (a ring: older lines fall off). */
export const LOG_CAP = 5000;

export interface LiveState {
  status: ServerStatus | null;
  hosts: ReadonlyMap<string, Host>;
  distros: ReadonlyMap<string, Distro>;
  logs: readonly LogEvent[];
  lastSeq: number;
  stream: StreamState;
  /** Why the server cannot be used (a stale token), shown instead of retrying silently. */
  problem: string | null;
}

export const emptyState: LiveState = {
  status: null,
  hosts: new Map(),
  distros: new Map(),
  logs: [],
  lastSeq: 0,
  stream: 'connecting',
  problem: null,
};

export function withSnapshot(state: LiveState, snapshot: { status: ServerStatus; hosts: Host[]; distros: Distro[] }): LiveState {
  return {
    ...state,
    status: snapshot.status,
    hosts: new Map(snapshot.hosts.map((h) => [h.mac, h])),
    distros: new Map(snapshot.distros.map((d) => [d.id, d])),
  };
}

function mergeService(status: ServerStatus | null, service: ServiceStatus): ServerStatus | null {
  if (!status) return status;
  const services = status.services.some((s) => s.name === service.name)
    ? status.services.map((s) => (s.name === service.name ? service : s))
    : [...status.services, service];
  return { ...status, services };
}

export function applyEvents(state: LiveState, events: readonly CoreEvent[]): LiveState {
  let { status, lastSeq } = state;
  let hosts: Map<string, Host> | null = null;
  let distros: Map<string, Distro> | null = null;
  const newLogs: LogEvent[] = [];
  for (const e of events) {
    if (e.seq <= lastSeq) continue; // a replayed backlog overlapping what we have
    lastSeq = e.seq;
    switch (e.type) {
      case 'log':
        newLogs.push(e);
        break;
      case 'host':
        hosts ??= new Map(state.hosts);
        if (e.forgotten) hosts.delete(e.host.mac);
        else hosts.set(e.host.mac, e.host);
        break;
      case 'distro':
        distros ??= new Map(state.distros);
        distros.set(e.distro.id, e.distro);
        break;
      case 'service':
        status = mergeService(status, e.service);
        break;
      default:
        assertNever(e);
    }
  }
  const logs = newLogs.length === 0 ? state.logs : appendCapped(state.logs, newLogs, LOG_CAP);
  return { ...state, status, lastSeq, logs, hosts: hosts ?? state.hosts, distros: distros ?? state.distros };
}

export function appendCapped<T>(list: readonly T[], more: readonly T[], cap: number): readonly T[] {
  if (more.length >= cap) return more.slice(more.length - cap);
  const keep = Math.max(0, list.length + more.length - cap);
  return keep === 0 ? [...list, ...more] : [...list.slice(keep), ...more];
}
