// The BootTarget of a live system or a whole ISO (boot/live-boot.ts): each live family's
// network-root argument, the distro's then the host's kernel arguments, the whole ISO's URL, the
// entries a distro offers and what the signed chain can boot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Distro, Host } from '../../../electron/shared/contract.js';
import {
  bootsOnSignedChain,
  LiveBootError,
  liveEntriesOf,
  liveTargets,
  wholeIsoHttpBootUrl,
} from '../../../electron/core/boot/live-boot.js';
import { renderIpxeTargetScript } from '../../../electron/core/boot/ipxe-script.js';
import { BootChoices, HTTP_BOOT_GRACE_MS } from '../../../electron/core/boot/menu-choice.js';

const S = 'http://10.0.0.1';

function distro(over: Partial<Distro>): Distro {
  return {
    id: 'x',
    family: 'generic',
    name: 'Debian GNU/Linux',
    version: '12',
    arch: 'x86_64',
    variant: 'live',
    kernel: '/live/vmlinuz-6.1.0-50-amd64',
    initrd: '/live/initrd.img-6.1.0-50-amd64',
    kernelArgs: '',
    iso: '/isos/x.iso',
    isoSize: 1,
    isoMtime: '',
    volumeId: 'V',
    status: 'ok',
    evidence: [],
    importedAt: '',
    sha256: null,
    secureBoot: false,
    secureBootReason: null,
    boot: 'live',
    bootReason: 'Live system',
    liveFamily: 'live-boot',
    ...over,
  };
}

const targetsOf = (d: Distro) => liveTargets({ distro: (id) => (id === d.id ? d : undefined), serverBaseFor: () => S });

function argsOf(d: Distro, host?: Partial<Host>): string[] {
  const t = targetsOf(d)(`live:${d.id}`, host as Host | undefined, '10.0.0.9');
  assert.equal(t?.kind, 'kernel');
  return t.kind === 'kernel' ? t.boot.args : [];
}

test('live-boot: kernel and initrd out of the ISO, fetch= the squashfs beside the kernel, distro then host arguments', () => {
  const d = distro({ id: 'debian-live', kernelArgs: 'console=ttyS0,115200n8 quiet' });
  const t = targetsOf(d)('live:debian-live', { kernelArgs: 'nomodeset console=tty0' } as Host, '10.0.0.9');
  assert.ok(t && t.kind === 'kernel');
  assert.equal(t.boot.kernelUrl, `${S}/iso/debian-live/live/vmlinuz-6.1.0-50-amd64`);
  assert.deepEqual(t.boot.initrds, [{ url: `${S}/iso/debian-live/live/initrd.img-6.1.0-50-amd64`, name: 'initrd' }]);
  assert.deepEqual(t.boot.args, [
    'initrd=initrd',
    'boot=live',
    'components',
    `fetch=${S}/iso/debian-live/live/filesystem.squashfs`,
    'console=ttyS0,115200n8',
    'quiet',
    'nomodeset',
    'console=tty0',
  ]);
  assert.match(t.boot.title, /live Debian GNU\/Linux 12 \(debian-live\)/);
});

test('casper, dracut and archiso get their own network-root arguments', () => {
  assert.deepEqual(argsOf(distro({ id: 'u', liveFamily: 'casper', kernel: '/casper/vmlinuz', initrd: '/casper/initrd' })).slice(1), [
    'boot=casper',
    'netboot=url',
    `url=${S}/iso/u.iso`,
    'ip=dhcp',
  ]);
  assert.deepEqual(argsOf(distro({ id: 'f', liveFamily: 'dracut', kernel: '/images/pxeboot/vmlinuz' })).slice(1), [
    `root=live:${S}/iso/f/LiveOS/squashfs.img`,
    'rd.live.image',
    'ip=dhcp',
    'rd.neednet=1',
  ]);
  assert.deepEqual(argsOf(distro({ id: 'sr', liveFamily: 'archiso', kernel: '/sysresccd/boot/x86_64/vmlinuz' })).slice(1), [
    'archisobasedir=sysresccd',
    `archiso_http_srv=${S}/iso/sr/`,
    'ip=dhcp',
  ]);
  assert.deepEqual(
    argsOf(distro({ id: 'a', liveFamily: 'archiso', kernel: '/arch/boot/x86_64/vmlinuz-linux', kernelArgs: 'key="a b"' })).slice(1),
    ['archisobasedir=arch', `archiso_http_srv=${S}/iso/a/`, 'ip=dhcp', 'key="a b"'],
  );
});

test('whole ISO: sanboot of the .iso over HTTP; a UEFI HTTP-boot client gets the same URL as its boot file', () => {
  const d = distro({ id: 'fw', boot: 'whole-iso', liveFamily: null, kernel: null, initrd: null, name: 'fw-update' });
  assert.deepEqual(targetsOf(d)('iso:fw', undefined, '10.0.0.9'), {
    kind: 'sanboot',
    title: 'whole ISO fw-update (fw)',
    url: `${S}/iso/fw.iso`,
  });
  assert.equal(wholeIsoHttpBootUrl(d, S), `${S}/iso/fw.iso`);
  assert.deepEqual(liveEntriesOf(d), ['iso:fw']);
  assert.throws(() => targetsOf(d)('live:fw', undefined, ''), LiveBootError, 'no live system in a whole ISO');
});

test('entries, other entries, missing distros and files', () => {
  const d = distro({ id: 'l' });
  assert.deepEqual(liveEntriesOf(d), ['live:l']);
  assert.deepEqual(
    liveEntriesOf(distro({ id: 'ub', boot: 'installer', liveFamily: 'casper' })),
    ['live:ub'],
    'an installer that is also live',
  );
  assert.deepEqual(liveEntriesOf(distro({ id: 'r', boot: 'installer', liveFamily: null })), []);
  assert.deepEqual(liveEntriesOf(distro({ status: 'missing' })), []);
  assert.equal(targetsOf(d)('memtest', undefined, ''), null, 'not a live entry: not ours');
  assert.throws(() => targetsOf(d)('live:nope', undefined, ''), /no distro nope/);
  assert.throws(() => targetsOf(distro({ id: 'l', status: 'missing' }))('live:l', undefined, ''), /is missing/);
});

test('signed chain: only a Debian live-boot kernel (signed by Debian) is offered', () => {
  assert.equal(bootsOnSignedChain(distro({}), 'live'), true);
  assert.equal(bootsOnSignedChain(distro({ liveFamily: 'archiso', name: 'SystemRescue' }), 'live'), false);
  assert.equal(bootsOnSignedChain(distro({ liveFamily: 'casper', name: 'Ubuntu' }), 'live'), false);
  assert.equal(bootsOnSignedChain(distro({ boot: 'whole-iso' }), 'iso'), false);
});

test('iPXE renders a live kernel like an installer, a whole ISO with sanboot, and restarts a uefi-http host into its firmware', () => {
  const d = distro({ id: 'debian-live', kernelArgs: 'console=ttyS0' });
  const input = { mac: '52:54:00:00:00:01', serverBase: S, pollSeconds: 5, host: { firmware: 'bios' } as Host };
  const kernel = renderIpxeTargetScript(input, targetsOf(d)('live:debian-live', undefined, '')!);
  assert.match(
    kernel,
    new RegExp(
      `^kernel ${S}/iso/debian-live/live/vmlinuz-6\\.1\\.0-50-amd64 initrd=initrd boot=live components fetch=\\S+ console=ttyS0 \\|\\| goto bb_failed$`,
      'm',
    ),
  );
  assert.match(
    kernel,
    /^initrd --name initrd http:\/\/10\.0\.0\.1\/iso\/debian-live\/live\/initrd\.img-6\.1\.0-50-amd64 \|\| goto bb_failed$/m,
  );
  const w = distro({ id: 'fw', boot: 'whole-iso', liveFamily: null, kernel: null, initrd: null, name: 'x ${evil} ||shell' });
  const san = renderIpxeTargetScript(input, targetsOf(w)('iso:fw', undefined, '')!);
  assert.match(san, /^sanboot --no-describe http:\/\/10\.0\.0\.1\/iso\/fw\.iso \|\| goto bb_failed$/m);
  assert.doesNotMatch(san, /\$\{evil\}/, 'a label cannot expand iPXE settings');
  const efi = renderIpxeTargetScript({ ...input, host: { firmware: 'uefi-http' } as Host }, targetsOf(w)('iso:fw', undefined, '')!);
  assert.match(efi, /^reboot$/m);
  assert.doesNotMatch(efi, /sanboot/);
});

test('a whole ISO chosen in the app for a UEFI HTTP-boot host stays pending until its DHCP takes it; other boots are one shot', async () => {
  const hosts = new Map<string, Host>([
    ['m1', { mac: 'm1', firmware: 'uefi-http', state: 'discovered', chain: 'ipxe' } as Host],
    ['m2', { mac: 'm2', firmware: 'bios', state: 'discovered', chain: 'ipxe' } as Host],
  ]);
  const w = distro({ id: 'fw', boot: 'whole-iso', liveFamily: null, kernel: null, initrd: null });
  const choices = new BootChoices({
    hosts: { get: (mac) => hosts.get(mac), setLastBoot: (mac) => hosts.get(mac) },
    distros: () => [w],
    queueInstall: async () => undefined,
    log: () => undefined,
    targetFor: (entry, host, client) => targetsOf(w)(entry, host, client.ip),
  });
  const client = { serverBase: S, ip: '10.0.0.9', chain: 'ipxe' as const };
  choices.setNext('m1', 'iso:fw');
  assert.equal((await choices.takeNext('m1', client))?.kind, 'sanboot');
  assert.equal(choices.takeHttpBootIso('m1', 1000), 'fw', 'the reboot into HTTP boot finds it at DHCP (DISCOVER)');
  assert.equal(choices.takeHttpBootIso('m1', 1000 + HTTP_BOOT_GRACE_MS), 'fw', 'and again (REQUEST, a retry)');
  assert.equal(choices.takeHttpBootIso('m1', 1001 + HTTP_BOOT_GRACE_MS), null, 'and then it is gone');
  choices.setNext('m2', 'iso:fw');
  assert.equal((await choices.takeNext('m2', client))?.kind, 'sanboot');
  assert.equal(await choices.takeNext('m2', client), null, 'one shot');
});
