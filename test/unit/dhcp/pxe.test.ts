import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDhcp } from '../../../electron/core/dhcp/codec.js';
import { Opt, type DhcpMessage } from '../../../electron/core/dhcp/message.js';
import { archInfo, classifyClient, type ClientInfo } from '../../../electron/core/dhcp/pxe.js';
import { loadPacket } from '../../fixtures/dhcp/fixtures.js';

const UUID = '12345678-9abc-def0-1122-334455667788'; // the -uuid the VMs were started with

function fixture(name: string): DhcpMessage {
  const r = decodeDhcp(loadPacket(name));
  if (!r.ok) assert.fail(r.error);
  return r.message;
}

/** A fixture with some options replaced or removed (value null). */
function edited(name: string, changes: [number, Buffer | null][]): DhcpMessage {
  const m = fixture(name);
  const options = new Map(m.options);
  for (const [code, value] of changes) {
    if (value) options.set(code, value);
    else options.delete(code);
  }
  return { ...m, options };
}

describe('classifyClient on captured packets', () => {
  const cases: [string, Partial<ClientInfo>][] = [
    [
      'ipxe-bios-discover',
      {
        mac: '52:54:00:aa:bb:10',
        kind: 'pxe',
        ipxe: true,
        firmware: 'bios',
        arch: 'x86',
        clientArch: 0,
        uuid: UUID,
        userClass: 'iPXE',
        vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
      },
    ],
    [
      'ovmf-pxe-discover',
      {
        mac: '52:54:00:aa:bb:20',
        kind: 'pxe',
        ipxe: false,
        firmware: 'uefi',
        arch: 'x86_64',
        clientArch: 7,
        uuid: UUID,
        userClass: null,
        vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
      },
    ],
    ['ovmf-pxe-request', { kind: 'pxe', ipxe: false, firmware: 'uefi', arch: 'x86_64', clientArch: 7, uuid: UUID }],
    [
      'snponly-discover',
      {
        mac: '52:54:00:aa:bb:20',
        kind: 'pxe',
        ipxe: true,
        firmware: 'uefi',
        arch: 'x86_64',
        clientArch: 7,
        uuid: UUID,
        userClass: 'iPXE',
        vendorClass: 'PXEClient:Arch:00007:UNDI:003010',
      },
    ],
    [
      'ovmf-http-discover',
      {
        kind: 'http',
        ipxe: false,
        firmware: 'uefi-http',
        arch: 'x86_64',
        clientArch: 16,
        uuid: UUID,
        vendorClass: 'HTTPClient:Arch:00016:UNDI:003000',
      },
    ],
    [
      'aavmf-pxe-discover',
      {
        mac: '52:54:00:aa:bb:40',
        kind: 'pxe',
        ipxe: false,
        firmware: 'uefi',
        arch: 'arm64',
        clientArch: 11,
        uuid: UUID,
        userClass: null,
        vendorClass: 'PXEClient:Arch:00011:UNDI:003000',
      },
    ],
    [
      'aavmf-http-discover',
      {
        mac: '52:54:00:aa:bb:40',
        kind: 'http',
        ipxe: false,
        firmware: 'uefi-http',
        arch: 'arm64',
        clientArch: 19,
        uuid: UUID,
        vendorClass: 'HTTPClient:Arch:00019:UNDI:003000',
      },
    ],
    [
      'udhcpc-discover',
      {
        mac: '52:54:00:aa:bb:01',
        kind: 'plain',
        ipxe: false,
        firmware: 'unknown',
        arch: 'unknown',
        clientArch: null,
        uuid: null,
        vendorClass: 'udhcp 1.35.0',
        userClass: null,
      },
    ],
    [
      'dhclient-discover',
      { kind: 'plain', ipxe: false, firmware: 'unknown', arch: 'unknown', clientArch: null, uuid: null, vendorClass: null },
    ],
  ];
  for (const [name, expected] of cases) {
    test(name, () => {
      const info = classifyClient(fixture(name));
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(info[key as keyof ClientInfo], value, `${name}: ${key}`);
    });
  }
});

describe('classifyClient details', () => {
  test('without option 93 the arch comes from the vendor class', () => {
    const info = classifyClient(edited('ovmf-pxe-discover', [[Opt.ClientArch, null]]));
    assert.equal(info.clientArch, 7);
    assert.equal(info.firmware, 'uefi');
    assert.equal(info.arch, 'x86_64');
    const http = classifyClient(edited('ovmf-http-discover', [[Opt.ClientArch, null]]));
    assert.equal(http.clientArch, 16);
    assert.equal(http.firmware, 'uefi-http');
  });

  test('option 93 wins over the vendor class', () => {
    const info = classifyClient(edited('ovmf-pxe-discover', [[Opt.ClientArch, Buffer.from([0, 11])]]));
    assert.equal(info.arch, 'arm64');
  });

  test('neither: unknown firmware and arch', () => {
    const info = classifyClient(
      edited('ovmf-pxe-discover', [
        [Opt.ClientArch, null],
        [Opt.VendorClass, Buffer.from('PXEClient')],
      ]),
    );
    assert.equal(info.kind, 'pxe');
    assert.equal(info.clientArch, null);
    assert.equal(info.firmware, 'unknown');
    assert.equal(info.arch, 'unknown');
  });

  test('iPXE is recognised by option 175 alone (user class stripped) and by the RFC 3004 form', () => {
    assert.equal(classifyClient(edited('snponly-discover', [[Opt.UserClass, null]])).ipxe, true);
    const neither = classifyClient(
      edited('snponly-discover', [
        [Opt.UserClass, null],
        [Opt.IpxeEncap, null],
      ]),
    );
    assert.equal(neither.ipxe, false);
    assert.equal(neither.userClass, null);
    const rfc = classifyClient(edited('ovmf-pxe-discover', [[Opt.UserClass, Buffer.from('\x04iPXE\x03lab')]]));
    assert.equal(rfc.ipxe, true);
    assert.equal(rfc.userClass, 'iPXE,lab');
  });

  test('an HTTPClient with a PXE arch type still counts as HTTP boot', () => {
    const info = classifyClient(edited('ovmf-http-discover', [[Opt.ClientArch, Buffer.from([0, 7])]]));
    assert.equal(info.kind, 'http');
    assert.equal(info.firmware, 'uefi-http');
  });

  test('architecture table (IANA Processor Architecture Types)', () => {
    assert.deepEqual(archInfo(0), { firmware: 'bios', arch: 'x86' });
    assert.deepEqual(archInfo(6), { firmware: 'uefi', arch: 'x86' });
    assert.deepEqual(archInfo(7), { firmware: 'uefi', arch: 'x86_64' });
    assert.deepEqual(archInfo(9), { firmware: 'uefi', arch: 'x86_64' });
    assert.deepEqual(archInfo(10), { firmware: 'uefi', arch: 'arm32' });
    assert.deepEqual(archInfo(11), { firmware: 'uefi', arch: 'arm64' });
    assert.deepEqual(archInfo(15), { firmware: 'uefi-http', arch: 'x86' });
    assert.deepEqual(archInfo(16), { firmware: 'uefi-http', arch: 'x86_64' });
    assert.deepEqual(archInfo(18), { firmware: 'uefi-http', arch: 'arm32' });
    assert.deepEqual(archInfo(19), { firmware: 'uefi-http', arch: 'arm64' });
    assert.deepEqual(archInfo(27), { firmware: 'uefi', arch: 'unknown' }); // RISC-V 64 UEFI
    assert.deepEqual(archInfo(28), { firmware: 'uefi-http', arch: 'unknown' });
    assert.deepEqual(archInfo(999), { firmware: 'unknown', arch: 'unknown' });
    assert.deepEqual(archInfo(null), { firmware: 'unknown', arch: 'unknown' });
  });
});
