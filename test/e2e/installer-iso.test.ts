// Self-tests of the end-to-end lab's building blocks, without Bootbench: the fake RHEL-family
// installer and the Debian netboot installer, each booted directly (-kernel/-initrd, no PXE) in a
// QEMU VM on a lab bridge, against a tiny HTTP server, a UDP syslog listener (both in this
// process, inside the lab namespace) and dnsmasq for DHCP (and DNS for the Debian installer).
// If these pass, a failure of the PXE end-to-end tests lies in Bootbench's chain, not in the lab.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { enterNamespace, Lab, type Segment } from '../helpers/netns.js';
import { probeAccel, qemuUnavailable, startVm, type Accel, type Vm } from '../helpers/qemu.js';
import { buildDebianNetbootIso, buildFakeRhelIso, type FakeRhelIso } from '../helpers/installer-iso.js';
import { DISK_BOOTED_TEXT, diskPayload, MARKER_OFFSET, parseMarker } from '../helpers/disk-payload.js';
import { waitForStage } from '../helpers/vm-stage.js';

// A diagnostic of the lab itself: the PXE end-to-end tests (pxe-install, debian-installer) boot the
// same images through Bootbench, so CI runs these only when asked (they cost ~3 min under TCG).
const skip =
  qemuUnavailable() ?? (process.env.BOOTBENCH_E2E_SELFTEST === '1' ? null : 'a lab diagnostic: BOOTBENCH_E2E_SELFTEST=1 runs it');
if (skip) process.stdout.write(`# e2e installer self-tests skipped: ${skip}\n`);

interface Seen {
  http: { method: string; url: string; ua: string; body: string; at: number }[];
  syslog: { from: string; text: string; at: number }[];
}

/** HTTP + syslog servers bound inside the lab namespace (sockets stay in the namespace they were made in). */
async function startServers(
  ns: string,
  ip: string,
  routes: Record<string, () => string>,
): Promise<{ seen: Seen; close: () => Promise<void> }> {
  const seen: Seen = { http: [], syslog: [] };
  const leave = enterNamespace(ns);
  let http: Server;
  let udp: Socket;
  try {
    http = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.http.push({ method: req.method ?? '', url: req.url ?? '', ua: req.headers['user-agent'] ?? '', body, at: Date.now() });
        const path = (req.url ?? '').split('?')[0] ?? '';
        const route = routes[path] ?? (path === '/report' ? () => 'ok\n' : undefined);
        if (!route) {
          res.writeHead(404, { 'content-length': '0' }).end();
          return;
        }
        const text = route();
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) }).end(text);
      });
    });
    udp = createSocket('udp4');
    udp.on('message', (msg, rinfo) => seen.syslog.push({ from: rinfo.address, text: msg.toString('utf8'), at: Date.now() }));
    await new Promise<void>((resolve, reject) => http.once('error', reject).listen(80, ip, resolve));
    await new Promise<void>((resolve, reject) => udp.once('error', reject).bind(514, ip, resolve));
  } finally {
    leave();
  }
  return {
    seen,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
      await new Promise<void>((r) => udp.close(() => r()));
    },
  };
}

/** dnsmasq inside the namespace: DHCP on the bridge; DNS for `.lab` only (no upstream) when `dns`. */
function startDnsmasq(lab: Lab, seg: Segment, dir: string, dns: boolean) {
  const args = [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--user=root',
    '--no-resolv',
    '--no-hosts',
    `--interface=${seg.name}`,
    '--bind-interfaces',
    '--except-interface=lo',
    `--dhcp-range=${seg.subnet}.100,${seg.subnet}.199,255.255.255.0,1h`,
    '--dhcp-authoritative',
    '--no-ping',
    `--dhcp-leasefile=${join(dir, 'dnsmasq.leases')}`,
    `--dhcp-option=option:router,${seg.serverIp}`,
    '--log-dhcp',
    '--log-facility=-',
    ...(dns ? ['--domain=lab', '--local=/lab/', `--address=/bootbench.lab/${seg.serverIp}`] : ['--port=0']),
  ];
  const child = lab.spawn(lab.serverNs, 'dnsmasq', args);
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  return { log: () => log };
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describe('e2e lab self-test: installer images booted directly in QEMU', { skip: skip ?? false, timeout: 900_000 }, () => {
  let accel: Accel = 'tcg';
  let work = '';
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    accel = (await probeAccel()).accel;
    work = mkdtempSync(join(tmpdir(), 'bootbench-e2e-iso-'));
  });
  after(async () => {
    for (const c of cleanups.reverse())
      await Promise.resolve()
        .then(c)
        .catch(() => undefined); // one failing cleanup must not skip the rest
    rmSync(work, { recursive: true, force: true });
  });

  async function withLab(tag: string, cidr: string, dns: boolean, routes: Record<string, () => string>) {
    const lab = Lab.create(tag);
    cleanups.push(() => lab.destroy());
    const seg = lab.segment(`br${tag}`.slice(0, 15), cidr);
    const dhcp = startDnsmasq(lab, seg, work, dns);
    const servers = await startServers(lab.serverNs, seg.serverIp, routes);
    cleanups.push(() => servers.close());
    return { lab, seg, dhcp, ...servers };
  }

  function onFailure(vms: Vm[], extra: string): void {
    for (const vm of vms)
      process.stdout.write(`\n--- serial console of ${vm.name} ---\n${vm.serialLog()}\n--- qemu ---\n${vm.qemuLog()}\n`);
    process.stdout.write(`${extra}\n`);
  }

  test(
    'fake RHEL installer: DHCP, syslog, kickstart, disk marker, %post report, reboot; the disk then boots (BIOS and UEFI)',
    { timeout: 420_000 },
    async () => {
      const t0 = Date.now();
      const iso: FakeRhelIso = await buildFakeRhelIso();
      process.stdout.write(
        `# fake RHEL ISO ${iso.iso} (kernel ${iso.kernelVersion}, ${iso.detection.name} ${iso.detection.version}) ready in ${secs(Date.now() - t0)}\n`,
      );
      const ip = '10.231.91.1';
      const kickstart = [
        '# Bootbench e2e self-test kickstart',
        'text',
        'lang en_US.UTF-8',
        'keyboard us',
        'network --bootproto=dhcp',
        'rootpw --lock',
        'reboot',
        '%pre --log=/tmp/pre.log',
        `curl -fsS -X POST --data "event=start" --data "note=pre" "http://${ip}/report?event=start"`,
        '%end',
        '%post --nochroot',
        'echo post runs as $(id -u)',
        `curl -fsS "http://${ip}/report?event=installed"`,
        '%end',
        '',
      ].join('\n');
      const net = await withLab('ks', `${ip}/24`, false, {
        '/ks.cfg': () => kickstart,
        '/repo/.treeinfo': () => readFileSync(join(dirname(iso.kernel), '../../.treeinfo'), 'utf8'),
      });
      const vms: Vm[] = [];
      try {
        const disk = join(work, 'rhel.disk.raw');
        const vm = await startVm({
          ns: net.lab.serverNs,
          bridge: net.seg.name,
          name: 'fake-rhel',
          firmware: 'bios',
          accel,
          logDir: work,
          diskPath: disk,
          diskSizeMiB: 64,
          direct: {
            kernel: iso.kernel,
            initrd: iso.initrd,
            append: `console=ttyS0 panic=10 inst.repo=http://${ip}/repo inst.ks=http://${ip}/ks.cfg inst.syslog=${ip}:514`,
          },
          onReboot: 'exit',
        });
        vms.push(vm);
        cleanups.push(() => vm.dispose());
        await vm.waitForSerial(/BBTEST init/, 120_000);
        const tKernel = Date.now() - vm.startedAt;
        await vm.waitForSerial(/BBTEST ks fetched/, 90_000);
        const tKs = Date.now() - vm.startedAt;
        const exit = await vm.waitForExit(120_000);
        const tDone = Date.now() - vm.startedAt;
        const serial = vm.serialLog();
        assert.doesNotMatch(serial, /BBTEST error/);
        for (const marker of [
          'BBTEST dhcp ok',
          'BBTEST repo ok',
          'BBTEST pre: ok',
          'BBTEST marker written to /dev/vda',
          'BBTEST post: post runs as 0',
          'BBTEST post done',
          'BBTEST reboot',
        ])
          assert.ok(serial.includes(marker), `serial console lacks "${marker}"`);
        assert.match(serial, /reboot: Restarting system/, 'the guest asked for a reboot (QEMU -no-reboot turned it into an exit)');
        assert.equal(exit.code, 0);

        const urls = net.seen.http.map((r) => `${r.method} ${r.url}`);
        assert.deepEqual(
          urls,
          ['GET /repo/.treeinfo', 'GET /ks.cfg', 'POST /report?event=start', 'GET /report?event=installed'],
          'requests in Anaconda order',
        );
        assert.equal(net.seen.http[2]?.body, 'event=start&note=pre');
        assert.match(net.seen.http[1]?.ua ?? '', /^curl\//);
        const syslog = net.seen.syslog.map((s) => s.text);
        assert.ok(
          syslog.some((l) => /anaconda.*ks fetched/.test(l)),
          `syslog lines: ${JSON.stringify(syslog)}`,
        );
        assert.ok(syslog.some((l) => /anaconda.*marker written/.test(l)));
        assert.match(syslog[0] ?? '', /^<14>/, 'RFC 3164 priority user.info');
        assert.match(net.dhcp.log(), new RegExp(`DHCPACK\\(${net.seg.name}\\) \\S+ ${vm.mac}`));

        const marker = parseMarker(vm.readDisk(MARKER_OFFSET, 512));
        assert.equal(marker?.mac, vm.mac, "marker with the VM's MAC on the disk");
        assert.equal(vm.readDisk(510, 2).toString('hex'), '55aa');
        await vm.dispose();
        process.stdout.write(
          `# fake installer (${accel}): kernel up +${secs(tKernel)}, kickstart +${secs(tKs)}, rebooting +${secs(tDone)}; ${net.seen.syslog.length} syslog lines\n`,
        );

        // The "reboot": the same disk, firmware only (no -kernel), disk first.
        for (const firmware of ['bios', 'uefi'] as const) {
          const boot = await startVm({
            ns: net.lab.serverNs,
            bridge: net.seg.name,
            name: `disk-${firmware}`,
            firmware,
            accel,
            logDir: work,
            diskPath: disk,
            mac: vm.mac,
            bootFirst: 'disk',
          });
          vms.push(boot);
          cleanups.push(() => boot.dispose());
          await boot.waitForSerial(new RegExp(DISK_BOOTED_TEXT), 120_000);
          process.stdout.write(`# disk boot (${firmware}, ${accel}): ${DISK_BOOTED_TEXT} +${secs(Date.now() - boot.startedAt)}\n`);
          await boot.dispose();
        }
      } catch (e) {
        onFailure(vms, `HTTP: ${JSON.stringify(net.seen.http)}\nsyslog: ${JSON.stringify(net.seen.syslog)}\ndnsmasq:\n${net.dhcp.log()}`);
        throw e;
      }
    },
  );

  test('Debian 12 netboot installer: fetches its preseed, runs early_command, logs to log_host', { timeout: 420_000 }, async () => {
    const di = await buildDebianNetbootIso();
    const ip = '10.231.92.1';
    const preseed = [
      '# Bootbench e2e self-test preseed: proves the installer fetched and ran it.',
      'd-i debian-installer/locale string en_US.UTF-8',
      'd-i keyboard-configuration/xkb-keymap select us',
      'd-i netcfg/choose_interface select auto',
      'd-i netcfg/get_hostname string bbtest',
      'd-i netcfg/get_domain string lab',
      `d-i preseed/early_command string wget -q -O /dev/null "http://${ip}/report?event=di-early"`,
      '',
    ].join('\n');
    const net = await withLab('di', `${ip}/24`, true, { '/preseed.cfg': () => preseed });
    const vms: Vm[] = [];
    try {
      const vm = await startVm({
        ns: net.lab.serverNs,
        bridge: net.seg.name,
        name: 'debian-di',
        firmware: 'bios',
        accel,
        logDir: work,
        memMiB: 1024,
        direct: {
          kernel: di.kernel,
          initrd: di.initrd,
          append: `auto=true priority=critical url=http://${ip}/preseed.cfg log_host=${ip} log_port=514 console=ttyS0,115200n8 --- console=ttyS0,115200n8`,
        },
        onReboot: 'exit',
      });
      vms.push(vm);
      cleanups.push(() => vm.dispose());
      await waitForStage(
        vm,
        {
          stage: "the installer's preseed fetch and early_command report",
          deadlineMs: 300_000,
          pollMs: 500,
          activity: () => net.seen.http.length + net.seen.syslog.length,
        },
        async () => net.seen.http.some((r) => r.url === '/report?event=di-early'),
      );
      const at = (url: string) => net.seen.http.find((r) => r.url === url)?.at;
      const tPreseed = at('/preseed.cfg');
      const tEarly = at('/report?event=di-early');
      assert.ok(tPreseed, `the installer never fetched /preseed.cfg (HTTP: ${JSON.stringify(net.seen.http.map((r) => r.url))})`);
      assert.ok(tEarly, 'preseed/early_command did not phone home');
      assert.equal(net.seen.http.find((r) => r.url === '/preseed.cfg')?.ua, 'debian-installer');
      assert.ok(net.seen.syslog.length > 0, 'no syslog line from log_host');
      assert.ok(net.seen.syslog.every((s) => s.from.startsWith('10.231.92.')));
      assert.ok(
        net.seen.syslog.some((s) => /preseed|netcfg|main-menu|anna/i.test(s.text)),
        `syslog: ${net.seen.syslog
          .slice(0, 5)
          .map((s) => s.text)
          .join(' | ')}`,
      );
      process.stdout.write(
        `# Debian installer (${accel}): preseed.cfg +${secs(tPreseed - vm.startedAt)}, early_command +${secs(tEarly - vm.startedAt)}, ${net.seen.syslog.length} syslog lines\n`,
      );
      await vm.dispose();
    } catch (e) {
      onFailure(
        vms,
        `HTTP: ${JSON.stringify(net.seen.http)}\nsyslog (first 20): ${JSON.stringify(net.seen.syslog.slice(0, 20))}\ndnsmasq:\n${net.dhcp.log()}`,
      );
      throw e;
    }
  });

  test(
    'firmware boot order: network first (BIOS iPXE ROM, OVMF PXE); BIOS then falls through to the disk',
    { timeout: 300_000 },
    async () => {
      // No boot file is offered, so the network boot fails. BIOS (SeaBIOS) goes on to the disk, as an
      // installed host does when iPXE exits to boot locally. OVMF would too, but only after its
      // HTTPv4 and HTTPv6 boot options of the same NIC have timed out (~130 s more under TCG, see
      // docs/design/e2e-lab.md), so for UEFI this test checks the PXE attempt only; the UEFI disk boot
      // itself is covered by the first test (disk first).
      const net = await withLab('bo', '10.231.93.1/24', false, {});
      const vms: Vm[] = [];
      try {
        for (const firmware of ['bios', 'uefi'] as const) {
          const disk = join(work, `order-${firmware}.disk.raw`);
          writeFileSync(disk, diskPayload());
          truncateSync(disk, 16 * 1024 * 1024);
          const vm = await startVm({
            ns: net.lab.serverNs,
            bridge: net.seg.name,
            name: `order-${firmware}`,
            firmware,
            accel,
            logDir: work,
            diskPath: disk,
          });
          vms.push(vm);
          cleanups.push(() => vm.dispose());
          if (firmware === 'bios') {
            await vm.waitForSerial(new RegExp(DISK_BOOTED_TEXT), 180_000);
            assert.match(vm.serialLog(), /iPXE/, "QEMU's iPXE ROM text reaches the serial console");
          } else {
            await vm.waitForSerial(/Start PXE over IPv4/, 120_000);
            await waitFor(() => /PXEClient:Arch:00007/.test(net.dhcp.log()), 60_000, 'no DHCPDISCOVER from OVMF');
          }
          const arch = firmware === 'bios' ? '00000' : '00007';
          assert.match(net.dhcp.log(), new RegExp(`DHCPDISCOVER\\(${net.seg.name}\\) ${vm.mac}`), 'the firmware tried the network first');
          assert.match(net.dhcp.log(), new RegExp(`vendor class: PXEClient:Arch:${arch}`));
          process.stdout.write(
            `# boot order (${firmware}, ${accel}): PXE attempt${firmware === 'bios' ? `, then ${DISK_BOOTED_TEXT}` : ''} +${secs(Date.now() - vm.startedAt)}\n`,
          );
          await vm.dispose();
        }
      } catch (e) {
        onFailure(vms, `dnsmasq:\n${net.dhcp.log()}`);
        throw e;
      }
    },
  );
});
