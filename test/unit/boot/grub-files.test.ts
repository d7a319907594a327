// What the signed chain's loaders ask Bootbench for, through the TFTP tree (boot/tftp-files.ts +
// grub-routes.ts) and the /grub HTTP route: the names they really ask (seen under OVMF with Debian's
// shim and GRUB), per-host answers, and bad input (not a MAC, 10 KB names, paths out of the tree).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Host, HostState } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import type { FileResolver, OpenResult } from '../../../electron/core/files/file-source.js';
import { directoryResolver } from '../../../electron/core/files/directory.js';
import { createBootHttpServer, type BootHttpServer } from '../../../electron/core/http/server.js';
import { grubTftpFiles, mountGrubRoutes, type GrubFilesOptions } from '../../../electron/core/boot/grub-routes.js';
import { tftpBootFiles } from '../../../electron/core/boot/tftp-files.js';
import type { InstallerBoot } from '../../../electron/core/boot/installer-boot.js';

const REPO = join(import.meta.dirname, '../../..');
const MAC = '52:54:00:12:34:56';
const OTHER = '52:54:00:65:43:21';
const states = new Map<string, HostState>([[MAC, 'discovered']]);
const host = (mac: string): Host | undefined => {
  const state = states.get(mac);
  return state
    ? {
        mac,
        firmware: 'uefi',
        arch: 'x86_64',
        clientArch: 7,
        ip: '10.231.110.100',
        state,
        distro: null,
        uuid: null,
        vendorClass: null,
        userClass: null,
        hostname: null,
        chain: 'signed',
        firstSeen: '2025-01-01T00:00:00.000Z',
        lastSeen: '2025-01-01T00:00:00.000Z',
      }
    : undefined;
};
const INSTALLER: InstallerBoot = {
  title: 'installing Debian 12',
  kernelUrl: 'http://10.231.110.1:8080/install/TOKEN0123456789abcdef/kernel',
  initrds: [{ url: 'http://10.231.110.1:8080/install/TOKEN0123456789abcdef/initrd', name: 'initrd' }],
  args: ['auto=true', "x'; reboot"],
};
const asked: { mac: string; ip: string }[] = [];
const grub: GrubFilesOptions = {
  hosts: { get: host },
  serverIp: '10.231.110.1',
  httpPort: 8080,
  pollSeconds: 5,
  installerFor: (mac, ip) => {
    asked.push({ mac, ip });
    return Promise.resolve(INSTALLER);
  },
};
const installFiles: FileResolver = (path) =>
  Promise.resolve(
    path === 'TOKEN0123456789abcdef/kernel'
      ? { ok: true, file: { size: 1, mtime: null, read: () => Promise.resolve(0), close: () => Promise.resolve() } }
      : { ok: false, failure: { kind: 'not-found', message: 'no' } },
  );
const tftp = tftpBootFiles({
  loaders: directoryResolver(join(REPO, 'assets/boot'), { holdMs: 0 }),
  openInsideIso: (id, path) => Promise.resolve({ ok: false, failure: { kind: 'not-found', message: `iso ${id} ${path}` } }),
  grubFiles: grubTftpFiles(grub),
  installFiles,
  signedLoadersFor: (mac) =>
    mac === OTHER
      ? { shim: { tftp: 'x', http: '/x' }, grub: { tftp: 'iso/rocky-9/EFI/BOOT/grubx64.efi', http: '/iso/rocky-9/EFI/BOOT/grubx64.efi' } }
      : { shim: { tftp: 'shimx64.efi', http: '/boot/shimx64.efi' }, grub: { tftp: 'grubx64.efi', http: '/boot/grubx64.efi' } },
  archOf: () => 'x86_64',
});
const asker = { ip: '10.231.110.100', mac: MAC };

async function text(r: OpenResult): Promise<string> {
  assert.ok(r.ok, JSON.stringify(r));
  const buf = Buffer.alloc(r.file.size);
  let at = 0;
  while (at < buf.length) at += await r.file.read(buf, at, buf.length - at, at);
  await r.file.close();
  return buf.toString('utf8');
}

describe('the TFTP tree of the signed chain', () => {
  test('the shim and GRUB by the names the firmware and the shim ask (GRUB at the root)', async () => {
    for (const name of ['shimx64.efi', 'grubx64.efi', '/grubx64.efi']) {
      const r = await tftp(name, asker);
      assert.ok(r.ok, name);
      await r.file.close();
    }
  });

  test('a host with its own loaders gets its own GRUB for grubx64.efi (here: inside an ISO)', async () => {
    const r = await tftp('grubx64.efi', { ip: '10.231.110.101', mac: OTHER });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.failure.message, /iso rocky-9 EFI\/BOOT\/grubx64\.efi/);
  });

  test('the optional files the shim and GRUB ask for are "not found" quietly', async () => {
    for (const name of [
      'revocations_sku.efi',
      'revocations_sbat.efi',
      'shim_certificate_0.efi',
      'grub/x86_64-efi/command.lst',
      'grub/x86_64-efi/http.mod',
    ]) {
      const r = await tftp(name, asker);
      assert.deepEqual(r.ok ? 'found' : [r.failure.kind, r.failure.kind === 'not-found' && r.failure.quiet], ['not-found', true], name);
    }
  });

  test('the bootstrap at every prefix path GRUB reads', async () => {
    for (const name of ['grub/grub.cfg', 'grub/x86_64-efi/grub.cfg', '/grub/grub.cfg', 'grub/arm64-efi/grub.cfg']) {
      assert.match(await text(await tftp(name, asker)), /source "\(\$root\)\/grub\/\$\{net_default_mac\}\.cfg"/, name);
    }
  });

  test("the host's config by MAC (colons as GRUB's $net_default_mac, dashes, net-config search name)", async () => {
    for (const name of [`grub/${MAC}.cfg`, `grub/${MAC.replace(/:/g, '-')}.cfg`, `grub/grub.cfg-01-${MAC.replace(/:/g, '-')}`]) {
      const t = await text(await tftp(name, asker));
      assert.match(t, /state: discovered/, name);
      assert.match(t, /source '\(tftp,10\.231\.110\.1\)\/grub\/poll\/52-54-00-12-34-56\.cfg'/, name);
    }
  });

  test('a poll is quiet while the host waits; the poll that hands out the installer is not', async () => {
    const waiting = await tftp(`grub/poll/${MAC}.cfg`, asker);
    assert.ok(waiting.ok && waiting.file.quiet === true);
    states.set(MAC, 'queued');
    try {
      const booting = await tftp(`grub/poll/${MAC}.cfg`, asker);
      assert.ok(booting.ok && booting.file.quiet === false);
      const t = await text(booting);
      assert.match(t, /if linux '\(tftp,10\.231\.110\.1\)\/install\/TOKEN0123456789abcdef\/kernel' 'auto=true' 'x'\\''; reboot'; then/);
      assert.deepEqual(asked.at(-1), { mac: MAC, ip: '10.231.110.100' }, 'the installer is asked with the asker address');
    } finally {
      states.set(MAC, 'discovered');
    }
  });

  test('install/<token>/kernel goes to the install files', async () => {
    assert.ok((await tftp('install/TOKEN0123456789abcdef/kernel', asker)).ok);
    assert.equal((await tftp('install/nope/kernel', asker)).ok, false);
  });

  test('bad names: not a MAC, 10 KB, traversal: refused, nothing thrown', async () => {
    const bad = [
      'grub/zz-zz-zz-zz-zz-zz.cfg',
      'grub/52-54-00-12-34.cfg',
      `grub/${'a'.repeat(10_240)}.cfg`,
      `grub/poll/${'52-54-00-12-34-56'.repeat(600)}.cfg`,
      'grub/../../etc/passwd',
      'grub/poll/../../etc/passwd',
      '../etc/passwd',
      '/etc/passwd',
      'install/../../etc/passwd',
      'grub\\..\\x',
      'grub/\u0000.cfg',
    ];
    for (const name of bad) {
      const r = await tftp(name, asker);
      assert.equal(r.ok, false, name.slice(0, 60));
    }
  });
});

describe('/grub over HTTP', () => {
  let server: BootHttpServer;
  let base: string;
  before(async () => {
    server = createBootHttpServer({ address: '127.0.0.1', port: 0, bus: new EventBus() });
    mountGrubRoutes(server, grub);
    await server.start();
    base = server.url;
  });
  after(() => server.stop());

  test("a host's config over HTTP names the HTTP server; the bootstrap is there too", async () => {
    const r = await fetch(`${base}/grub/${MAC.replace(/:/g, '-')}.cfg`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /source '\(http,10\.231\.110\.1:8080\)\/grub\/poll\/52-54-00-12-34-56\.cfg'/);
    assert.equal((await fetch(`${base}/grub/x86_64-efi/grub.cfg`)).status, 200);
    assert.equal((await fetch(`${base}/grub/${MAC}.cfg`)).status, 200);
  });

  test('bad paths: 404, never a crash; a POST is refused', async () => {
    for (const path of [
      '/grub/',
      '/grub/nope.cfg',
      `/grub/${'a'.repeat(10_240)}.cfg`,
      '/grub/%2e%2e/%2e%2e/etc/passwd',
      '/grub/../boot/shimx64.efi',
      '/grub/poll/',
    ]) {
      const r = await fetch(`${base}${path}`);
      assert.ok(r.status === 404 || r.status === 400, `${path.slice(0, 40)}: ${r.status}`);
      await r.arrayBuffer();
    }
    const post = await fetch(`${base}/grub/grub.cfg`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
  });
});
