import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Host, HostState } from '../../../electron/shared/contract.js';
import { localBootLines, renderIpxeScript } from '../../../electron/core/boot/ipxe-script.js';

const MAC = '52:54:00:12:34:56';
const BASE = 'http://10.231.1.1';

function host(firmware: Host['firmware'], state: HostState = 'discovered'): Host {
  return {
    mac: MAC,
    firmware,
    arch: 'x86_64',
    clientArch: firmware === 'bios' ? 0 : 7,
    ip: '10.231.1.100',
    state,
    distro: null,
    uuid: null,
    vendorClass: null,
    userClass: 'iPXE',
    hostname: null,
    firstSeen: '2025-01-01T00:00:00.000Z',
    lastSeen: '2025-01-01T00:00:00.000Z',
    chain: 'ipxe',
  };
}

describe('renderIpxeScript: waiting hosts', () => {
  test('BIOS host: banner with iPXE settings, BIOS chain step, poll loop on its own URL', () => {
    const s = renderIpxeScript({
      mac: MAC,
      host: host('bios'),
      serverBase: BASE,
      pollSeconds: 4,
      biosChainUrl: 'tftp://10.231.1.1/undionly.kpxe',
    });
    const lines = s.split('\n');
    assert.equal(lines[0], '#!ipxe');
    assert.ok(s.includes(MAC));
    assert.ok(s.includes('${net0/mac}') && s.includes('${net0/ip}'));
    assert.match(s, /click Install in the app/);
    assert.ok(lines.includes('iseq ${platform} pcbios || goto bb_wait'));
    assert.ok(lines.includes('iseq ${net0/chip} undionly && goto bb_wait ||'));
    assert.ok(lines.includes('chain tftp://10.231.1.1/undionly.kpxe || goto bb_wait'));
    // the chain step comes before the wait loop, and the loop replaces itself with a fresh copy
    assert.ok(lines.indexOf(':bb_wait') < lines.indexOf(':bb_poll'));
    assert.ok(lines.includes('sleep 4'));
    assert.ok(lines.includes(`chain --replace --autofree ${BASE}/ipxe/52-54-00-12-34-56.ipxe?poll=1 || goto bb_poll`));
    assert.ok(s.endsWith('\n'));
  });

  test('UEFI host: same wait loop, no BIOS chain step', () => {
    const s = renderIpxeScript({
      mac: MAC,
      host: host('uefi'),
      serverBase: BASE,
      pollSeconds: 5,
      biosChainUrl: 'tftp://10.231.1.1/undionly.kpxe',
    });
    assert.ok(s.startsWith('#!ipxe\n'));
    assert.ok(s.includes(MAC));
    assert.doesNotMatch(s, /undionly|pcbios/);
    assert.match(s, /\nsleep 5\n/);
    assert.match(s, /chain --replace --autofree http:\/\/10\.231\.1\.1\/ipxe\/52-54-00-12-34-56\.ipxe\?poll=1 \|\| goto bb_poll/);
  });

  test('the BIOS chain step is off unless asked for', () => {
    const s = renderIpxeScript({ mac: MAC, host: host('bios'), serverBase: BASE, pollSeconds: 5 });
    assert.doesNotMatch(s, /undionly|pcbios/);
  });

  test('an unknown MAC gets the same waiting script', () => {
    const known = renderIpxeScript({ mac: MAC, host: host('unknown'), serverBase: BASE, pollSeconds: 5 });
    const unknown = renderIpxeScript({ mac: MAC, host: undefined, serverBase: BASE, pollSeconds: 5 });
    const strip = (t: string) =>
      t
        .split('\n')
        .filter((l) => !l.startsWith('# '))
        .join('\n');
    assert.equal(strip(unknown), strip(known));
    assert.match(unknown, /click Install/);
  });

  test('a poll fetch has no banner and no chain step, only the loop', () => {
    const s = renderIpxeScript({
      mac: MAC,
      host: host('bios'),
      serverBase: 'http://10.0.0.1:8080',
      pollSeconds: 3,
      poll: true,
      biosChainUrl: 'tftp://10.0.0.1/undionly.kpxe',
    });
    assert.doesNotMatch(s, /echo|undionly/);
    assert.match(s, /^#!ipxe\n/);
    assert.match(s, /chain --replace --autofree http:\/\/10\.0\.0\.1:8080\/ipxe\/52-54-00-12-34-56\.ipxe\?poll=1/);
  });

  test('poll interval is a whole number of seconds, at least 1', () => {
    assert.match(renderIpxeScript({ mac: MAC, host: undefined, serverBase: BASE, pollSeconds: 0 }), /\nsleep 1\n/);
    assert.match(renderIpxeScript({ mac: MAC, host: undefined, serverBase: BASE, pollSeconds: 2.6 }), /\nsleep 3\n/);
  });

  test('a failed host waits again (until it is queued anew)', () => {
    assert.match(
      renderIpxeScript({ mac: MAC, host: host('bios', 'failed'), serverBase: BASE, pollSeconds: 5 }),
      /chain --replace --autofree/,
    );
  });

  for (const state of ['queued', 'booting', 'installing'] as const) {
    test(`state ${state} without an installer (not prepared, or asked by another address) waits`, () => {
      const s = renderIpxeScript({ mac: MAC, host: host('bios', state), serverBase: BASE, pollSeconds: 5, installer: null });
      assert.match(s, /chain --replace --autofree/);
      assert.doesNotMatch(s, /^kernel /m);
    });
  }
});

describe('renderIpxeScript: hosts with an install under way boot the installer', () => {
  const installer = {
    title: 'installing Rocky Linux 9.4 (rocky-9.4-x86_64)',
    kernelUrl: 'http://10.231.1.1/install/T/kernel',
    initrds: [{ url: 'http://10.231.1.1/install/T/initrd', name: 'initrd' }],
    args: ['initrd=initrd', 'inst.ks=http://10.231.1.1/install/T/answer'],
  };
  for (const state of ['queued', 'booting', 'installing'] as const) {
    test(`state ${state}: kernel, initrd, boot; a failure goes back to polling, never to a prompt`, () => {
      const s = renderIpxeScript({ mac: MAC, host: host('uefi', state), serverBase: BASE, pollSeconds: 5, installer, poll: true });
      assert.match(s, /^kernel http:\/\/10\.231\.1\.1\/install\/T\/kernel initrd=initrd inst\.ks=\S+ \|\| goto bb_failed$/m);
      assert.match(s, /^initrd --name initrd \S+ \|\| goto bb_failed$/m);
      assert.match(s, /^boot \|\| goto bb_failed$/m);
      assert.match(
        s,
        /^:bb_failed\n.*\nsleep 10\nchain --replace --autofree http:\/\/10\.231\.1\.1\/ipxe\/52-54-00-12-34-56\.ipxe\?poll=1 \|\| goto bb_failed$/m,
      );
    });
  }
  test("the machine's screen says what it installs; a name cannot expand iPXE settings or add a command", () => {
    const s = renderIpxeScript({ mac: MAC, host: host('uefi', 'queued'), serverBase: BASE, pollSeconds: 5, installer });
    assert.match(s, /^echo Bootbench: installing Rocky Linux 9\.4 \(rocky-9\.4-x86_64\) on \$\{net0\/mac\}$/m);
    const hostile = renderIpxeScript({
      mac: MAC,
      host: host('uefi', 'queued'),
      serverBase: BASE,
      pollSeconds: 5,
      installer: { ...installer, title: 'x ${root-path}\nshell' },
    });
    assert.ok(!hostile.includes('${root-path}'), hostile);
    assert.ok(!/^shell/m.test(hostile), hostile);
  });
  test('a BIOS host fetching its script first (not a poll) takes the BIOS chain step first when asked', () => {
    const s = renderIpxeScript({
      mac: MAC,
      host: host('bios', 'queued'),
      serverBase: BASE,
      pollSeconds: 5,
      installer,
      biosChainUrl: 'tftp://10.231.1.1/undionly.kpxe',
    });
    assert.ok(s.indexOf('chain tftp://10.231.1.1/undionly.kpxe') < s.indexOf('kernel '));
  });
});

describe('renderIpxeScript: installed hosts boot the local disk', () => {
  test('BIOS: sanboot the first disk', () => {
    const s = renderIpxeScript({ mac: MAC, host: host('bios', 'installed'), serverBase: BASE, pollSeconds: 5 });
    assert.ok(s.startsWith('#!ipxe\n'));
    assert.match(s, /\nsanboot --no-describe --drive 0x80 \|\| exit 1\n/);
    assert.doesNotMatch(s, /chain/);
  });

  test('UEFI: exit with an error back to the firmware, which then tries its next boot option', () => {
    const s = renderIpxeScript({ mac: MAC, host: host('uefi', 'installed'), serverBase: BASE, pollSeconds: 5 });
    assert.match(s, /\nexit 1\n/);
    assert.doesNotMatch(s, /sanboot/);
  });

  test('unknown firmware decides at run time', () => {
    assert.deepEqual(localBootLines('unknown'), ['iseq ${platform} pcbios || exit 1', 'sanboot --no-describe --drive 0x80 || exit 1']);
  });
});
