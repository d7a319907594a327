// The ISO library through the real server: `bootbench import` of an ISO laid out like Rocky 9,
// then its kernel and initrd fetched over HTTP from a client namespace, straight out of the ISO.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, truncateSync, copyFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Lab, type LabHost } from '../../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import type { Distro } from '../../../electron/shared/contract.js';
import { loadManifest } from '../../fixtures/iso-layouts/manifest.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// The real layout's .treeinfo, from the detection fixtures (one description of Rocky 9.4's media).
const TREEINFO = treeinfoOf('rocky-9.4-x86_64-dvd');

function treeinfoOf(id: string): string {
  const file = loadManifest(id).files.find((f) => f.path.replace(/^\//, '') === '.treeinfo');
  if (!file?.content) throw new Error(`${id} has no .treeinfo`);
  return file.content;
}

describe('ISO import and serving through bootbench serve', { timeout: 300_000 }, () => {
  let lab: Lab;
  let server: RunningBootbench;
  let dataDir: string;
  let client: LabHost;
  let iso: string;
  let kernel: Buffer;
  let initrd: Buffer;
  let distro: Distro;

  before(async () => {
    dataDir = tempDataDir('iso');
    const tree = join(dataDir, 'tree');
    mkdirSync(join(tree, 'images/pxeboot'), { recursive: true });
    mkdirSync(join(tree, 'BaseOS/Packages'), { recursive: true });
    kernel = randomBytes(3 * 1024 * 1024 + 17);
    initrd = randomBytes(5 * 1024 * 1024 + 5);
    writeFileSync(join(tree, '.treeinfo'), TREEINFO);
    writeFileSync(join(tree, 'images/pxeboot/vmlinuz'), kernel);
    writeFileSync(join(tree, 'images/pxeboot/initrd.img'), initrd);
    writeFileSync(join(tree, 'images/install.img'), randomBytes(64 * 1024));
    writeFileSync(join(tree, 'BaseOS/Packages/bash-5.1.8-9.el9.x86_64.rpm'), randomBytes(4096));
    iso = join(dataDir, 'Rocky-9.4-x86_64-dvd.iso');
    const r = spawnSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', 'Rocky-9-4-x86_64-dvd', '-o', iso, tree], { encoding: 'utf8' });
    assert.equal(r.status, 0, `xorriso failed (apt-get install -y xorriso): ${r.stderr}`);

    lab = Lab.create('iso');
    const seg = lab.segment('bbiso0', '10.231.20.1/24');
    client = lab.host(seg, { cidr: '10.231.20.50/24' });
    server = await startBootbench(lab, ['--interface', 'bbiso0', '--mode', 'proxy'], dataDir);
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  test('bootbench import detects the distro and prints its record', async () => {
    const r = await server.cli(['import', iso, '--json']);
    assert.equal(r.code, 0, r.stderr);
    distro = JSON.parse(r.stdout) as Distro;
    assert.equal(distro.family, 'rhel');
    assert.equal(distro.name, 'Rocky Linux');
    assert.equal(distro.version, '9.4');
    assert.equal(distro.arch, 'x86_64');
    assert.equal(distro.kernel, '/images/pxeboot/vmlinuz');
    assert.equal(distro.initrd, '/images/pxeboot/initrd.img');
    assert.equal(distro.iso, iso);
    assert.equal(distro.status, 'ok');
    const again = await server.cli(['import', iso, '--json']);
    assert.equal((JSON.parse(again.stdout) as Distro).id, distro.id, 'importing the same file again is idempotent');
    const list = JSON.parse((await server.cli(['distros', '--json'])).stdout) as Distro[];
    assert.deepEqual(
      list.map((d) => d.id),
      [distro.id],
    );
  });

  test('kernel and initrd over HTTP equal the bytes inside the ISO; a Range in the middle is exact', async () => {
    const base = `http://10.231.20.1/iso/${distro.id}`;
    for (const [path, bytes] of [
      ['images/pxeboot/vmlinuz', kernel],
      ['images/pxeboot/initrd.img', initrd],
    ] as const) {
      const out = join(dataDir, `got-${path.split('/').pop()}`);
      const r = await lab.exec(client.ns, 'curl', ['-sS', '-f', '-o', out, `${base}/${path}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(sha256(readFileSync(out)), sha256(bytes), `${path} differs from the file inside the ISO`);
    }
    const from = 1_234_567;
    const to = from + 99_999;
    const range = join(dataDir, 'range.bin');
    const r = await lab.exec(client.ns, 'curl', ['-sS', '-f', '-r', `${from}-${to}`, '-o', range, `${base}/images/pxeboot/initrd.img`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(range).equals(initrd.subarray(from, to + 1)), 'the range is exact');
    const whole = await lab.exec(client.ns, 'curl', ['-sS', '-I', `http://10.231.20.1/iso/${distro.id}.iso`]);
    assert.match(whole.stdout, new RegExp(`content-length: ${statSync(iso).size}`, 'i'), 'the whole ISO is served with its length');
    const missing = await lab.exec(client.ns, 'curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${base}/images/nope`]);
    assert.equal(missing.stdout, '404');
  });

  test('TFTP serves files inside the ISO too', async () => {
    const out = join(dataDir, 'tftp-vmlinuz');
    const r = await lab.exec(client.ns, 'curl', [
      '-sS',
      '--tftp-blksize',
      '1468',
      '-o',
      out,
      `tftp://10.231.20.1/iso/${distro.id}/images/pxeboot/vmlinuz`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha256(readFileSync(out)), sha256(kernel));
    const escape = await lab.exec(client.ns, 'curl', [
      '-sS',
      '-o',
      join(dataDir, 'nope'),
      `tftp://10.231.20.1/iso/${distro.id}/../../etc/passwd`,
    ]);
    assert.notEqual(escape.code, 0, 'a path out of the ISO is refused');
  });

  test('--verify checks the ISO against SHA256SUMS beside it', async () => {
    writeFileSync(join(dataDir, 'SHA256SUMS'), `${'0'.repeat(64)}  ${basename(iso)}\n`);
    const wrong = await server.cli(['import', iso, '--verify']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /does not match .*SHA256SUMS.*download it again/);
    writeFileSync(join(dataDir, 'SHA256SUMS'), `${sha256(readFileSync(iso))}  ${basename(iso)}\n`);
    const right = await server.cli(['import', iso, '--verify', '--json']);
    assert.equal(right.code, 0, right.stderr);
    assert.equal((JSON.parse(right.stdout) as Distro).sha256, sha256(readFileSync(iso)));
    const logs = await server.cli(['logs']);
    assert.match(logs.stdout, /verifying Rocky-9\.4-x86_64-dvd\.iso: 100 %/);
  });

  test('a browser upload is streamed into the data folder and imported; the same ISO again is not kept twice', async () => {
    const info = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { controlUrl: string; token: string };
    const put = (file: string, name: string) =>
      lab.exec(lab.serverNs, 'curl', [
        '-sS',
        '-X',
        'PUT',
        '-H',
        `Authorization: Bearer ${info.token}`,
        '-H',
        'Content-Type: application/octet-stream',
        '--data-binary',
        `@${file}`,
        `${info.controlUrl}/api/distros/upload/${name}`,
      ]);
    // Another ISO than the one imported above: the same tree with a padding sector more.
    const variant = join(dataDir, 'variant.iso');
    writeFileSync(variant, Buffer.concat([readFileSync(iso), Buffer.alloc(2048)]));
    const r = await put(variant, 'uploaded-rocky.iso');
    assert.equal(r.code, 0, r.stderr);
    const uploaded = JSON.parse(r.stdout) as Distro;
    assert.equal(uploaded.name, 'Rocky Linux');
    assert.equal(uploaded.iso, join(dataDir, 'isos', 'uploaded-rocky.iso'));
    assert.equal(sha256(readFileSync(uploaded.iso)), sha256(readFileSync(variant)));
    assert.equal(uploaded.sha256, sha256(readFileSync(variant)), 'hashed while it streamed in');
    // The ISO imported (and verified) by path above, uploaded: the same ISO, one record, no second copy.
    const again = await put(iso, 'again.iso');
    assert.equal(again.code, 0, again.stderr);
    const kept = JSON.parse(again.stdout) as Distro;
    assert.equal(kept.iso, iso);
    assert.notEqual(kept.id, uploaded.id);
    assert.ok(!existsSync(join(dataDir, 'isos', 'again.iso')), 'the duplicate upload is not kept');
    const junk = join(dataDir, 'junk.bin');
    writeFileSync(junk, randomBytes(100_000));
    const bad = await lab.exec(lab.serverNs, 'curl', [
      '-sS',
      '-X',
      'PUT',
      '-H',
      `Authorization: Bearer ${info.token}`,
      '--data-binary',
      `@${junk}`,
      `${info.controlUrl}/api/distros/upload/junk.iso`,
    ]);
    assert.match(bad.stdout, /Cannot import/);
    assert.ok(!existsSync(join(dataDir, 'isos', 'junk.iso')) && !existsSync(join(dataDir, 'isos', 'junk.iso.part')), 'nothing left behind');
  });

  test('a truncated ISO gives a clear error and registers nothing', async () => {
    const bad = join(dataDir, 'truncated.iso');
    copyFileSync(iso, bad);
    truncateSync(bad, 40_000);
    const r = await server.cli(['import', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot import .*truncated\.iso/);
    assert.match(r.stderr, /Nothing was registered/);
    const list = JSON.parse((await server.cli(['distros', '--json'])).stdout) as Distro[];
    assert.ok(!list.some((d) => d.iso.endsWith('truncated.iso')), 'nothing registered');
  });

  test('a moved ISO marks its distro missing, and importing it from its new place heals it', async () => {
    const moved = `${iso}.moved`;
    renameSync(iso, moved);
    const list = JSON.parse((await server.cli(['distros', '--json'])).stdout) as Distro[];
    assert.equal(list.find((d) => d.id === distro.id)?.status, 'missing');
    const gone = await lab.exec(client.ns, 'curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `http://10.231.20.1/iso/${distro.id}/images/pxeboot/vmlinuz`,
    ]);
    assert.equal(gone.stdout, '404');
    renameSync(moved, iso);
    const back = JSON.parse((await server.cli(['distros', '--json'])).stdout) as Distro[];
    assert.equal(back.find((d) => d.id === distro.id)?.status, 'ok');
  });
});
