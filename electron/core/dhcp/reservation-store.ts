// Stored reservations (`<dataDir>/reservations.json`, atomic writes): fixed addresses given by an
// inventory import, which outlive restarts and apply to the running lease table at once (the
// session listens). `serve --reserve MAC=IP` flags are not stored: they are the command line's, for
// that run, and win over a stored reservation of the same MAC (merge below).
import { join } from 'node:path';
import type { ReservationRecord } from '../../shared/contract.js';
import { readJsonFile, writeJsonAtomic } from '../store/atomic.js';
import type { Reservation } from './leases.js';

export const RESERVATIONS_FILE = 'reservations.json';

interface ReservationsFile {
  version: 1;
  reservations: { mac: string; ip: string; hostname: string | null }[];
}

export type StoredReservation = ReservationsFile['reservations'][number];

export class ReservationStore {
  private readonly listeners = new Set<(list: StoredReservation[]) => void>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private list: StoredReservation[],
  ) {}

  static async open(dataDir: string): Promise<ReservationStore> {
    const path = join(dataDir, RESERVATIONS_FILE);
    const file = await readJsonFile<ReservationsFile>(path, { version: 1, reservations: [] });
    return new ReservationStore(path, [...(file.reservations ?? [])]);
  }

  all(): StoredReservation[] {
    return this.list.map((r) => ({ ...r }));
  }

  get(mac: string): StoredReservation | undefined {
    return this.list.find((r) => r.mac === mac);
  }

  /**
   * Adds or replaces the reservations of these MACs in one atomic write: all are stored or none
   * (a failed write leaves the file and the list as they were). Listeners hear of it after the write.
   */
  upsert(entries: readonly StoredReservation[]): Promise<void> {
    const run = this.queue.then(async () => {
      const byMac = new Map(this.list.map((r) => [r.mac, r]));
      for (const e of entries) byMac.set(e.mac, { mac: e.mac, ip: e.ip, hostname: e.hostname });
      const next = [...byMac.values()];
      await writeJsonAtomic(this.path, { version: 1, reservations: next } satisfies ReservationsFile);
      this.list = next;
      for (const listen of this.listeners) listen(this.all());
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Puts back an earlier list (an import that failed after this store was written). */
  restore(previous: readonly StoredReservation[]): Promise<void> {
    const run = this.queue.then(async () => {
      await writeJsonAtomic(this.path, { version: 1, reservations: [...previous] } satisfies ReservationsFile);
      this.list = previous.map((r) => ({ ...r }));
      for (const listen of this.listeners) listen(this.all());
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Called with the whole list after each change; returns an unsubscribe. */
  onChange(listen: (list: StoredReservation[]) => void): () => void {
    this.listeners.add(listen);
    return () => this.listeners.delete(listen);
  }
}

/** A stored reservation that a `--reserve` flag overrides for this run, in words for the log. */
export interface ReservationConflict {
  mac: string;
  stored: string;
  message: string;
}

/**
 * The reservations in force: every flag, then each stored reservation that no flag contradicts. A
 * flag wins (it is what the user typed for this run) over a stored reservation of the same MAC, and
 * over one of another MAC for the same address; the stored one stays in the file, unused this run.
 */
export function mergeReservations(
  flags: readonly Reservation[],
  stored: readonly StoredReservation[],
): { records: ReservationRecord[]; conflicts: ReservationConflict[] } {
  const flaggedMac = new Map(flags.map((f) => [f.mac, f]));
  const flaggedIp = new Map(flags.map((f) => [f.ip, f]));
  const conflicts: ReservationConflict[] = [];
  const records: ReservationRecord[] = flags.map((f) => ({ mac: f.mac, ip: f.ip, hostname: f.hostname ?? null, source: 'flag' }));
  for (const s of stored) {
    const byMac = flaggedMac.get(s.mac);
    const byIp = flaggedIp.get(s.ip);
    if (byMac) {
      if (byMac.ip !== s.ip)
        conflicts.push({
          mac: s.mac,
          stored: s.ip,
          message: `${s.mac}: --reserve gives it ${byMac.ip}, the stored reservation (inventory) ${s.ip}; the flag wins while this server runs`,
        });
      continue;
    }
    if (byIp) {
      conflicts.push({
        mac: s.mac,
        stored: s.ip,
        message: `${s.ip}: --reserve gives it to ${byIp.mac}, the stored reservation (inventory) to ${s.mac}; the flag wins while this server runs, ${s.mac} gets a pool address`,
      });
      continue;
    }
    records.push({ mac: s.mac, ip: s.ip, hostname: s.hostname, source: 'inventory' });
  }
  return { records, conflicts };
}

/** The lease table's form of the reservations in force. */
export function toLeaseReservations(records: readonly ReservationRecord[]): Reservation[] {
  return records.map((r) => ({ mac: r.mac, ip: r.ip, ...(r.hostname ? { hostname: r.hostname } : {}) }));
}
