import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDhcp } from '../../../electron/core/dhcp/codec.js';
import { Opt, type DhcpMessage } from '../../../electron/core/dhcp/message.js';
import { classifyClient, type ClientInfo } from '../../../electron/core/dhcp/pxe.js';
import { chooseBoot, createDhcpBootPolicy, type BootChoice } from '../../../electron/core/boot/dhcp-boot.js';
import { EventBus } from '../../../electron/core/events.js';
import { loadPacket } from '../../fixtures/dhcp/fixtures.js';

const SERVER = { serverIp: '10.231.1.1', httpPort: 8080 };

function fixture(name: string): DhcpMessage {
  const r = decodeDhcp(loadPacket(name));
  if (!r.ok) assert.fail(r.error);
  return r.message;
}

/** OVMF's captured DISCOVER with another architecture type in option 93 and in its vendor class. */
function pxeClient(arch: number): ClientInfo {
  const m = fixture('ovmf-pxe-discover');
  const options = new Map(m.options);
  options.set(Opt.ClientArch, Buffer.from([arch >> 8, arch & 0xff]));
  options.set(Opt.VendorClass, Buffer.from(`PXEClient:Arch:${String(arch).padStart(5, '0')}:UNDI:003000`));
  return classifyClient({ ...m, options });
}

/** OVMF's captured HTTP-boot DISCOVER with another type in option 93 and its vendor class (null: neither says one). */
function httpClient(arch: number | null): ClientInfo {
  const m = fixture('ovmf-http-discover');
  const options = new Map(m.options);
  if (arch === null) {
    options.delete(Opt.ClientArch);
    options.set(Opt.VendorClass, Buffer.from('HTTPClient'));
  } else {
    options.set(Opt.ClientArch, Buffer.from([arch >> 8, arch & 0xff]));
    options.set(Opt.VendorClass, Buffer.from(`HTTPClient:Arch:${String(arch).padStart(5, '0')}:UNDI:003000`));
  }
  return classifyClient({ ...m, options });
}

function answerOf(choice: BootChoice) {
  assert.equal(choice.kind, 'boot', JSON.stringify(choice));
  return choice.kind === 'boot' ? choice.answer : assert.fail();
}

describe('chooseBoot: the DHCP boot-file decision for every client kind', () => {
  test('BIOS PXE ROM (arch 0): undionly.kpxe over TFTP, as a PXE server', () => {
    assert.deepEqual(answerOf(chooseBoot(pxeClient(0), SERVER)), {
      file: 'undionly.kpxe',
      nextServer: '10.231.1.1',
      vendorClass: 'PXEClient',
    });
  });

  test('UEFI x86-64 PXE ROM (arch 7 and 9): snponly.efi, or ipxe.efi when chosen', () => {
    for (const arch of [7, 9]) {
      assert.equal(answerOf(chooseBoot(pxeClient(arch), SERVER)).file, 'snponly.efi');
      assert.equal(answerOf(chooseBoot(pxeClient(arch), { ...SERVER, uefiLoader: 'ipxe.efi' })).file, 'ipxe.efi');
    }
  });

  test('captured iPXE clients (BIOS ROM, snponly.efi) get the URL of their own script, not a loader again', () => {
    for (const name of ['ipxe-bios-discover', 'snponly-discover']) {
      const client = classifyClient(fixture(name));
      const answer = answerOf(chooseBoot(client, SERVER));
      assert.equal(answer.file, `http://10.231.1.1:8080/ipxe/${client.mac.replace(/:/g, '-')}.ipxe`, name);
      assert.equal(answer.vendorClass, null, name);
    }
  });

  test('a captured UEFI HTTP-boot client gets the loader by URL and HTTPClient echoed', () => {
    const answer = answerOf(chooseBoot(classifyClient(fixture('ovmf-http-discover')), { ...SERVER, httpPort: 80 }));
    assert.deepEqual(answer, { file: 'http://10.231.1.1/boot/snponly.efi', nextServer: '10.231.1.1', vendorClass: 'HTTPClient' });
  });

  test('UEFI HTTP boot on ARM64 (type 19) or an unknown type: no x86 loader, a reason that says so', () => {
    for (const [arch, words] of [
      [19, /no iPXE loader is bundled for ARM64 UEFI HTTP boot \(architecture type 19\)/],
      [99, /no loader for a UEFI HTTP-boot client of unknown architecture \(type 99\)/],
      [null, /unknown architecture \(type unknown\)/],
    ] as const) {
      const choice = chooseBoot(httpClient(arch), SERVER);
      assert.equal(choice.kind, 'no-loader', `arch ${arch}`);
      if (choice.kind === 'no-loader') assert.match(choice.reason, words);
    }
  });

  test('a plain DHCP client is not a network boot', () => {
    assert.deepEqual(chooseBoot(classifyClient(fixture('udhcpc-discover')), SERVER), { kind: 'not-netboot' });
  });

  test('32-bit UEFI and ARM UEFI: no bundled loader, with a reason that names the CPU and the type', () => {
    for (const [arch, words] of [
      [6, /32-bit x86 UEFI/],
      [10, /32-bit ARM UEFI/],
      [11, /ARM64 UEFI/],
    ] as const) {
      const choice = chooseBoot(pxeClient(arch), SERVER);
      assert.equal(choice.kind, 'no-loader', `arch ${arch}`);
      if (choice.kind === 'no-loader') {
        assert.match(choice.reason, /no iPXE loader is bundled/);
        assert.match(choice.reason, words);
        assert.match(choice.reason, new RegExp(`type ${arch}\\)`));
      }
    }
  });
});

test('createDhcpBootPolicy says once per MAC that a client cannot be served, and answers null', () => {
  const bus = new EventBus();
  const policy = createDhcpBootPolicy({ ...SERVER, bus });
  const arm = pxeClient(11);
  assert.equal(policy(arm), null);
  assert.equal(policy(arm), null);
  const warnings = bus.history({}).filter((e) => e.type === 'log' && e.kind === 'dhcp.no-loader');
  assert.equal(warnings.length, 1);
  const [warning] = warnings;
  assert.equal(warning?.type === 'log' ? warning.mac : null, arm.mac);
  assert.equal(policy(pxeClient(0))?.file, 'undionly.kpxe');
});

test('a UEFI HTTP-boot client of an unknown architecture: one warning per MAC, no answer, and the next client is served', () => {
  const bus = new EventBus();
  const policy = createDhcpBootPolicy({ ...SERVER, bus });
  const odd = httpClient(99);
  for (let i = 0; i < 5; i += 1) assert.equal(policy(odd), null); // it asks again every few seconds
  const warnings = bus.history({}).filter((e) => e.type === 'log' && e.kind === 'dhcp.no-loader');
  assert.equal(warnings.length, 1);
  const [warning] = warnings;
  assert.equal(warning?.type === 'log' ? warning.level : null, 'warn');
  assert.equal(warning?.type === 'log' ? warning.mac : null, odd.mac);
  assert.match(
    warning?.type === 'log' ? warning.message : '',
    /52:54:00:aa:bb:20: no loader for a UEFI HTTP-boot client of unknown architecture \(type 99\)/,
  );
  // an x86-64 HTTP client on another MAC still gets its loader
  const m = fixture('ovmf-http-discover');
  const other = classifyClient({ ...m, chaddr: Buffer.from('525400aabb2100000000000000000000', 'hex') });
  assert.equal(policy(other)?.file, 'http://10.231.1.1:8080/boot/snponly.efi');
});

describe('chooseBoot on the signed chain (Secure Boot): the same HTTP client gets the shim by URL', () => {
  const signed = { ...SERVER, chainFor: () => 'signed' as const };

  test('HTTPClient type 16: the bundled shim by URL, HTTPClient echoed; a PXE ROM gets it by TFTP', () => {
    const http = classifyClient(fixture('ovmf-http-discover'));
    assert.deepEqual(answerOf(chooseBoot(http, signed)), {
      file: 'http://10.231.1.1:8080/boot/shimx64.efi',
      nextServer: '10.231.1.1',
      vendorClass: 'HTTPClient',
    });
    assert.deepEqual(answerOf(chooseBoot(pxeClient(7), signed)), {
      file: 'shimx64.efi',
      nextServer: '10.231.1.1',
      vendorClass: 'PXEClient',
    });
  });

  test("a host's own signed loaders (a distribution's shim inside its ISO) by URL", () => {
    const inIso = (path: string) => ({ tftp: `iso/rocky-9/${path}`, http: `/iso/rocky-9/${path}` });
    const answer = answerOf(
      chooseBoot(classifyClient(fixture('ovmf-http-discover')), {
        ...signed,
        signedLoadersFor: () => ({ shim: inIso('EFI/BOOT/BOOTX64.EFI'), grub: inIso('EFI/BOOT/grubx64.efi') }),
      }),
    );
    assert.equal(answer.file, 'http://10.231.1.1:8080/iso/rocky-9/EFI/BOOT/BOOTX64.EFI');
    assert.equal(answer.vendorClass, 'HTTPClient');
  });

  test('the chain is asked about the client itself; iPXE and BIOS are never given the shim', () => {
    const asked: string[] = [];
    const options = { ...SERVER, chainFor: (c: ClientInfo) => (asked.push(c.mac), 'signed' as const) };
    const http = classifyClient(fixture('ovmf-http-discover'));
    chooseBoot(http, options);
    assert.deepEqual(asked, [http.mac]);
    assert.equal(answerOf(chooseBoot(pxeClient(0), options)).file, 'undionly.kpxe');
    const ipxe = classifyClient(fixture('snponly-discover'));
    assert.match(answerOf(chooseBoot(ipxe, options)).file, /\/ipxe\/.*\.ipxe$/);
  });

  test('HTTPClient ARM64 on the signed chain: no bundled pair, a reason (no x86 shim)', () => {
    const choice = chooseBoot(httpClient(19), signed);
    assert.equal(choice.kind, 'no-loader');
    if (choice.kind === 'no-loader')
      assert.match(choice.reason, /no signed loaders \(shim \+ GRUB\) for ARM64 UEFI \(architecture type 19\)/);
  });
});
