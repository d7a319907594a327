// End to end: UEFI HTTP Boot for real (issue 17). OVMF with its PXE over IPv4 switched off (fw_cfg
// opt/org.tianocore/IPv4PXESupport=no) boots from its "UEFI HTTPv4" option: DHCP with vendor class
// HTTPClient and arch type 16, Bootbench answers with the loader's URL (HTTPClient echoed), the
// firmware GETs snponly.efi over HTTP (no TFTP at all), and the iPXE it starts asks DHCP again and
// gets its script. The host shows as uefi-http, waits in the iPXE loop, is installed with `bootbench
// install` (the emulated RHEL-family installer of pxe-install.test.ts), reaches `installed`, and
// its reboot, again through HTTP boot, is sent to the local disk. A tcpdump capture on the lab
// bridge witnesses what the firmware sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { qemuUnavailable, vmMac } from '../helpers/qemu.js';
import { VmLab } from '../helpers/vm-lab.js';
import { buildFakeRhelIso } from '../helpers/installer-iso.js';
import { consoleTail, waitForStage } from '../helpers/vm-stage.js';
import { DISK_BOOTED_TEXT, MARKER_OFFSET, parseMarker } from '../helpers/disk-payload.js';
import { startDhcpCapture, type DhcpCapture } from '../helpers/dhcp-capture.js';
import { Opt, type DhcpMessage } from '../../electron/core/dhcp/message.js';
import { clientArch, macOf, messageType, userClasses, vendorClass } from '../../electron/core/dhcp/options.js';
import type { Distro, Host, LogEvent } from '../../electron/shared/contract.js';

const skip = qemuUnavailable();
if (skip) process.stdout.write(`# e2e UEFI HTTP boot skipped: ${skip}\n`);

const SERVER_IP = '10.231.140.1';
const LOADER_URL = `http://${SERVER_IP}/boot/snponly.efi`;

describe('UEFI HTTP Boot: OVMF with PXE off boots through HTTP and installs', { skip: skip ?? false, timeout: 1_200_000 }, () => {
  let lab: VmLab | undefined;
  let capture: DhcpCapture;
  let distro: Distro;

  const cli = (args: string[]) => lab!.cli(args);
  const hostOf = async (mac: string): Promise<Host | undefined> => (await lab!.bootbench.hosts(60_000)).find((h) => h.mac === mac);
  const timelineOf = (mac: string): Promise<LogEvent[]> => lab!.bootbench.timeline(mac, 60_000);
  const pathOf = (e: LogEvent) => String(e.data?.path ?? '');

  before(async () => {
    const iso = await buildFakeRhelIso();
    // IPv6 on the lab bridge, so that Bootbench's router advertisements end iPXE's 13 s wait.
    lab = await VmLab.create({ tag: 'hbt', bridge: 'hbt0', cidr: `${SERVER_IP}/24`, ipv6: true });
    const c = await startDhcpCapture(lab.lab, lab.seg.name, join(lab.work, 'dhcp.pcap'));
    capture = c;
    lab.onDispose(() => c.stop());
    await lab.serve(['--mode', 'dhcp']);
    distro = await lab.importIso(iso.iso);
    assert.equal(distro.family, 'rhel');
  });

  after(async () => {
    await lab?.dispose();
  });

  test(
    'HTTPv4 boot option → snponly.efi by URL → iPXE waits as uefi-http → install → installed → local disk',
    { timeout: 1_100_000 },
    async () => {
      const l = lab!;
      const accel = l.accel;
      const mac = vmMac(`http-1-${process.pid}`);
      const running = await l.startVm({ name: 'http-1', firmware: 'uefi', uefiBoot: 'http', mac, diskSizeMiB: 64, memMiB: 512 });
      const since = (t: number) => `+${((t - running.startedAt) / 1000).toFixed(1)} s`;
      let seen = '';
      const track = (host: Host | undefined, events = 0) => {
        seen = host ? `${host.state} ${host.lastSeen} ${host.install?.lastStep ?? ''} ${events}` : '';
        return host;
      };
      try {
        // 1. Discovered over HTTP boot, and waiting in the iPXE loop (it fetched its script).
        const discovered = await waitForStage(
          running,
          { stage: 'http-1 discovered and polling its iPXE script', deadlineMs: 300_000, activity: () => seen },
          async () => {
            const host = track(await hostOf(mac));
            if (!host || host.state !== 'discovered') return null;
            const t = await timelineOf(mac);
            track(host, t.length);
            return t.some((e) => e.kind === 'http.request' && pathOf(e).startsWith('/ipxe/')) ? host : null;
          },
        );
        const discoveredAt = Date.now();
        assert.equal(discovered.firmware, 'uefi-http', 'the host record says UEFI HTTP boot, also after iPXE asked DHCP as type 7');
        assert.equal(discovered.clientArch, 16);
        assert.equal(discovered.arch, 'x86_64');
        const serial = () => running.serialLog().replace(/\x1b\[[0-9;=?]*[A-Za-z]/g, '');
        assert.match(serial(), /Start HTTP Boot over IPv4/, 'the firmware booted its HTTPv4 option');
        assert.doesNotMatch(serial(), /Start PXE over IPv4/, 'the firmware never tried PXE');
        assert.match(
          serial(),
          new RegExp(`Filename: http://${SERVER_IP.replace(/\./g, '\\.')}/ipxe/`),
          'the iPXE it started got its script URL',
        );
        const early = await timelineOf(mac);
        assert.ok(
          early.some((e) => e.kind === 'http.request' && pathOf(e) === '/boot/snponly.efi'),
          'the loader went over HTTP',
        );
        assert.ok(!early.some((e) => e.source === 'tftp'), 'nothing went over TFTP');

        // 2. What the firmware sent and got, from the capture (not from Bootbench's own view).
        const fromVm = capture.messages().filter((m) => m.op === 1 && macOf(m) === mac);
        const isIpxe = (m: DhcpMessage) => userClasses(m).includes('iPXE') || m.options.has(Opt.IpxeEncap);
        const firmwareDiscovers = fromVm.filter((m) => messageType(m) === 1 && !isIpxe(m));
        assert.ok(firmwareDiscovers.length > 0, 'the firmware sent a DHCPDISCOVER');
        for (const m of fromVm.filter((x) => !isIpxe(x))) {
          assert.match(vendorClass(m) ?? '', /^HTTPClient:Arch:00016:/, 'every firmware request is an HTTPClient of type 16');
          assert.deepEqual(clientArch(m), [16]);
        }
        assert.ok(
          !fromVm.some((m) => !isIpxe(m) && (vendorClass(m) ?? '').startsWith('PXEClient')),
          'no PXEClient request from the firmware',
        );
        const offers = capture.messages().filter((m) => m.op === 2 && macOf(m) === mac && vendorClass(m) === 'HTTPClient');
        assert.ok(offers.length > 0, 'Bootbench echoed HTTPClient in option 60');
        for (const m of offers) assert.equal(m.options.get(Opt.BootfileName)?.toString(), LOADER_URL);

        // 3. One command installs it: the emulated installer reports installed.
        const queued = JSON.parse(await cli(['install', mac, '--distro', distro.id, '--json'])) as Host;
        assert.equal(queued.state, 'queued');
        const installed = await waitForStage(
          running,
          { stage: () => `http-1 installed (now ${seen || 'unknown to Bootbench'})`, deadlineMs: 600_000, activity: () => seen },
          async () => {
            const host = track(await hostOf(mac));
            if (host?.state === 'failed') throw new Error(`http-1 failed: ${host.failureReason}`);
            return host?.state === 'installed' ? host : null;
          },
        );
        const installedAt = Date.now();
        assert.equal(installed.install?.progress, 1);
        assert.equal(installed.firmware, 'uefi-http');
        const t = await timelineOf(mac);
        for (const kind of ['install.queued', 'install.booting', 'install.installing', 'install.installed'])
          assert.ok(
            t.some((e) => e.kind === kind),
            `the timeline has ${kind}`,
          );
        const installedTime = Date.parse(t.find((e) => e.kind === 'install.installed')?.time ?? '');

        // 4. The reboot goes through HTTP boot again, and its script sends it to the local disk.
        await waitForStage(
          running,
          { stage: `http-1 booting its local disk (${DISK_BOOTED_TEXT} on the console)`, deadlineMs: 300_000 },
          async () => new RegExp(DISK_BOOTED_TEXT).test(running.serialLog()),
        );
        const diskAt = Date.now();
        const marker = parseMarker(running.readDisk(MARKER_OFFSET, 512));
        assert.equal(marker?.mac, mac, "the install's marker is on the disk");
        const after = (await timelineOf(mac)).filter((e) => Date.parse(e.time) > installedTime);
        assert.ok(
          after.some((e) => e.kind === 'http.request' && pathOf(e) === '/boot/snponly.efi'),
          'the reboot fetched the loader over HTTP again',
        );
        assert.ok(
          after.some((e) => e.kind === 'http.request' && pathOf(e).startsWith('/ipxe/')),
          'and its script (the local-boot one)',
        );
        const text = serial();
        assert.ok(
          text.lastIndexOf('Bootbench: installed, booting from the local disk') < text.indexOf(DISK_BOOTED_TEXT) &&
            text.includes('Bootbench: installed, booting from the local disk'),
          'the script said local boot before the disk booted',
        );
        const host = await hostOf(mac);
        assert.equal(host?.state, 'installed', 'still installed after booting its disk');
        assert.equal(host?.firmware, 'uefi-http');
        process.stdout.write(
          `# http-1 (uefi-http, ${accel}): discovered ${since(discoveredAt)}, installed ${since(installedAt)}, disk booted ${since(diskAt)}\n`,
        );
      } catch (e) {
        const timeline = await cli(['logs', mac]).catch((err: Error) => `(timeline unavailable: ${err.message})`);
        process.stdout.write(
          `\n${consoleTail(running, 6000)}\n--- Bootbench timeline ---\n${timeline.slice(-6000)}\n--- qemu ---\n${running.qemuLog().slice(-2000)}\n`,
        );
        throw e;
      } finally {
        await l.disposeVm();
      }
    },
  );
});

// Proxy mode: the network's own DHCP server (dnsmasq here) leases the address, Bootbench adds only
// the boot answer (a proxy offer with HTTPClient and the URL), which edk2's HTTP boot combines with
// the lease. Up to the wait loop: the install itself is the same as above.
describe('UEFI HTTP Boot beside another DHCP server (proxy mode)', { skip: skip ?? false, timeout: 600_000 }, () => {
  const PROXY_IP = '10.231.141.1';
  let lab: VmLab | undefined;

  before(async () => {
    lab = await VmLab.create({ tag: 'hbtp', bridge: 'hbtp0', cidr: `${PROXY_IP}/24`, ipv6: true });
    const router = lab.lab.host(lab.seg, { cidr: '10.231.141.2/24' });
    lab.lab.spawn(router.ns, 'dnsmasq', [
      '--no-daemon',
      '--conf-file=/dev/null',
      '--port=0',
      '--interface=eth0',
      '--bind-interfaces',
      '--dhcp-range=10.231.141.100,10.231.141.150,1h',
      `--dhcp-leasefile=${join(lab.work, 'dnsmasq.leases')}`,
    ]);
    await lab.serve(['--mode', 'proxy']);
  });

  after(async () => {
    await lab?.dispose();
  });

  test(
    'the firmware takes its address from dnsmasq and the loader URL from the proxy offer; iPXE waits as uefi-http',
    { timeout: 500_000 },
    async () => {
      const l = lab!;
      const accel = l.accel;
      const mac = vmMac(`http-proxy-${process.pid}`);
      const running = await l.startVm({ name: 'http-proxy', firmware: 'uefi', uefiBoot: 'http', mac });
      try {
        const host = await waitForStage(running, { stage: 'http-proxy waiting in its iPXE loop', deadlineMs: 300_000 }, async () => {
          if (!/Waiting for Bootbench/.test(running.serialLog())) return null;
          return (await l.bootbench.hosts(60_000)).find((h) => h.mac === mac) ?? null;
        });
        const text = running.serialLog();
        assert.match(
          text,
          new RegExp(`URI: http://${PROXY_IP.replace(/\./g, '\\.')}/boot/snponly\\.efi`),
          "the firmware's HTTP boot took the proxy offer's URL",
        );
        assert.match(text, /Station IP address is 10\.231\.141\.1[0-5]\d/, 'and its address from dnsmasq');
        assert.equal(host.firmware, 'uefi-http');
        assert.equal(host.clientArch, 16);
        process.stdout.write(
          `# http-proxy (uefi-http, ${accel}): waiting in the iPXE loop +${((Date.now() - running.startedAt) / 1000).toFixed(1)} s\n`,
        );
      } catch (e) {
        process.stdout.write(`\n${consoleTail(running, 6000)}\n--- Bootbench ---\n${l.bootbench.output().slice(-4000)}\n`);
        throw e;
      } finally {
        await l.disposeVm();
      }
    },
  );
});
