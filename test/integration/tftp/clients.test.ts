// Bootbench's TFTP server against real clients (curl, atftp, tftp-hpa) and a scripted one, in lab
// namespaces: byte-identical files, block-number rollover, refused paths and writes, and the UEFI
// size probe that aborts after the OACK.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEvent } from '../../../electron/shared/contract.js';
import { sha256File, startTftpLab, writeRandomFile, type TftpLab } from '../../helpers/tftp-lab.js';

const SMALL = 'boot/small.bin'; // 3 MiB + 123 bytes: not a multiple of any block size
const EXACT = 'exact.bin'; // 512 × 1000: ends with an empty DATA block
const LARGE = 'large.bin'; // 34 MiB: over 65535 blocks at 512 bytes, so block numbers roll over

describe('TFTP with real clients', { timeout: 600_000 }, () => {
  let t: TftpLab;
  let out: string;
  let outside: string;

  before(async () => {
    t = await startTftpLab('tftpc', 70, { clients: 2 });
    mkdirSync(join(t.root, 'boot'));
    writeRandomFile(join(t.root, SMALL), 3 * 1024 * 1024 + 123);
    writeRandomFile(join(t.root, EXACT), 512 * 1000);
    writeRandomFile(join(t.root, LARGE), 34 * 1024 * 1024);
    outside = mkdtempSync(join(tmpdir(), 'bootbench-outside-'));
    writeFileSync(join(outside, 'secret'), 'not for TFTP clients\n');
    symlinkSync(join(outside, 'secret'), join(t.root, 'escape'));
    symlinkSync(join(outside), join(t.root, 'escape-dir'));
    out = mkdtempSync(join(tmpdir(), 'bootbench-tftp-out-'));
  });

  after(async () => {
    await t?.close();
    if (out) rmSync(out, { recursive: true, force: true });
    if (outside) rmSync(outside, { recursive: true, force: true });
  });

  const url = (file: string) => `tftp://${t.serverIp}/${file}`;
  const client = () => t.hosts[0]!;

  async function check(name: string, file: string, cmd: string, args: (dest: string) => string[]): Promise<void> {
    const dest = join(out, name);
    const r = await t.exec(client(), cmd, args(dest), 300_000);
    assert.equal(r.code, 0, `${cmd} exited ${r.code}: ${r.stderr}`);
    assert.ok(existsSync(dest), `${cmd} wrote no file`);
    assert.equal(sha256File(dest), t.sha(file), `${cmd} got different bytes`);
    rmSync(dest);
  }

  test('curl with default options', () => check('curl-default', SMALL, 'curl', (d) => ['-sS', '-o', d, url(SMALL)]));
  test('curl --tftp-blksize 1468', () => check('curl-1468', SMALL, 'curl', (d) => ['-sS', '--tftp-blksize', '1468', '-o', d, url(SMALL)]));
  test('curl, a file that is an exact multiple of the block size', () =>
    check('curl-exact', EXACT, 'curl', (d) => ['-sS', '--tftp-blksize', '512', '-o', d, url(EXACT)]));
  test('atftp with blksize 1468, tsize, windowsize 4', () =>
    check('atftp', SMALL, 'atftp', (d) => [
      '--option',
      'blksize 1468',
      '--option',
      'tsize 0',
      '--option',
      'windowsize 4',
      '-g',
      '-r',
      SMALL,
      '-l',
      d,
      t.serverIp,
    ]));
  test('atftp with windowsize 16', () =>
    check('atftp-w16', SMALL, 'atftp', (d) => [
      '--option',
      'blksize 1468',
      '--option',
      'windowsize 16',
      '-g',
      '-r',
      SMALL,
      '-l',
      d,
      t.serverIp,
    ]));
  test('tftp-hpa client, binary mode', () => check('tftp-hpa', SMALL, 'tftp', (d) => [t.serverIp, '-m', 'binary', '-c', 'get', SMALL, d]));
  test('tftp-hpa client, verbose', () =>
    check('tftp-hpa-v', EXACT, 'tftp', (d) => ['-v', t.serverIp, '-m', 'binary', '-c', 'get', EXACT, d]));
  test('a 34 MiB file at blksize 512 (block numbers roll over past 65535)', () =>
    check('large', LARGE, 'curl', (d) => ['-sS', '--tftp-blksize', '512', '-o', d, url(LARGE)]));

  test('iPXE-style request (blksize 1432, tsize 0) gets both options back', async () => {
    const r = await t.scripted(client(), { file: SMALL, options: { blksize: '1432', tsize: '0' } });
    assert.deepEqual(r.first?.options, { blksize: '1432', tsize: String(3 * 1024 * 1024 + 123) });
    assert.equal(r.sha256, t.sha(SMALL));
    assert.notEqual(r.first?.from, 69, 'the transfer comes from its own port');
  });

  test('blksize is clamped to the MTU: 65464 asked, 1468 given', async () => {
    const r = await t.scripted(client(), { file: SMALL, options: { blksize: '65464' } });
    assert.deepEqual(r.first?.options, { blksize: '1468' });
    assert.equal(r.sha256, t.sha(SMALL));
  });

  test('the UEFI size probe (OACK then ERROR 8) is normal, and the next download works', async () => {
    const before = t.events.length;
    const probe = await t.scripted(client(), {
      file: SMALL,
      options: { tsize: '0', blksize: '1468', windowsize: '4' },
      abortAfterOack: true,
    });
    assert.equal(probe.first?.op, 'oack');
    assert.deepEqual(probe.first?.options, { tsize: String(3 * 1024 * 1024 + 123), blksize: '1468', windowsize: '4' });
    const full = await t.scripted(client(), { file: SMALL, options: { blksize: '1468', windowsize: '4' } });
    assert.equal(full.sha256, t.sha(SMALL), full.error);
    await waitFor(() => t.events.slice(before).filter(isEnd).length >= 2);
    const logs = t.events.slice(before).filter((e): e is LogEvent => e.type === 'log');
    const loud = logs.filter((e) => e.level === 'warn' || e.level === 'error');
    assert.deepEqual(loud, [], 'no warning or error for a size probe');
    const ends = logs.filter(isEnd);
    assert.equal(ends[0]?.data?.result, 'probe', JSON.stringify(ends));
    assert.equal(ends[0]?.level, 'debug');
    assert.equal(ends[1]?.data?.result, 'complete');
    assert.equal(ends[1]?.mac, client().mac, 'events carry the MAC from macForIp');
    assert.equal(t.server.status().counters.probes, 1);
  });

  const refused: [string, string, number][] = [
    ['../ (parent directory)', '../etc/passwd', 2],
    ['absolute path', '/etc/passwd', 2],
    ['backslash traversal', '..\\..\\etc\\passwd', 2],
    ['URL-encoded traversal is a literal (missing) name', '%2e%2e%2fetc%2fpasswd', 1],
    ['a symlink leading outside the root', 'escape', 2],
    ['a path through a symlinked folder outside the root', 'escape-dir/secret', 2],
    ['a directory', 'boot', 2],
    ['a missing file', 'nope.bin', 1],
  ];
  for (const [what, file, code] of refused) {
    test(`refused: ${what}`, async () => {
      const r = await t.scripted(client(), { file });
      assert.equal(r.first?.op, 'error', JSON.stringify(r));
      assert.equal(r.first?.code, code, JSON.stringify(r));
      assert.equal(r.bytes, undefined);
    });
  }

  test('refused: a name with a NUL byte inside (the wire splits it; no file is served)', async () => {
    // "../etc/passwd" NUL "x.bin" NUL "octet" NUL: the first string is the file name
    const raw = Buffer.concat([Buffer.from([0, 1]), Buffer.from('../etc/passwd\0x.bin\0octet\0')]);
    const r = await t.scripted(client(), { rawHex: raw.toString('hex') });
    assert.equal(r.first?.op, 'error', JSON.stringify(r));
    assert.ok(r.first?.code === 2 || r.first?.code === 4, JSON.stringify(r));
  });

  test('curl cannot fetch outside the root either (it URL-decodes %2e%2e%2f before sending)', async () => {
    const dest = join(out, 'curl-traversal');
    const r = await t.exec(client(), 'curl', ['-sS', '-o', dest, `tftp://${t.serverIp}/%2e%2e%2f%2e%2e%2fetc%2fpasswd`]);
    assert.notEqual(r.code, 0);
    assert.ok(!existsSync(dest) || sha256File(dest) !== sha256File('/etc/passwd'));
  });

  test('a write request is refused: Bootbench is read-only', async () => {
    const r = await t.scripted(client(), { file: 'upload.bin', write: true });
    assert.equal(r.first?.op, 'error');
    assert.equal(r.first?.code, 2);
    assert.match(r.first?.message ?? '', /read-only/);
    const put = await t.exec(client(), 'tftp', [t.serverIp, '-m', 'binary', '-c', 'put', '/etc/hostname', 'upload.bin']);
    assert.match(put.stdout + put.stderr, /read-only|Access violation/i);
    assert.ok(!existsSync(join(t.root, 'upload.bin')));
  });

  test('malformed packets to port 69 are dropped and the server keeps serving', async () => {
    for (const hex of ['', '00', '0001', '0001616263', '00016100', '0009ffff', '0003000141', 'ffffffffffffffff']) {
      await t.scripted(client(), { rawHex: hex, timeoutMs: 300 });
    }
    await check('after-junk', SMALL, 'curl', (d) => ['-sS', '-o', d, url(SMALL)]);
    assert.ok(t.server.status().counters.dropped! >= 5);
  });

  test('the server is healthy at the end: counters add up, nothing active', () => {
    const c = t.server.status().counters;
    assert.equal(t.server.status().state, 'up');
    assert.equal(c.active, 0);
    assert.equal(c.timeouts, 0);
    assert.equal(c.errors, 0);
  });
});

function isEnd(e: { type: string; kind?: string }): e is LogEvent {
  return e.type === 'log' && e.kind === 'tftp.end';
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}
