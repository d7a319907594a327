// The DHCP load generator of the benchmark, run inside the client namespace:
//   node --import tsx bench/dhcp/loadgen.ts '<json LoadOptions>'
// It prints one JSON LoadResult on stdout.
//
// It plays a DHCP relay agent (RFC 1542 §4): every message carries giaddr = its own address, so
// servers unicast their replies to giaddr:67. Thousands of distinct clients (one MAC each) then
// come from one ordinary UDP socket, without raw sockets or one namespace per client.
//
// Why not perfdhcp: its -r is a rate of new exchanges and without -r it sends as fast as it can;
// neither keeps exactly K exchanges outstanding, and it reports min/avg/max delays, not
// percentiles. Here exactly `inflight` DORA exchanges are open at any time (a new client starts
// when one finishes or fails), and every DISCOVER→ACK time is kept.
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { decodeDhcp, encodeDhcp } from '../../electron/core/dhcp/codec.js';
import { BOOTREQUEST, MessageType, Opt, ZERO_IP, type DhcpMessage } from '../../electron/core/dhcp/message.js';
import { ipOption, messageType, serverId, u8Option } from '../../electron/core/dhcp/options.js';
import { summarise, type LoadResult } from './stats.js';

export interface LoadOptions {
  /** Our address on the client segment: the giaddr, and where replies come to (port 67). */
  relay: string;
  server: string;
  clients: number;
  inflight: number;
  /** Second byte of every MAC (02:<tag>:…), so two runs never share a client. */
  macTag: number;
  /** Retransmit a DISCOVER or REQUEST unanswered this long (RFC 2131 §4.1 suggests ~4 s, firmware uses 4/8/16). */
  timeoutMs: number;
  /** Transmissions per step before the exchange counts as failed. */
  tries: number;
  /** Hard cap on the whole run; exchanges still open then count as unfinished. */
  maxSeconds: number;
}

interface Exchange {
  index: number;
  xid: number;
  chaddr: Buffer;
  step: 'offer' | 'ack';
  tries: number;
  startedAt: number;
  sentAt: number;
  offeredAt: number;
  yiaddr: string;
  serverId: string;
}

const PARAMETERS = Buffer.from([1, 3, 6, 15, 28, 51, 54, 58, 59]);

function macOf(tag: number, index: number): Buffer {
  // 02: a locally administered unicast address, never a real NIC's.
  return Buffer.from([0x02, tag & 0xff, (index >>> 24) & 0xff, (index >>> 16) & 0xff, (index >>> 8) & 0xff, index & 0xff]);
}

function requestMessage(ex: Exchange, relay: string, type: number): DhcpMessage {
  const chaddr = Buffer.alloc(16);
  ex.chaddr.copy(chaddr);
  const options = new Map<number, Buffer>([[Opt.MessageType, u8Option(type)]]);
  if (type === MessageType.Request) {
    options.set(Opt.RequestedIp, ipOption(ex.yiaddr));
    options.set(Opt.ServerId, ipOption(ex.serverId));
  }
  options.set(Opt.ParameterList, PARAMETERS);
  return {
    op: BOOTREQUEST,
    htype: 1,
    hlen: 6,
    hops: 1,
    xid: ex.xid,
    secs: Math.min(0xffff, Math.floor((performance.now() - ex.startedAt) / 1000)),
    flags: 0,
    ciaddr: ZERO_IP,
    yiaddr: ZERO_IP,
    siaddr: ZERO_IP,
    giaddr: relay,
    chaddr,
    sname: '',
    file: '',
    options,
  };
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const socket: Socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: opts.relay, port: 67, exclusive: true }, () => {
      socket.off('error', reject);
      resolve();
    });
  });

  const open = new Map<number, Exchange>();
  const latencies: number[] = [];
  const offerLatencies: number[] = [];
  const ipOwner = new Map<string, string>();
  const counts = { completed: 0, failed: 0, naks: 0, retransmits: 0, duplicateAddresses: 0, strayReplies: 0, sendErrors: 0 };
  let started = 0;
  let xidSeed = (Math.random() * 0x7fffffff) >>> 0;
  let firstSend = 0;
  let lastDone = 0;

  const send = (ex: Exchange, type: number) => {
    ex.sentAt = performance.now();
    socket.send(encodeDhcp(requestMessage(ex, opts.relay, type)), 67, opts.server, (err) => {
      if (err) counts.sendErrors += 1;
    });
  };

  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const startNext = () => {
    while (open.size < opts.inflight && started < opts.clients) {
      xidSeed = (xidSeed + 0x9e3779b1) >>> 0; // distinct per exchange, not sequential
      const now = performance.now();
      const ex: Exchange = {
        index: started,
        xid: xidSeed,
        chaddr: macOf(opts.macTag, started),
        step: 'offer',
        tries: 1,
        startedAt: now,
        sentAt: now,
        offeredAt: 0,
        yiaddr: ZERO_IP,
        serverId: ZERO_IP,
      };
      started += 1;
      if (firstSend === 0) firstSend = now;
      open.set(ex.xid, ex);
      send(ex, MessageType.Discover);
    }
    if (open.size === 0 && started >= opts.clients) finish();
  };

  const close = (ex: Exchange) => {
    open.delete(ex.xid);
    lastDone = performance.now();
    startNext();
  };

  socket.on('message', (buf) => {
    const decoded = decodeDhcp(buf);
    if (!decoded.ok || decoded.message.op !== 2) return;
    const reply = decoded.message;
    const ex = open.get(reply.xid);
    if (!ex || !reply.chaddr.subarray(0, 6).equals(ex.chaddr)) {
      counts.strayReplies += 1; // late duplicates after a retransmit, or a finished exchange
      return;
    }
    const type = messageType(reply);
    if (type === MessageType.Offer && ex.step === 'offer') {
      const now = performance.now();
      ex.offeredAt = now;
      offerLatencies.push(now - ex.startedAt);
      ex.yiaddr = reply.yiaddr;
      ex.serverId = serverId(reply) ?? reply.siaddr;
      ex.step = 'ack';
      ex.tries = 1;
      send(ex, MessageType.Request);
    } else if (type === MessageType.Ack && ex.step === 'ack') {
      latencies.push(performance.now() - ex.startedAt);
      counts.completed += 1;
      const mac = ex.chaddr.toString('hex');
      const owner = ipOwner.get(reply.yiaddr);
      if (owner !== undefined && owner !== mac) counts.duplicateAddresses += 1;
      ipOwner.set(reply.yiaddr, mac);
      close(ex);
    } else if (type === MessageType.Nak) {
      counts.naks += 1;
      counts.failed += 1;
      close(ex);
    }
  });

  // One sweep timer for all open exchanges (at most `inflight` of them) instead of a timer each.
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const ex of [...open.values()]) {
      if (now - ex.sentAt < opts.timeoutMs) continue;
      if (ex.tries >= opts.tries) {
        counts.failed += 1;
        close(ex);
      } else {
        ex.tries += 1;
        counts.retransmits += 1;
        send(ex, ex.step === 'offer' ? MessageType.Discover : MessageType.Request);
      }
    }
  }, 25);

  let capped = false;
  const cap = setTimeout(() => {
    capped = true;
    finish();
  }, opts.maxSeconds * 1000);

  startNext();
  await done;
  clearInterval(sweep);
  clearTimeout(cap);
  const unfinished = open.size;
  socket.close();
  const elapsedMs = (lastDone || performance.now()) - firstSend;
  return summarise({
    clients: opts.clients,
    inflight: opts.inflight,
    started,
    unfinished,
    capped,
    elapsedMs,
    latencies,
    offerLatencies,
    ...counts,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  runLoad(opts).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`loadgen: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
