import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeaseStore } from '../../../electron/core/dhcp/lease-store.js';
import type { LeaseRecord } from '../../../electron/core/dhcp/leases.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'bootbench-leases-'));
  dirs.push(d);
  return d;
}

const lease = (n: number, expiresAt = 1_700_000_000_000 + n): LeaseRecord => ({
  mac: `52:54:00:00:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`,
  ip: `10.231.${77 + (n >> 8)}.${n & 255}`,
  expiresAt,
});

/** A stand-in for the lease table: what the store snapshots at compaction. */
function model() {
  const byMac = new Map<string, LeaseRecord>();
  return {
    set: (r: LeaseRecord) => byMac.set(r.mac, r),
    records: () => [...byMac.values()],
  };
}

const sortByMac = (xs: LeaseRecord[]) => [...xs].sort((a, b) => a.mac.localeCompare(b.mac));

async function reopen(dir: string): Promise<LeaseRecord[]> {
  const { store, leases } = await LeaseStore.open(dir, () => []);
  await store.close();
  return sortByMac(leases);
}

describe('LeaseStore', () => {
  test('a fresh store is empty; appended leases come back after reopen, the latest per MAC', async () => {
    const dir = await tempDir();
    const { store, leases } = await LeaseStore.open(dir, () => []);
    assert.deepEqual(leases, []);
    await store.append(lease(1));
    await store.append(lease(2));
    await store.append({ ...lease(1), expiresAt: 0 }); // released later
    await store.close();
    assert.deepEqual(await reopen(dir), sortByMac([{ ...lease(1), expiresAt: 0 }, lease(2)]));
  });

  test('two MACs on one address in a hand-edited journal: the later record wins', async () => {
    const dir = await tempDir();
    const { store } = await LeaseStore.open(dir, () => []);
    await store.append({ mac: 'aa:aa:aa:aa:aa:01', ip: '10.0.0.5', expiresAt: 1 });
    await store.append({ mac: 'aa:aa:aa:aa:aa:02', ip: '10.0.0.5', expiresAt: 2 });
    await store.close();
    assert.deepEqual(await reopen(dir), [{ mac: 'aa:aa:aa:aa:aa:02', ip: '10.0.0.5', expiresAt: 2 }]);
  });

  test('a torn last journal line (crash mid-append) is ignored, and later appends are not lost', async () => {
    const dir = await tempDir();
    const { store } = await LeaseStore.open(dir, () => []);
    await store.append(lease(1));
    await store.close();
    const half = JSON.stringify(lease(2)).slice(0, 17);
    await appendFile(join(dir, 'leases.journal'), half); // no newline: power went out here
    const second = await LeaseStore.open(dir, () => []);
    assert.deepEqual(second.leases, [lease(1)]);
    await second.store.append(lease(3)); // the first lease after the crash
    await second.store.close();
    assert.deepEqual(await reopen(dir), [lease(1), lease(3)]);
  });

  test('compaction writes leases.json and a fresh journal; reopen gives the same leases', async () => {
    const dir = await tempDir();
    const m = model();
    const { store } = await LeaseStore.open(dir, m.records);
    for (let i = 1; i <= 20; i += 1) {
      m.set(lease(i));
      await store.append(lease(i));
    }
    await store.compact();
    const snapshot = JSON.parse(await readFile(join(dir, 'leases.json'), 'utf8')) as {
      version: number;
      generation: number;
      leases: LeaseRecord[];
    };
    assert.equal(snapshot.version, 1);
    assert.equal(snapshot.generation, 1);
    assert.equal(snapshot.leases.length, 20);
    const journal = (await readFile(join(dir, 'leases.journal'), 'utf8')).split('\n').filter(Boolean);
    assert.deepEqual(
      journal.map((l) => JSON.parse(l) as unknown),
      [{ generation: 1 }],
      'only the header is left',
    );
    m.set(lease(21));
    await store.append(lease(21));
    await store.close();
    assert.deepEqual(await reopen(dir), sortByMac(m.records()));
  });

  test('automatic compaction after compactAfter lines keeps every lease', async () => {
    const dir = await tempDir();
    const m = model();
    const { store } = await LeaseStore.open(dir, m.records, 10);
    for (let i = 1; i <= 35; i += 1) {
      m.set(lease(i));
      await store.append(lease(i));
    }
    await store.compact(); // also waits for any automatic one
    await store.close();
    const snapshot = JSON.parse(await readFile(join(dir, 'leases.json'), 'utf8')) as { generation: number };
    assert.ok(snapshot.generation >= 2, `compacted automatically (generation ${snapshot.generation})`);
    assert.deepEqual(await reopen(dir), sortByMac(m.records()));
  });

  test('crash between snapshot and journal truncation does not regress leases, then or later', async () => {
    const dir = await tempDir();
    const m = model();
    const first = await LeaseStore.open(dir, m.records);
    for (let i = 1; i <= 3; i += 1) {
      m.set(lease(i));
      await first.store.append(lease(i));
    }
    await first.store.compact(); // generation 1: snapshot 1..3, journal header 1
    m.set({ ...lease(2), expiresAt: 5 });
    await first.store.append({ ...lease(2), expiresAt: 5 });
    m.set(lease(4));
    await first.store.append(lease(4));
    await first.store.close();
    // The crash: the next compaction wrote its snapshot (generation 2) but died before truncating
    // the journal, which still says generation 1 and holds records the snapshot already has.
    await writeFile(join(dir, 'leases.json'), JSON.stringify({ version: 1, generation: 2, leases: m.records() }));
    const second = await LeaseStore.open(dir, m.records);
    assert.deepEqual(sortByMac(second.leases), sortByMac(m.records()));
    // Life goes on after the restart: these must survive the next restart too.
    m.set(lease(5));
    await second.store.append(lease(5));
    m.set({ ...lease(1), expiresAt: 0 });
    await second.store.append({ ...lease(1), expiresAt: 0 });
    await second.store.close();
    assert.deepEqual(await reopen(dir), sortByMac(m.records()));
  });

  test('a stale journal (older generation than the snapshot) is ignored', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'leases.json'), JSON.stringify({ version: 1, generation: 3, leases: [lease(1)] }));
    await writeFile(
      join(dir, 'leases.journal'),
      `${JSON.stringify({ generation: 2 })}\n${JSON.stringify({ ...lease(1), expiresAt: 99 })}\n`,
    );
    assert.deepEqual(await reopen(dir), [lease(1)]);
  });

  test('group commit: 1,000 concurrent appends all resolve and are all on disk', async () => {
    const dir = await tempDir();
    const { store } = await LeaseStore.open(dir, () => []);
    const records = Array.from({ length: 1000 }, (_, i) => lease(i + 1));
    await Promise.all(records.map((r) => store.append(r)));
    // no close(): what was acknowledged must already be on disk
    const { store: other, leases } = await LeaseStore.open(dir, () => []);
    assert.equal(leases.length, 1000);
    assert.deepEqual(sortByMac(leases), sortByMac(records));
    await other.close();
    await store.close();
    const lines = (await readFile(join(dir, 'leases.journal'), 'utf8')).split('\n').filter(Boolean);
    assert.equal(lines.length, 1001, 'header + one line per append, no duplicates, no torn lines');
  });

  test('appends during compaction are not lost', async () => {
    const dir = await tempDir();
    const m = model();
    const { store } = await LeaseStore.open(dir, m.records);
    for (let i = 1; i <= 50; i += 1) {
      m.set(lease(i));
      await store.append(lease(i));
    }
    const compaction = store.compact();
    const during: Promise<void>[] = [];
    for (let i = 51; i <= 150; i += 1) {
      m.set(lease(i));
      during.push(store.append(lease(i)));
    }
    await Promise.all([compaction, ...during]);
    await store.close();
    assert.deepEqual(await reopen(dir), sortByMac(m.records()));
  });

  test('an explicit compact() racing an automatic one leaves a working journal', async () => {
    const dir = await tempDir();
    const m = model();
    // Each compaction must start from the finished previous one: two at once both write
    // generation N+1 and both truncate the journal, the later truncation erasing appends
    // acknowledged in between.
    const overlaps: string[] = [];
    let snapshots = 0;
    const snapshot = () => {
      snapshots += 1;
      if (snapshots > 1) {
        const journalGen = (JSON.parse(readFileSync(join(dir, 'leases.journal'), 'utf8').split('\n')[0] ?? '{}') as { generation?: number })
          .generation;
        const fileGen = existsSync(join(dir, 'leases.json'))
          ? (JSON.parse(readFileSync(join(dir, 'leases.json'), 'utf8')) as { generation: number }).generation
          : null;
        if (fileGen !== snapshots - 1 || journalGen !== snapshots - 1)
          overlaps.push(`snapshot ${snapshots}: leases.json generation ${fileGen}, journal ${journalGen}`);
      }
      return m.records();
    };
    const { store } = await LeaseStore.open(dir, snapshot, 5);
    const batch: Promise<void>[] = [];
    for (let i = 1; i <= 5; i += 1) {
      m.set(lease(i));
      batch.push(store.append(lease(i)));
    }
    // A flush is in progress; its end triggers the automatic compaction while this one waits.
    const explicit = store.compact();
    // Clients keep being acknowledged meanwhile, one at a time as the server does.
    let done = false;
    void explicit.finally(() => (done = true));
    for (let i = 6; i <= 200 && !done; i += 1) {
      m.set(lease(i));
      await store.append(lease(i));
    }
    await Promise.all([...batch, explicit]);
    await store.compact();
    const later: Promise<void>[] = [];
    for (let i = 201; i <= 204; i += 1) {
      m.set(lease(i));
      later.push(store.append(lease(i)));
    }
    await Promise.all(later);
    await store.close();
    assert.deepEqual(overlaps, [], 'a compaction started while another was running');
    assert.deepEqual(await reopen(dir), sortByMac(m.records()));
  });
});
