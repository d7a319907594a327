// A host waiting in the bundled (Debian) GRUB, queued for a distro that boots through its ISO's own
// signed chain (a RHEL layout carrying signed shim + GRUB): through the real `bootbench serve`, a
// scripted UEFI PXE client (DHCP) and curl as GRUB's TFTP client, its next poll tells it to reboot
// (once on its timeline), no installer is prepared for the wrong GRUB, and its next DHCP hands it the
// ISO's shim; the ISO's GRUB then gets the installer and polls under its own set.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type LabHost } from '../../helpers/netns.js';
import { removeDir, startBootbench, tempDataDir, type RunningBootbench } from '../../helpers/bootbench.js';
import { runScriptedClient } from '../../helpers/clients.js';
import { buildFakeRhelIso } from '../../helpers/installer-iso.js';
import type { Distro, LogEvent } from '../../../electron/shared/contract.js';

const SERVER = '10.231.126.1';

describe('a host in the Debian GRUB queued for a distro with its own signed chain', { timeout: 300_000 }, () => {
  let lab: Lab;
  let server: RunningBootbench | null = null;
  let dataDir: string;
  let client: LabHost;
  let iso: string;

  before(async () => {
    iso = (await buildFakeRhelIso({ signedEfi: true })).iso;
    lab = Lab.create('sba');
    const seg = lab.segment('sbabr1', `${SERVER}/24`);
    client = lab.host(seg, { cidr: '10.231.126.9/24' });
    dataDir = tempDataDir('sba-grub-set');
    server = await startBootbench(lab, ['--interface', seg.name, '--mode', 'dhcp', '--chain', 'signed'], dataDir);
  });

  after(async () => {
    await server?.stop();
    lab?.destroy();
    if (dataDir) removeDir(dataDir);
  });

  const dhcpBootFile = async (): Promise<string> => {
    const { replies } = await runScriptedClient(lab, client.ns, {
      mac: client.mac,
      flow: 'dora',
      vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
      clientArch: 7,
    });
    const ack = replies.find((r) => r.type === 5);
    assert.ok(ack, JSON.stringify(replies));
    return Buffer.from(ack.options['67'] ?? '', 'hex').toString() || ack.file;
  };
  const tftp = async (name: string): Promise<string> => {
    const r = await lab.exec(client.ns, 'curl', ['-sS', '-f', `tftp://${SERVER}/${name}`]);
    assert.equal(r.code, 0, `${name}: ${r.stderr}\n${server!.output()}`);
    return r.stdout;
  };

  test('its poll reboots it once; its next DHCP gets the ISO shim, whose GRUB gets the installer', async () => {
    const distro = JSON.parse(await server!.cliOk(['import', iso, '--json'], 120_000)) as Distro;
    assert.equal(distro.secureBoot, true, distro.secureBootReason ?? '');
    const dashed = client.mac.replace(/:/g, '-');
    assert.equal(await dhcpBootFile(), 'shimx64.efi');
    const wait = await tftp(`grub/${client.mac}.cfg`);
    assert.ok(wait.includes(`/grub/poll/${dashed}.cfg'`), wait);
    assert.doesNotMatch(await tftp(`grub/poll/${dashed}.cfg`), /reboot/);

    await server!.cliOk(['install', client.mac, '--distro', distro.id], 60_000);
    for (let i = 0; i < 3; i += 1) {
      const poll = await tftp(`grub/poll/${dashed}.cfg`);
      assert.match(poll, /^reboot$/m);
      assert.doesNotMatch(poll, /^\s*(?:if )?linux /m);
    }
    const events: LogEvent[] = await server!.timeline(client.mac, 60_000);
    const told = events.filter((e) => e.kind === 'boot.grub-reboot');
    assert.equal(told.length, 1, JSON.stringify(told));
    assert.match(told[0]!.message, new RegExp(`bundled shim \\+ GRUB.*iso-${distro.id.replace(/\./g, '\\.')}`));
    assert.equal(events.filter((e) => e.kind === 'install.booting').length, 0, 'no installer handed to the wrong GRUB');

    // Its reboot: DHCP hands it the ISO's shim; that GRUB's config boots the installer.
    assert.equal(await dhcpBootFile(), `iso/${distro.id}/EFI/BOOT/BOOTX64.EFI`);
    const own = await tftp(`grub/${client.mac}.cfg`);
    assert.match(own, /^if linux /m);
    assert.ok(own.includes(`/grub/poll/iso-${distro.id}/${dashed}.cfg'`), own);
    assert.match(await tftp(`grub/poll/iso-${distro.id}/${dashed}.cfg`), /^if linux /m);
    await server!.cliOk(['cancel', client.mac], 60_000);
  });
});
