// A packet capture of the DHCP traffic on a lab bridge (tcpdump in the lab's server namespace), read
// back with Bootbench's own codec: the independent witness of what a firmware really sent.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { decodeDhcp } from '../../electron/core/dhcp/codec.js';
import type { DhcpMessage } from '../../electron/core/dhcp/message.js';
import type { Lab } from './netns.js';

export interface DhcpCapture {
  /** Every DHCP message captured so far (both directions), in order. */
  messages(): DhcpMessage[];
  stop(): Promise<void>;
}

/** Starts tcpdump on `iface` in the lab's server namespace (UDP 67/68), writing a pcap to `file`. */
export async function startDhcpCapture(lab: Lab, iface: string, file: string): Promise<DhcpCapture> {
  const child: ChildProcess = lab.spawn(lab.serverNs, 'tcpdump', ['-i', iface, '-U', '-n', '-w', file, 'udp port 67 or udp port 68']);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // tcpdump says "listening on …" once its capture is open: packets sent before would be lost.
  const t0 = Date.now();
  while (!/listening on/.test(stderr)) {
    if (child.exitCode !== null) throw new Error(`tcpdump exited: ${stderr.trim()} (apt-get install -y tcpdump)`);
    if (Date.now() - t0 > 10_000) throw new Error(`tcpdump did not start within 10 s: ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    messages: () => (existsSync(file) ? dhcpMessagesOf(readFileSync(file)) : []),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The DHCP payloads of a classic pcap (Ethernet, IPv4, UDP); a truncated last record is skipped. */
export function dhcpMessagesOf(pcap: Buffer): DhcpMessage[] {
  if (pcap.length < 24) return [];
  const magic = pcap.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error(`not a little-endian pcap (magic ${magic.toString(16)})`);
  const out: DhcpMessage[] = [];
  for (let o = 24; o + 16 <= pcap.length;) {
    const captured = pcap.readUInt32LE(o + 8);
    const frame = pcap.subarray(o + 16, o + 16 + captured);
    o += 16 + captured;
    if (frame.length < captured || frame.length < 14 + 20 + 8 || frame.readUInt16BE(12) !== 0x0800) continue;
    const udp = 14 + (frame[14]! & 0x0f) * 4;
    if (frame[14 + 9] !== 17) continue;
    const r = decodeDhcp(frame.subarray(udp + 8));
    if (r.ok) out.push(r.message);
  }
  return out;
}
