import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BOOTP_MIN_LENGTH, decodeDhcp, encodeDhcp } from '../../../electron/core/dhcp/codec.js';
import { BOOTREPLY, BOOTREQUEST, MessageType, Opt, type DecodeResult, type DhcpMessage } from '../../../electron/core/dhcp/message.js';
import * as o from '../../../electron/core/dhcp/options.js';
import { fixtureNames, goldenPath, loadPacket, messageToJson } from '../../fixtures/dhcp/fixtures.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

function chaddr(mac: string): Buffer {
  const b = Buffer.alloc(16);
  Buffer.from(mac.replace(/:/g, ''), 'hex').copy(b);
  return b;
}

function message(overrides: Partial<DhcpMessage> = {}): DhcpMessage {
  return {
    op: BOOTREQUEST,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 0xdeadbeef,
    secs: 3,
    flags: 0x8000,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr: chaddr('52:54:00:12:34:56'),
    sname: '',
    file: '',
    options: new Map([[Opt.MessageType, Buffer.from([MessageType.Discover])]]),
    ...overrides,
  };
}

function decodeOk(buf: Buffer): DhcpMessage {
  const r = decodeDhcp(buf);
  if (!r.ok) assert.fail(`decode failed: ${r.error}`);
  return r.message;
}

/** Builds a raw packet: a valid header + cookie, then the given option bytes. */
function raw(optionBytes: number[], patch?: (b: Buffer) => void): Buffer {
  const head = encodeDhcp(message({ options: new Map() }), { minSize: 0 }).subarray(0, 240);
  const b = Buffer.concat([head, Buffer.from(optionBytes)]);
  patch?.(b);
  return b;
}

describe('round trip', () => {
  for (const [name, type] of Object.entries(MessageType)) {
    test(`${name} (${type})`, () => {
      const reply = type === MessageType.Offer || type === MessageType.Ack || type === MessageType.Nak;
      const m = message({
        op: reply ? BOOTREPLY : BOOTREQUEST,
        xid: 0x01020304 * type,
        yiaddr: reply ? '10.231.1.100' : '0.0.0.0',
        siaddr: reply ? '10.231.1.1' : '0.0.0.0',
        giaddr: '10.231.9.1',
        hops: 1,
        options: new Map([
          [Opt.MessageType, o.u8Option(type)],
          [Opt.ServerId, o.ipOption('10.231.1.1')],
        ]),
      });
      const buf = encodeDhcp(m);
      assert.equal(buf.length, BOOTP_MIN_LENGTH);
      assert.deepEqual(decodeOk(buf), m);
    });
  }

  test('a reply with many options, sname, file and a long option split per RFC 3396', () => {
    const longUrl = `http://10.231.1.1:8080/boot/${'x'.repeat(600)}.ipxe`; // 633 bytes: three instances
    const m = message({
      op: BOOTREPLY,
      ciaddr: '10.231.1.50',
      yiaddr: '10.231.1.50',
      siaddr: '10.231.1.1',
      giaddr: '255.255.255.254',
      sname: 'bootbench',
      file: 'f'.repeat(128),
      options: new Map<number, Buffer>([
        [Opt.MessageType, o.u8Option(MessageType.Ack)],
        [Opt.ServerId, o.ipOption('10.231.1.1')],
        [Opt.LeaseTime, o.u32Option(0xffffffff)],
        [Opt.SubnetMask, o.ipOption('255.255.255.0')],
        [Opt.Router, o.ipListOption(['10.231.1.1', '10.231.1.2'])],
        [Opt.DnsServers, o.ipListOption(['10.231.1.1'])],
        [Opt.InterfaceMtu, o.u16Option(1500)],
        [Opt.VendorClass, o.stringOption('PXEClient')],
        [Opt.VendorSpecific, o.pxeVendorOptions()],
        [Opt.BootfileName, o.stringOption(longUrl)],
        [Opt.ClientUuid, Buffer.from('00' + '11'.repeat(16), 'hex')],
        [80, Buffer.alloc(0)], // rapid commit: zero length
        [Opt.IpxeEncap, Buffer.from([0xb1, 0x05, 0x01, 0x80, 0x86, 0x10, 0x0e])],
        [254, Buffer.from('opaque private option')],
      ]),
    });
    const buf = encodeDhcp(m);
    assert.ok(buf.length > 300);
    // the long option went out as 255 + 255 + 123 byte instances
    const at = buf.indexOf(Buffer.from([Opt.BootfileName, 255, 0x68]));
    assert.ok(at > 240);
    assert.equal(buf[at + 257], Opt.BootfileName);
    assert.equal(buf[at + 258], 255);
    assert.equal(buf[at + 514], Opt.BootfileName);
    assert.equal(buf[at + 515], 633 - 510);
    assert.equal(buf[buf.length - 1], Opt.End);
    assert.deepEqual(decodeOk(buf), m);
  });

  test('minSize pads with zeros after End, and a larger packet is not truncated', () => {
    const m = message();
    const small = encodeDhcp(m, { minSize: 0 });
    assert.equal(small.length, 240 + 3 + 1);
    const big = encodeDhcp(m, { minSize: 576 });
    assert.equal(big.length, 576);
    assert.ok(big.subarray(244).every((b) => b === 0));
    assert.deepEqual(decodeOk(small), m);
    assert.deepEqual(decodeOk(big), m);
  });

  test('every captured packet re-encodes to a packet that decodes the same', () => {
    for (const name of fixtureNames()) {
      const m = decodeOk(loadPacket(name));
      assert.deepEqual(decodeOk(encodeDhcp(m)), m, name);
    }
  });

  test('encode of a captured client packet gives back the same bytes when nothing was padded', () => {
    // udhcpc and dnsmasq write exactly header + options + End + zero padding to 300 bytes
    for (const name of ['udhcpc-discover', 'dnsmasq-offer', 'dnsmasq-ack']) {
      const wire = loadPacket(name);
      assert.deepEqual(encodeDhcp(decodeOk(wire)), wire, name);
    }
  });
});

describe('golden decodes of captured packets', () => {
  for (const name of fixtureNames()) {
    test(name, () => {
      const m = decodeOk(loadPacket(name));
      const actual = {
        message: messageToJson(m),
        view: {
          mac: o.macOf(m),
          messageType: o.messageType(m),
          vendorClass: o.vendorClass(m),
          userClasses: o.userClasses(m),
          clientArch: o.clientArch(m),
          clientNdi: o.clientNdi(m),
          clientUuid: o.clientUuid(m),
          clientId: o.clientId(m)?.toString('hex') ?? null,
          hostname: o.hostname(m),
          requestedIp: o.requestedIp(m),
          serverId: o.serverId(m),
          maxMessageSize: o.maxMessageSize(m),
          leaseTime: o.leaseTime(m),
          parameterList: o.parameterList(m),
        },
      };
      const path = goldenPath(name);
      if (UPDATE || !existsSync(path)) {
        if (!UPDATE) assert.fail(`no golden file ${path}: run with UPDATE_GOLDEN=1 and review it`);
        writeFileSync(path, `${JSON.stringify(actual, null, 2)}\n`);
      }
      assert.deepEqual(actual, JSON.parse(readFileSync(path, 'utf8')));
    });
  }
});

describe('decode details', () => {
  test('pad options are skipped, End stops, bytes after End are ignored', () => {
    const m = decodeOk(raw([0, 0, 53, 1, 1, 0, 12, 2, 0x68, 0x69, 255, 61, 99, 1]));
    assert.deepEqual([...m.options.keys()], [53, 12]);
    assert.equal(o.hostname(m), 'hi');
  });

  test('options running to the end of the packet without End are accepted', () => {
    const m = decodeOk(raw([53, 1, 3]));
    assert.equal(o.messageType(m), 3);
  });

  test('repeated option codes are concatenated in order (RFC 3396)', () => {
    const m = decodeOk(raw([77, 2, 0x61, 0x62, 53, 1, 1, 77, 1, 0x63, 255]));
    assert.deepEqual(m.options.get(77), Buffer.from('abc'));
    assert.deepEqual([...m.options.keys()], [77, 53], 'the first instance sets the position');
  });

  test('unknown options are kept as raw bytes in arrival order', () => {
    const m = decodeOk(raw([200, 2, 1, 2, 53, 1, 1, 150, 0, 224, 1, 9, 255]));
    assert.deepEqual(
      [...m.options],
      [
        [200, Buffer.from([1, 2])],
        [53, Buffer.from([1])],
        [150, Buffer.alloc(0)],
        [224, Buffer.from([9])],
      ],
    );
  });

  test('option 52 = 3: options continue in file, then sname, and both fields read as empty', () => {
    const b = raw([53, 1, 2, 52, 1, 3, 255], (p) => {
      p.write('junk-that-is-not-a-name', 44, 'latin1');
      Buffer.from([12, 4, 0x68, 0x6f, 0x73, 0x74, 77, 1, 0x41, 255]).copy(p, 108); // file: 12 "host", 77 "A"
      Buffer.from([0, 77, 1, 0x42, 255]).copy(p, 44); // sname: pad, 77 "B" (concatenated after file's)
    });
    const m = decodeOk(b);
    assert.equal(m.file, '');
    assert.equal(m.sname, '');
    assert.deepEqual([...m.options.keys()], [53, 12, 77], 'option 52 itself is consumed');
    assert.equal(o.hostname(m), 'host');
    assert.deepEqual(m.options.get(77), Buffer.from('AB'), 'file before sname (RFC 3396 §6)');
  });

  test('option 52 = 1 overloads file only; sname stays a name', () => {
    const m = decodeOk(
      raw([52, 1, 1, 255], (p) => {
        p.write('tftp.lab', 44, 'latin1');
        Buffer.from([53, 1, 5, 255]).copy(p, 108);
      }),
    );
    assert.equal(m.sname, 'tftp.lab');
    assert.equal(m.file, '');
    assert.equal(o.messageType(m), 5);
  });

  test('sname and file stop at the first NUL and keep every byte as latin1', () => {
    const m = decodeOk(
      raw([255], (p) => {
        p.write('undionly.kpxe\0garbage', 108, 'latin1');
        Buffer.from([0x62, 0xe9, 0xff]).copy(p, 44);
      }),
    );
    assert.equal(m.file, 'undionly.kpxe');
    assert.equal(m.sname, 'b\u00e9\u00ff');
    // a full 128-byte file field without NUL
    const full = decodeOk(raw([255], (p) => p.fill(0x41, 108, 236)));
    assert.equal(full.file, 'A'.repeat(128));
  });

  test('decoded buffers are copies: reusing the receive buffer changes nothing', () => {
    const b = raw([61, 7, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56, 255]);
    const m = decodeOk(b);
    b.fill(0xee);
    assert.equal(o.macOf(m), '52:54:00:12:34:56');
    assert.equal(o.clientId(m)?.toString('hex'), '01525400123456');
  });
});

describe('malformed input never throws', () => {
  function decodeSafely(buf: Buffer): DecodeResult {
    try {
      return decodeDhcp(buf);
    } catch (e) {
      assert.fail(`decodeDhcp threw on ${buf.toString('hex')}: ${String(e)}`);
    }
  }

  test('truncated at every length from 0 to the full packet', () => {
    for (const name of fixtureNames()) {
      const full = loadPacket(name);
      for (let n = 0; n <= full.length; n++) {
        const r = decodeSafely(full.subarray(0, n));
        if (n < 240) {
          assert.equal(r.ok, false, `${name} cut to ${n} bytes`);
          if (!r.ok) assert.match(r.error, /short packet/);
        }
      }
      // the whole packet decodes
      assert.equal(decodeSafely(full).ok, true, name);
    }
  });

  test('an option cut in the middle is reported, not half-read', () => {
    const full = raw([53, 1, 1, 60, 9, ...Buffer.from('PXEClient'), 255]);
    const r = decodeSafely(full.subarray(0, full.length - 3));
    assert.deepEqual(r, { ok: false, error: 'option 60 length 9 runs past the end' });
    const r2 = decodeSafely(raw([53, 1, 1, 60]));
    assert.deepEqual(r2, { ok: false, error: 'option 60 has no length byte' });
  });

  test('bad magic cookie', () => {
    const b = loadPacket('udhcpc-discover');
    b[239] = 0x64;
    assert.deepEqual(decodeSafely(b), { ok: false, error: 'bad magic cookie' });
  });

  test('option length overflow, bad hlen, bad op, bad overload', () => {
    assert.equal(decodeSafely(raw([53, 200, 1])).ok, false);
    assert.match(errorOf(decodeSafely(raw([255], (p) => (p[2] = 17)))), /hlen/);
    assert.match(errorOf(decodeSafely(raw([255], (p) => (p[0] = 3)))), /op/);
    assert.match(errorOf(decodeSafely(raw([52, 1, 4, 255]))), /overload/);
    assert.match(errorOf(decodeSafely(raw([52, 2, 1, 1, 255]))), /overload/);
    // an overloaded file field whose options overflow it
    const bad = raw([52, 1, 1, 255], (p) => Buffer.from([60, 200]).copy(p, 108));
    assert.match(errorOf(decodeSafely(bad)), /overloaded file/);
  });

  test('thousands of random buffers, and random corruptions of real packets', () => {
    let seed = 0x2545f491;
    const rand = () => {
      // xorshift32: deterministic, so a failure reproduces
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const packets = fixtureNames().map(loadPacket);
    let decoded = 0;
    for (let i = 0; i < 4000; i++) {
      const b = Buffer.alloc(Math.floor(rand() * 700));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256);
      // half of them get a valid op and cookie so that the option parser is exercised
      if (i % 2 === 0 && b.length >= 240) {
        b[0] = 1;
        b[2] = 6;
        b.writeUInt32BE(0x63825363, 236);
      }
      if (decodeSafely(b).ok) decoded += 1;
    }
    for (let i = 0; i < 4000; i++) {
      const b = Buffer.from(packets[i % packets.length]!);
      for (let k = 0; k < 4; k++) b[240 + Math.floor(rand() * (b.length - 240))] = Math.floor(rand() * 256);
      const r = decodeSafely(b);
      if (r.ok) {
        decoded += 1;
        assert.ok(r.message.options instanceof Map);
      }
    }
    assert.ok(decoded > 0, 'some corrupted packets still decode (corruption after End, in padding...)');
  });
});

describe('encode rejects programmer errors', () => {
  test('fields that do not fit', () => {
    assert.throws(() => encodeDhcp(message({ file: 'x'.repeat(129) })), /file is 129 bytes/);
    assert.throws(() => encodeDhcp(message({ sname: 's'.repeat(65) })), /sname/);
    assert.throws(() => encodeDhcp(message({ file: 'caf\u20ac' })), /latin1/);
    assert.throws(() => encodeDhcp(message({ chaddr: Buffer.alloc(17) })), /chaddr/);
    assert.throws(() => encodeDhcp(message({ yiaddr: '10.0.0' })), /yiaddr/);
    assert.throws(() => encodeDhcp(message({ siaddr: '10.0.0.256' })), /siaddr/);
    assert.throws(() => encodeDhcp(message({ giaddr: '1.2.3.4.5' })), /giaddr/);
    assert.throws(() => encodeDhcp(message({ ciaddr: '1..2.3' })), /ciaddr/);
    assert.throws(() => encodeDhcp(message({ options: new Map([[0, Buffer.alloc(1)]]) })), /option code 0/);
    assert.throws(() => encodeDhcp(message({ options: new Map([[255, Buffer.alloc(1)]]) })), /option code 255/);
    assert.throws(() => encodeDhcp(message({ options: new Map([[52, Buffer.from([1])]]) })), /overload/);
  });

  test('a short chaddr is padded to 16 bytes', () => {
    const m = decodeOk(encodeDhcp(message({ chaddr: Buffer.from('525400abcdef', 'hex') })));
    assert.equal(m.chaddr.length, 16);
    assert.equal(o.macOf(m), '52:54:00:ab:cd:ef');
  });
});

function errorOf(r: DecodeResult): string {
  return r.ok ? '(decoded)' : r.error;
}
