// A host waiting in one GRUB whose install needs another loader set (issue 17): Debian's shim refuses
// a RHEL kernel, so a host in the bundled (Debian) GRUB's wait loop queued for a RHEL-family install
// with its own signed chain must not be handed that kernel by its next poll. The wait loop names the
// set it runs under in its poll path; a poll from the wrong set answers `reboot` (said once on the
// timeline), and the next DHCP hands the host the ISO's shim (install-loaders.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Distro, Host } from '../../../electron/shared/contract.js';
import {
  BUNDLED_SET,
  grubConfigPath,
  loaderSetChange,
  renderGrubConfig,
  type GrubServer,
} from '../../../electron/core/boot/grub-config.js';
import { grubAnswer, type GrubFilesOptions } from '../../../electron/core/boot/grub-routes.js';
import { isoLoaderFile, loaderSetName, signedLoadersByInstall } from '../../../electron/core/boot/install-loaders.js';
import { bundledSignedLoaders } from '../../../electron/core/boot/signed-loaders.js';
import type { InstallerBoot } from '../../../electron/core/boot/installer-boot.js';

const MAC = '52:54:00:5b:a0:01';
const DASHED = MAC.replace(/:/g, '-');
const SERVER: GrubServer = { ip: '10.231.125.1', httpPort: 8080, via: 'tftp' };
const ROCKY_SET = 'iso-rocky-9.4-x86_64';
const INSTALLER: InstallerBoot = {
  title: 'installing Rocky Linux 9.4',
  kernelUrl: 'http://10.231.125.1:8080/install/TOKEN0123456789abcdef/kernel',
  initrds: [{ url: 'http://10.231.125.1:8080/install/TOKEN0123456789abcdef/initrd', name: 'initrd' }],
  args: ['inst.ks=http://10.231.125.1:8080/install/TOKEN0123456789abcdef/answer'],
};

function host(state: Host['state'], distro: string | null): Host {
  return { mac: MAC, state, distro, arch: 'x86_64', firmware: 'uefi', chain: 'signed' } as Host;
}

function distro(over: Partial<Distro>): Distro {
  return {
    id: 'rocky-9.4-x86_64',
    family: 'rhel',
    arch: 'x86_64',
    status: 'ok',
    secureBoot: true,
    secureBootLoaders: { shim: '/EFI/BOOT/BOOTX64.EFI', grub: '/EFI/BOOT/grubx64.efi' },
    ...over,
  } as Distro;
}

test('loader set names: the bundled pair, an ISO’s own pair by its distro id (path-safe)', () => {
  assert.equal(loaderSetName(bundledSignedLoaders('m', 'x86_64')), BUNDLED_SET);
  assert.equal(loaderSetName(null), BUNDLED_SET);
  const own = {
    shim: isoLoaderFile('rocky-9.4-x86_64', 'EFI/BOOT/BOOTX64.EFI'),
    grub: isoLoaderFile('rocky-9.4-x86_64', 'EFI/BOOT/grubx64.efi'),
  };
  assert.equal(loaderSetName(own), ROCKY_SET);
  const odd = { shim: isoLoaderFile('a b/;c', 'BOOTX64.EFI'), grub: isoLoaderFile('a b;c', 'grubx64.efi') };
  assert.match(loaderSetName(odd), /^iso-[A-Za-z0-9._-]+$/);
});

test('the poll path carries the set: bundled keeps the plain path', () => {
  assert.equal(grubConfigPath(MAC, true), `/grub/poll/${DASHED}.cfg`);
  assert.equal(grubConfigPath(MAC, true, BUNDLED_SET), `/grub/poll/${DASHED}.cfg`);
  assert.equal(grubConfigPath(MAC, true, ROCKY_SET), `/grub/poll/${ROCKY_SET}/${DASHED}.cfg`);
  assert.equal(grubConfigPath(MAC, false, ROCKY_SET), `/grub/${DASHED}.cfg`, 'the host config is one path for every GRUB');
});

test('loaderSetChange: only a poll, only when the sets differ, only when the needed set is known', () => {
  assert.equal(loaderSetChange({ poll: true, loaderSet: BUNDLED_SET }), null);
  assert.equal(loaderSetChange({ poll: true, loaderSet: ROCKY_SET, runningSet: ROCKY_SET }), null);
  assert.equal(loaderSetChange({ poll: true, runningSet: ROCKY_SET }), null, 'not checked without the needed set');
  assert.equal(loaderSetChange({ poll: false, loaderSet: ROCKY_SET }), null, 'the first config is fetched right after DHCP');
  assert.match(loaderSetChange({ poll: true, loaderSet: ROCKY_SET })!, /bundled shim \+ GRUB.*iso-rocky-9\.4-x86_64.*reboot/);
  assert.match(loaderSetChange({ poll: true, loaderSet: BUNDLED_SET, runningSet: ROCKY_SET })!, /iso-rocky.*bundled/);
});

test('a wait loop names its set in its poll; a poll from the wrong set reboots and boots no kernel', () => {
  const wait = renderGrubConfig({ mac: MAC, host: host('discovered', null), server: SERVER, pollSeconds: 5, loaderSet: ROCKY_SET });
  assert.ok(wait.includes(`source '(tftp,10.231.125.1)/grub/poll/${ROCKY_SET}/${DASHED}.cfg'`), wait);
  const poll = renderGrubConfig({
    mac: MAC,
    host: host('queued', 'rocky-9.4-x86_64'),
    server: SERVER,
    pollSeconds: 5,
    poll: true,
    installer: INSTALLER,
    loaderSet: ROCKY_SET,
    runningSet: BUNDLED_SET,
  });
  assert.match(poll, /^reboot$/m);
  assert.match(poll, /^echo 'Bootbench: this GRUB runs under the bundled shim \+ GRUB; .*'$/m);
  assert.doesNotMatch(poll, /linux|initrd|^\s*boot$/m);
  const same = renderGrubConfig({
    mac: MAC,
    host: host('queued', 'rocky-9.4-x86_64'),
    server: SERVER,
    pollSeconds: 5,
    poll: true,
    installer: INSTALLER,
    loaderSet: ROCKY_SET,
    runningSet: ROCKY_SET,
  });
  assert.match(same, /^if linux /m);
  assert.doesNotMatch(same, /reboot/);
});

test('routes: a host in the Debian GRUB queued for Rocky is rebooted (told once); the Rocky GRUB gets the installer', async () => {
  let current = host('discovered', null);
  const distros = [distro({}), distro({ id: 'debian-12-amd64', family: 'debian', secureBootLoaders: undefined })];
  const loadersFor = signedLoadersByInstall({ hosts: { get: () => current }, distros: { get: (id) => distros.find((d) => d.id === id) } });
  const told: string[] = [];
  let installerAsked = 0;
  const opts: GrubFilesOptions = {
    hosts: { get: (mac) => (mac === MAC ? current : undefined) },
    serverIp: SERVER.ip,
    httpPort: SERVER.httpPort,
    installerFor: () => {
      installerAsked += 1;
      return Promise.resolve(INSTALLER);
    },
    loaderSetOf: (mac) => loaderSetName(loadersFor(mac, 'x86_64')),
    onLoaderSetChange: (mac, message) => told.push(`${mac} ${message}`),
  };
  const text = async (name: string) => {
    const a = await grubAnswer(opts, name, 'tftp', { ip: '10.231.125.100', mac: MAC });
    assert.equal(a.kind, 'text', name);
    return a.kind === 'text' ? a : assert.fail();
  };
  // Waiting in the bundled GRUB: its loop polls the plain path, quietly.
  const waiting = await text(`${DASHED}.cfg`);
  assert.ok(waiting.text.includes(`/grub/poll/${DASHED}.cfg'`));
  assert.equal((await text(`poll/${DASHED}.cfg`)).quiet, true);
  // Rocky is queued: the bundled GRUB's next polls reboot it, logged once, and no kernel is prepared.
  current = host('queued', 'rocky-9.4-x86_64');
  for (let i = 0; i < 3; i += 1) {
    const p = await text(`poll/${DASHED}.cfg`);
    assert.match(p.text, /^reboot$/m);
    assert.equal(p.quiet, false);
  }
  assert.equal(installerAsked, 0, 'no installer prepared for the wrong GRUB');
  assert.equal(told.length, 1, told.join('\n'));
  assert.match(told[0]!, /52:54:00:5b:a0:01 GRUB told to reboot: .*iso-rocky-9\.4-x86_64/);
  // After its reboot the ISO's GRUB waits with its own set in its poll path and gets the installer.
  const ownWait = await text(`${DASHED}.cfg`);
  assert.match(ownWait.text, /^if linux /m);
  assert.ok(ownWait.text.includes(`/grub/poll/${ROCKY_SET}/${DASHED}.cfg'`), ownWait.text);
  const ownPoll = await text(`poll/${ROCKY_SET}/${DASHED}.cfg`);
  assert.match(ownPoll.text, /^if linux /m);
  assert.doesNotMatch(ownPoll.text, /reboot/);
  // A Debian install keeps the bundled GRUB: no reboot.
  current = host('queued', 'debian-12-amd64');
  assert.match((await text(`poll/${DASHED}.cfg`)).text, /^if linux /m);
  // Cancelled while in Rocky's GRUB: back to the bundled set, told again (a new change).
  current = host('discovered', null);
  assert.match((await text(`poll/${ROCKY_SET}/${DASHED}.cfg`)).text, /^reboot$/m);
  assert.equal(told.length, 2);
});

test('routes: bad set names are not found, nothing thrown', async () => {
  const opts: GrubFilesOptions = { hosts: { get: () => undefined }, serverIp: SERVER.ip, httpPort: 8080, loaderSetOf: () => BUNDLED_SET };
  for (const name of [
    `poll/../${DASHED}.cfg`,
    `poll/a/b/${DASHED}.cfg`,
    `poll/${'x'.repeat(65)}/${DASHED}.cfg`,
    `poll/a;b/${DASHED}.cfg`,
    `x/${DASHED}.cfg`,
  ]) {
    const a = await grubAnswer(opts, name, 'tftp', undefined);
    assert.equal(a.kind, 'absent', name);
  }
});
