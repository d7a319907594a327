// Durable leases: a snapshot (leases.json, written atomically) plus an append-only journal
// (leases.journal, one JSON record a line), as ISC Kea's memfile does. A lease is appended and
// fdatasync'ed before its ACK leaves, so it survives kill -9 and power loss; appends are group
// committed (every record that arrives during one sync waits for the next), so durability costs
// one sync per batch, not per client. A torn last line (a crash mid-append) is ignored on replay.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { dataFiles } from '../store/data-dir.js';
import { writeJsonAtomic } from '../store/atomic.js';
import type { LeaseRecord } from './leases.js';

interface Snapshot {
  version: 1;
  /** The journal generation this snapshot already contains; a journal of that generation or older is stale. */
  generation: number;
  leases: LeaseRecord[];
}

/** The journal's first line names its generation, so a crash between snapshot and truncation is safe. */
interface JournalHeader {
  generation: number;
}

export class LeaseStore {
  private journal: FileHandle | null = null;
  private journalLines = 0;
  private pending: { line: string; done: () => void; fail: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private compacting = false;
  private compaction: Promise<void> | null = null;
  private generation = 0;
  /** Bytes of the journal file worth keeping (up to its last whole line), or null: start a fresh one. */
  private journalKeep: number | null = null;

  private constructor(
    private readonly dir: string,
    private readonly compactAfter: number,
    private readonly snapshot: () => LeaseRecord[],
  ) {}

  /**
   * Opens the store and returns the leases it holds. `snapshot` gives the current table when the
   * journal is compacted.
   */
  static async open(
    dir: string,
    snapshot: () => LeaseRecord[],
    compactAfter = 20_000,
  ): Promise<{ store: LeaseStore; leases: LeaseRecord[] }> {
    const store = new LeaseStore(dir, compactAfter, snapshot);
    const leases = await store.readAll();
    const path = join(dir, dataFiles.leaseJournal);
    if (store.journalKeep === null) {
      // No journal, or a stale one (a crash between snapshot and truncation): appending to a stale
      // journal would hide the new records behind its old generation header on the next start.
      store.journal = await open(path, 'w', 0o644);
      await store.journal.write(`${JSON.stringify({ generation: store.generation } satisfies JournalHeader)}\n`);
      await store.journal.datasync();
    } else {
      store.journal = await open(path, 'a', 0o644);
      // Cut a torn last line (a crash mid-append): the next record would otherwise be glued onto
      // it and be unreadable, losing the first lease acknowledged after the restart.
      if ((await store.journal.stat()).size > store.journalKeep) {
        await store.journal.truncate(store.journalKeep);
        await store.journal.datasync();
      }
    }
    return { store, leases };
  }

  private async readAll(): Promise<LeaseRecord[]> {
    const byMac = new Map<string, LeaseRecord>();
    let snapshotText: string | null = null;
    try {
      snapshotText = await readFile(join(this.dir, dataFiles.leases), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    let snapshotGeneration = 0;
    if (snapshotText !== null) {
      const parsed = JSON.parse(snapshotText) as Snapshot;
      snapshotGeneration = parsed.generation ?? 0;
      for (const lease of parsed.leases ?? []) if (isLease(lease)) byMac.set(lease.mac, lease);
    }
    this.generation = snapshotGeneration;
    let journalText = '';
    try {
      journalText = await readFile(join(this.dir, dataFiles.leaseJournal), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const lines = journalText.split('\n');
    const header = parseLine(lines[0] ?? '');
    const journalGeneration = isHeader(header) ? header.generation : 0;
    const complete = journalText.slice(0, journalText.lastIndexOf('\n') + 1);
    this.journalKeep = complete.length === 0 || journalGeneration < snapshotGeneration ? null : Buffer.byteLength(complete);
    if (journalGeneration < snapshotGeneration) lines.length = 0; // already in the snapshot
    for (const line of lines) {
      if (!line) continue;
      const record = parseLine(line); // null for a torn final line from a crash mid-append
      if (isLease(record)) {
        byMac.set(record.mac, record);
        this.journalLines += 1;
      }
    }
    // Two MACs on one address can only come from a hand-edited file: the later record wins.
    const byIp = new Map<string, LeaseRecord>();
    for (const lease of byMac.values()) {
      const other = byIp.get(lease.ip);
      if (other) byMac.delete(other.mac);
      byIp.set(lease.ip, lease);
    }
    return [...byMac.values()];
  }

  /** Appends a lease change; resolves once it is on disk. */
  append(record: LeaseRecord): Promise<void> {
    return new Promise((done, fail) => {
      this.pending.push({ line: `${JSON.stringify(record)}\n`, done, fail });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing || this.compacting || this.pending.length === 0) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      if (this.journalLines >= this.compactAfter) void this.compact().catch(() => undefined);
      else this.kick();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0 && !this.compacting) {
      const batch = this.pending;
      this.pending = [];
      try {
        if (!this.journal) throw new Error('lease store is closed');
        await this.journal.write(batch.map((p) => p.line).join(''));
        await this.journal.datasync();
        this.journalLines += batch.length;
        for (const p of batch) p.done();
      } catch (e) {
        for (const p of batch) p.fail(e);
      }
    }
  }

  /**
   * Writes the whole table as a new snapshot and starts an empty journal. Appends wait meanwhile
   * (the table already holds their changes, so the snapshot includes them; they are appended to
   * the new journal afterwards, harmlessly twice).
   */
  compact(): Promise<void> {
    // One at a time: two at once would both write generation N+1 and both truncate the journal,
    // the later truncation erasing records appended (and acknowledged) after the earlier one.
    this.compaction ??= this.compactNow().finally(() => {
      this.compaction = null;
    });
    return this.compaction;
  }

  private async compactNow(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.compacting = true;
    try {
      const generation = this.generation + 1;
      const leases = this.snapshot();
      await writeJsonAtomic(join(this.dir, dataFiles.leases), { version: 1, generation, leases } satisfies Snapshot);
      const old = this.journal;
      this.journal = await open(join(this.dir, dataFiles.leaseJournal), 'w', 0o644);
      await this.journal.write(`${JSON.stringify({ generation } satisfies JournalHeader)}\n`);
      await this.journal.datasync();
      this.generation = generation;
      this.journalLines = 0;
      await old?.close();
    } finally {
      this.compacting = false;
      this.kick();
    }
  }

  async close(): Promise<void> {
    // an automatic compaction still running would reopen the journal after this closed it
    while (this.flushing || this.compaction) await (this.compaction ?? this.flushing)?.catch(() => undefined);
    await this.journal?.close();
    this.journal = null;
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

function isHeader(value: unknown): value is JournalHeader {
  return typeof value === 'object' && value !== null && typeof (value as JournalHeader).generation === 'number' && !('mac' in value);
}

function isLease(value: unknown): value is LeaseRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.mac === 'string' && typeof v.ip === 'string' && typeof v.expiresAt === 'number';
}
