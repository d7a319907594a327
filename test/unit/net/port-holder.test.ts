import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import { findPortHolder, parseProcNetTable } from '../../../electron/core/net/port-holder.js';

const linux = process.platform === 'linux';

describe('parseProcNetTable', () => {
  // Trimmed lines of a real /proc/net/udp and /proc/net/tcp (port 0x0043 = 67, 0x1F90 = 8080).
  const udp = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  101: 00000000:0043 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 31337 2 0000000000000000 0
  102: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 4242 2 0000000000000000 0
`;
  const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000  1000        0 888 1 0000000000000000 20 4 30 10 -1
`;
  test('finds the inode bound to a port', () => {
    assert.deepEqual(parseProcNetTable(udp, 67, 'udp'), ['31337']);
    assert.deepEqual(parseProcNetTable(udp, 53, 'udp'), ['4242']);
    assert.deepEqual(parseProcNetTable(udp, 68, 'udp'), []);
  });
  test('counts only TCP listeners', () => {
    assert.deepEqual(parseProcNetTable(tcp, 8080, 'tcp'), ['777']);
  });
});

describe('findPortHolder on real sockets', { skip: !linux && 'Linux only' }, () => {
  const comm = async () => (await readFile('/proc/self/comm', 'utf8')).trim();

  test('names this process as the holder of a UDP port it bound', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    try {
      const holder = await findPortHolder(s.address().port, 'udp');
      assert.equal(holder, `${await comm()} (pid ${process.pid})`);
    } finally {
      s.close();
    }
  });

  test('finds a TCP listener on IPv6 too', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '::1', r));
    try {
      const port = (server.address() as net.AddressInfo).port;
      assert.match((await findPortHolder(port, 'tcp')) ?? '', new RegExp(`\\(pid ${process.pid}\\)`));
      assert.equal(await findPortHolder(port, 'udp'), null, 'a TCP port is not a UDP holder');
    } finally {
      server.close();
    }
  });

  test('null for a port nobody holds', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(r));
    assert.equal(await findPortHolder(port, 'udp'), null);
  });
});
