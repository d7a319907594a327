// A diagnostic for the address-conflict guard (electron/core/dhcp/conflict.ts), without sockets:
//   node --import tsx bench/dhcp/guard-sim.ts [clients=2000] [inflight=64] [probeMs=500] [ackMs=3] [minAhead]
// K simulated clients run the server's offer path (LeaseTable.candidateFor → hold →
// ConflictGuard.takeReady / isFree) against a prober on which nothing ever answers (an empty pool, as in the
// benchmark) and that takes the full timeout, then "ACK" after ackMs (about one fdatasync here).
// It prints how many offers had to wait for a probe, and the offer rate: with probing truly ahead
// of demand, almost no offer waits and the rate is bounded by ackMs and K, not by probeMs.
import { performance } from 'node:perf_hooks';
import { ConflictGuard, type AddressProber } from '../../electron/core/dhcp/conflict.js';
import { LeaseTable } from '../../electron/core/dhcp/leases.js';
import { ipToInt, subnetOf } from '../../electron/core/dhcp/ipv4.js';
import { percentiles } from './stats.js';

const [clients = 2000, inflight = 64, probeMs = 500, ackMs = 3, minAhead] = process.argv.slice(2).map(Number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let probedAddresses = 0;
let probeCalls = 0;
const prober: AddressProber = {
  async probeMany(ips) {
    probeCalls += 1;
    probedAddresses += ips.length;
    await sleep(probeMs);
    return new Set();
  },
  close() {},
};

const table = new LeaseTable({
  pool: { start: ipToInt('10.231.10.0'), end: ipToInt('10.231.60.255') },
  subnet: subnetOf('10.231.0.1', 16),
  serverIp: '10.231.0.1',
  leaseTimeSec: 3600,
});
// minAhead: try the guard's own tuning knob (app.ts uses the default).
const guard = new ConflictGuard(prober, table, { timeoutMs: probeMs, ...(minAhead ? { minAhead } : {}) });
guard.prime();
await sleep(probeMs + 50); // the server starts serving after its foreign-DHCP probe: primed by then

const waits: number[] = [];
let waited = 0;
let next = 0;
const t0 = performance.now();
async function client(): Promise<void> {
  while (next < clients) {
    const mac = `02:aa:00:${((next >> 16) & 0xff).toString(16).padStart(2, '0')}:${((next >> 8) & 0xff).toString(16).padStart(2, '0')}:${(next & 0xff).toString(16).padStart(2, '0')}`;
    next += 1;
    const start = performance.now();
    let ip: string | null = null;
    for (let attempt = 0; attempt < 8 && ip === null; attempt += 1) {
      // The server's offer path (DhcpServer.offer): a ready address first, else probe one now.
      const ready = guard.takeReady();
      const candidate = ready ?? table.candidateFor(mac, null);
      if (!candidate) throw new Error('pool exhausted');
      table.hold(mac, candidate);
      if (ready || (await guard.isFree(candidate))) ip = candidate;
    }
    const wait = performance.now() - start;
    waits.push(wait);
    if (wait > probeMs / 2) waited += 1;
    await sleep(ackMs);
    if (ip) table.ack(mac, ip);
  }
}
await Promise.all(Array.from({ length: inflight }, () => client()));
const seconds = (performance.now() - t0) / 1000;
const p = percentiles(waits);
process.stdout.write(
  `${JSON.stringify({ clients, inflight, probeMs, ackMs, minAhead: minAhead ?? 'default', offersPerSec: Math.round(clients / seconds), waitedForProbe: waited, offerWaitMs: p, probeCalls, probedAddresses })}\n`,
);
process.exit(0);
