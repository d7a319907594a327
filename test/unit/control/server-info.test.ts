import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerInfo } from '../../../electron/shared/contract.js';
import type { BootbenchError } from '../../../electron/core/errors.js';
import {
  findRunningServer,
  isProcessAlive,
  readServerInfo,
  removeServerInfo,
  serverInfoPath,
  writeServerInfo,
} from '../../../electron/core/control/server-info.js';

function info(pid: number): ServerInfo {
  const token = 'tok_0123456789abcdefghij';
  return {
    pid,
    controlUrl: 'http://127.0.0.1:43210',
    token,
    uiUrl: `http://127.0.0.1:43210/?token=${token}`,
    interface: 'lab0',
    startedAt: '2025-01-01T00:00:00.000Z',
  };
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const pid = child.pid ?? 0;
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
}

describe('server.json', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bootbench-serverinfo-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('is written with mode 0600 (even with umask 0) and read back', async () => {
    const old = process.umask(0);
    try {
      await writeServerInfo(dir, info(process.pid));
    } finally {
      process.umask(old);
    }
    assert.equal((await stat(serverInfoPath(dir))).mode & 0o777, 0o600);
    assert.deepEqual(await readServerInfo(dir), info(process.pid));
    assert.deepEqual(await readdir(dir), ['server.json'], 'no temporary file left behind');
  });

  test('a server waiting in setup (no interface yet) writes interface null, and it reads back', async () => {
    const setup = { ...info(process.pid), interface: null };
    await writeServerInfo(dir, setup);
    assert.deepEqual(await readServerInfo(dir), setup);
    await writeFile(serverInfoPath(dir), JSON.stringify({ ...setup, interface: 42 }));
    await assert.rejects(readServerInfo(dir), /interface: not a string or null/);
  });

  test('replaces an older, world-readable file with a 0600 one', async () => {
    await writeFile(serverInfoPath(dir), '{"old":true}');
    await chmod(serverInfoPath(dir), 0o644);
    await writeServerInfo(dir, info(process.pid));
    assert.equal((await stat(serverInfoPath(dir))).mode & 0o777, 0o600);
    assert.equal(JSON.parse(await readFile(serverInfoPath(dir), 'utf8')).pid, process.pid);
  });

  test('reads null when missing and refuses a malformed file', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'bootbench-serverinfo-empty-'));
    try {
      assert.equal(await readServerInfo(empty), null);
      await writeFile(serverInfoPath(empty), '{not json');
      await assert.rejects(readServerInfo(empty), (e: BootbenchError) => e.code === 'DATA_DIR' && /unreadable/.test(e.message));
      await writeFile(serverInfoPath(empty), JSON.stringify({ ...info(1), controlUrl: 'http://evil.example:80' }));
      await assert.rejects(readServerInfo(empty), (e: BootbenchError) => e.code === 'DATA_DIR' && /malformed/.test(e.message));
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  test('is removed only by the server that wrote it (same pid)', async () => {
    await writeServerInfo(dir, info(process.pid));
    assert.equal(await removeServerInfo(dir, process.pid + 100000), false);
    assert.ok(await readServerInfo(dir), 'another pid must not remove it');
    assert.equal(await removeServerInfo(dir, process.pid), true);
    assert.equal(await readServerInfo(dir), null);
    assert.equal(await removeServerInfo(dir, process.pid), false, 'nothing left to remove');
  });

  test('isProcessAlive tells live from dead and never signals a group', async () => {
    assert.equal(isProcessAlive(process.pid), true);
    assert.equal(isProcessAlive(1), true); // init: alive (EPERM counts as alive when not root)
    assert.equal(isProcessAlive(await deadPid()), false);
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.equal(isProcessAlive(bad), false, String(bad));
  });

  test('findRunningServer ignores a stale file left by a dead server', async () => {
    await writeServerInfo(dir, info(await deadPid()));
    assert.equal(await findRunningServer(dir), null);
    await writeServerInfo(dir, info(process.pid));
    assert.equal((await findRunningServer(dir))?.pid, process.pid);
  });
});
