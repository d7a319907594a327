// The inventory CSV: real CSV (quotes, CRLF, BOM, blank and comment lines) and every bad-row case
// refused by its line, each problem of the file reported, not only the first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../../electron/core/inventory/csv.js';
import { checkInventory, type InventoryContext } from '../../../electron/core/inventory/check.js';
import { subnetOf } from '../../../electron/core/dhcp/ipv4.js';

const ctx = (over: Partial<InventoryContext> = {}): InventoryContext => ({
  distroProblem: (id) => (id === 'debian-12' || id === 'rocky-9' ? null : 'no such distro is imported'),
  network: { mode: 'dhcp', subnet: subnetOf('10.9.0.1', 24), serverIp: '10.9.0.1' },
  reservations: [],
  leaseHolder: () => null,
  ...over,
});

const linesOf = (csv: string, c = ctx()) => checkInventory(csv, c).problems.map((p) => [p.line, p.message] as const);

describe('CSV parser', () => {
  test('quotes, doubled quotes, commas and line breaks inside quotes, CRLF, BOM, blank and comment lines', () => {
    const text =
      '\uFEFFmac,hostname\r\n\r\n# a comment\r\n"52:54:00:00:00:01","a, ""b"""\r\n52:54:00:00:00:02,"two\nlines"\n  \n52:54:00:00:00:03 , c \n';
    const { records, problems } = parseCsv(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(records, [
      { line: 1, fields: ['mac', 'hostname'] },
      { line: 4, fields: ['52:54:00:00:00:01', 'a, "b"'] },
      { line: 5, fields: ['52:54:00:00:00:02', 'two\nlines'] },
      { line: 8, fields: ['52:54:00:00:00:03', 'c'] },
    ]);
  });

  test('an unclosed quote and text after a closing quote are problems of their line', () => {
    assert.deepEqual(
      parseCsv('a,b\n"x"y,z\n').problems.map((p) => p.line),
      [2],
    );
    assert.deepEqual(
      parseCsv('a,b\nc,d\n"open,z\n').problems.map((p) => p.line),
      [3],
    );
    assert.deepEqual(
      parseCsv('a,b\nx"y,z\n').problems.map((p) => p.line),
      [2],
    );
  });

  test('no trailing newline, and a lone CR as a line end', () => {
    assert.deepEqual(parseCsv('a\rb').records, [
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['b'] },
    ]);
  });
});

describe('inventory check', () => {
  test('a good file: every column, MACs normalised, empty optional fields are null', () => {
    const { rows, problems } = checkInventory(
      'MAC,Hostname,IP,Distro\n52-54-00-AA-00-01,web-01,10.9.0.50,debian-12\n52:54:00:aa:00:02,,,\n52:54:00:aa:00:03,db,,rocky-9\n',
      ctx(),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      rows.map((r) => [r.line, r.mac, r.hostname, r.ip, r.distro, r.power]),
      [
        [2, '52:54:00:aa:00:01', 'web-01', '10.9.0.50', 'debian-12', null],
        [3, '52:54:00:aa:00:02', null, null, null, null],
        [4, '52:54:00:aa:00:03', 'db', null, 'rocky-9', null],
      ],
    );
  });

  test('only mac is required; the header may name the columns in any order', () => {
    const { rows, problems } = checkInventory('distro,mac\ndebian-12,52:54:00:aa:00:01\n', ctx());
    assert.deepEqual(problems, []);
    assert.equal(rows[0]?.distro, 'debian-12');
  });

  test('duplicate MACs (after normalising), by line, naming the first line', () => {
    const got = linesOf('mac\n52:54:00:aa:00:01\n52-54-00-AA-00-01\n');
    assert.deepEqual(got, [[3, 'mac 52:54:00:aa:00:01 is on line 2 already: one line per machine']]);
  });

  test('malformed and empty MACs', () => {
    const got = linesOf('mac,hostname\n52:54:00:aa:00\nzz:54:00:aa:00:01\n,x\n');
    assert.deepEqual(
      got.map(([l]) => l),
      [2, 3, 4],
    );
    assert.match(got[0]![1], /is not a MAC address/);
    assert.match(got[2]![1], /mac is empty/);
  });

  test('addresses outside the served subnet, the network, broadcast and server addresses, not IPv4', () => {
    const got = linesOf(
      'mac,ip\n52:54:00:aa:00:01,10.8.0.5\n52:54:00:aa:00:02,10.9.0.0\n52:54:00:aa:00:03,10.9.0.255\n52:54:00:aa:00:04,10.9.0.1\n52:54:00:aa:00:05,10.9.0.300\n52:54:00:aa:00:06,10.9.0.050\n',
    );
    assert.deepEqual(
      got.map(([l]) => l),
      [2, 3, 4, 5, 6, 7],
    );
    assert.match(got[0]![1], /outside the served subnet 10\.9\.0\.0\/24/);
    assert.match(got[1]![1], /network or broadcast/);
    assert.match(got[3]![1], /Bootbench's own address/);
    assert.match(got[4]![1], /not an IPv4 address/);
  });

  test('an address twice in the file, or reserved for another MAC, or leased to another MAC now', () => {
    const c = ctx({
      reservations: [
        { mac: '52:54:00:bb:00:01', ip: '10.9.0.60', source: 'inventory' },
        { mac: '52:54:00:bb:00:02', ip: '10.9.0.61', source: 'flag' },
      ],
      leaseHolder: (ip) => (ip === '10.9.0.62' ? '52:54:00:cc:00:01' : null),
    });
    const got = linesOf(
      'mac,ip\n52:54:00:aa:00:01,10.9.0.50\n52:54:00:aa:00:02,10.9.0.50\n52:54:00:aa:00:03,10.9.0.60\n52:54:00:aa:00:04,10.9.0.61\n52:54:00:aa:00:05,10.9.0.62\n',
      c,
    );
    assert.deepEqual(
      got.map(([l]) => l),
      [3, 4, 5, 6],
    );
    assert.match(got[0]![1], /on line 2 already/);
    assert.match(got[1]![1], /reserved for 52:54:00:bb:00:01 already \(stored reservation\)/);
    assert.match(got[2]![1], /reserved for 52:54:00:bb:00:02 already \(by --reserve\)/);
    assert.match(got[3]![1], /leased to 52:54:00:cc:00:01/);
  });

  test('a stored reservation of a machine the file moves elsewhere frees its address (a swap is fine)', () => {
    const c = ctx({
      reservations: [
        { mac: '52:54:00:aa:00:01', ip: '10.9.0.50', source: 'inventory' },
        { mac: '52:54:00:aa:00:02', ip: '10.9.0.51', source: 'inventory' },
      ],
    });
    assert.deepEqual(linesOf('mac,ip\n52:54:00:aa:00:01,10.9.0.51\n52:54:00:aa:00:02,10.9.0.50\n', c), []);
  });

  test('a --reserve flag for the same MAC with another address wins, so the row is refused', () => {
    const c = ctx({ reservations: [{ mac: '52:54:00:aa:00:01', ip: '10.9.0.70', source: 'flag' }] });
    const got = linesOf('mac,ip\n52:54:00:aa:00:01,10.9.0.71\n', c);
    assert.equal(got[0]?.[0], 2);
    assert.match(got[0]![1], /--reserve, which wins/);
  });

  test('an address in proxy mode or before serving is refused with the reason', () => {
    assert.match(linesOf('mac,ip\n52:54:00:aa:00:01,10.9.0.50\n', ctx({ network: { mode: 'proxy' } }))[0]![1], /proxy mode/);
    assert.match(linesOf('mac,ip\n52:54:00:aa:00:01,10.9.0.50\n', ctx({ network: { mode: 'setup' } }))[0]![1], /serves no interface/);
  });

  test('unknown distros and bad or duplicate hostnames', () => {
    const got = linesOf(
      'mac,hostname,distro\n52:54:00:aa:00:01,web_01,debian-12\n52:54:00:aa:00:02,ok,nope-1\n52:54:00:aa:00:03,OK,\n52:54:00:aa:00:04,-x,\n',
    );
    assert.deepEqual(
      got.map(([l]) => l),
      [2, 3, 4, 5],
    );
    assert.match(got[0]![1], /not a valid host name/);
    assert.match(got[1]![1], /distro nope-1: no such distro/);
    assert.match(got[2]![1], /on line 3 already/);
  });

  test('the header: mac missing, an unknown column, a column twice; a row with too many fields', () => {
    assert.match(linesOf('hostname,ip\nx,10.9.0.5\n')[0]![1], /no mac column/);
    assert.match(linesOf('mac,colour\n52:54:00:aa:00:01,red\n')[0]![1], /unknown column "colour"/);
    assert.match(linesOf('mac,ip,mac\n')[0]![1], /named twice/);
    const extra = linesOf('mac,hostname\n52:54:00:aa:00:01,a,b\n');
    assert.equal(extra[0]?.[0], 2);
    assert.match(extra[0]![1], /3 fields/);
    assert.match(linesOf('')[0]![1], /empty/);
    assert.match(linesOf('mac\n')[0]![1], /no machines/);
  });

  test('every problem of the file at once, sorted by line', () => {
    const got = linesOf('mac,ip,distro\n52:54:00:aa:00:01,10.8.0.1,debian-12\nbad,10.9.0.5,debian-12\n52:54:00:aa:00:01,,nope\n');
    assert.deepEqual(
      got.map(([l]) => l),
      [2, 3, 4, 4],
    );
  });

  test('power columns: ipmi, redfish, wol; what is missing or wrong is said by column, never with the password', () => {
    const good = checkInventory(
      'mac,power,bmc,bmc_user,bmc_password\n52:54:00:aa:00:01,ipmi,10.9.0.200,admin,s3cret-pw\n52:54:00:aa:00:02,redfish,https://10.9.0.201,root,pw2\n52:54:00:aa:00:03,wol,,,\n52:54:00:aa:00:04,IPMI,10.9.0.202,admin,\n',
      ctx(),
    );
    assert.deepEqual(good.problems, []);
    assert.deepEqual(
      good.rows.map((r) => r.power),
      [
        { method: 'ipmi', ipmi: { address: '10.9.0.200', user: 'admin', password: 's3cret-pw' } },
        { method: 'redfish', redfish: { url: 'https://10.9.0.201', user: 'root', password: 'pw2' } },
        { method: 'wol', wol: {} },
        { method: 'ipmi', ipmi: { address: '10.9.0.202', user: 'admin' } },
      ],
    );
    const bad = checkInventory(
      'mac,power,bmc,bmc_user,bmc_password\n' +
        '52:54:00:aa:00:01,ipmx,10.9.0.200,admin,x\n' +
        '52:54:00:aa:00:02,ipmi,,admin,x\n' +
        '52:54:00:aa:00:03,redfish,http://10.9.0.201,root,hunter2-secret\n' +
        '52:54:00:aa:00:04,,10.9.0.200,,\n' +
        '52:54:00:aa:00:05,ipmi,-oProxyCommand,admin,x\n' +
        '52:54:00:aa:00:06,ipmi,10.9.0.9,admin,"bad\u0001pw-secret"\n' +
        '52:54:00:aa:00:07,wol,10.9.0.9,,\n' +
        '52:54:00:aa:00:08,redfish,https://10.9.0.201,,\n',
      ctx(),
    ).problems;
    assert.deepEqual(
      bad.map((p) => p.line),
      [2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.match(bad[0]!.message, /power "ipmx" is not one of/);
    assert.match(bad[1]!.message, /needs bmc/);
    assert.match(bad[2]!.message, /plain HTTP/);
    assert.match(bad[3]!.message, /need a power column/);
    assert.match(bad[4]!.message, /^bmc: /);
    assert.match(bad[5]!.message, /^bmc_password: /);
    assert.match(bad[7]!.message, /needs bmc_user/);
    for (const p of bad) assert.doesNotMatch(p.message, /secret/, 'no problem repeats a password');
  });
});
