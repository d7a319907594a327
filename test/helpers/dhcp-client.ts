// A scripted DHCP/PXE client for tests, run inside a client namespace:
//   node --import tsx test/helpers/dhcp-client.ts '<json options>'
// It plays what firmware does (DISCOVER with PXE options, REQUEST of the offer, or a PXE
// REQUEST to port 4011) and prints one JSON object with every reply it received.
import { randomBytes } from 'node:crypto';
import { decodeDhcp, encodeDhcp } from '../../electron/core/dhcp/codec.js';
import { BOOTREQUEST, BROADCAST_FLAG, MessageType, Opt, ZERO_IP, type DhcpMessage } from '../../electron/core/dhcp/message.js';
import { openBoundUdpSocket } from '../../electron/core/net/bound-socket.js';
import { ipOption, messageType, serverId, stringOption, u16Option, u8Option } from '../../electron/core/dhcp/options.js';

export interface ClientScript {
  mac: string;
  iface?: string; // default eth0
  /** 'dora' (DISCOVER, REQUEST), 'discover' (DISCOVER only), 'pxe4011' (REQUEST to server:4011). */
  flow: 'dora' | 'discover' | 'pxe4011';
  vendorClass?: string; // e.g. PXEClient:Arch:00007:UNDI:003000
  clientArch?: number; // option 93
  userClass?: string; // option 77, e.g. iPXE
  uuid?: string; // option 97 payload hex (17 bytes: type 0 + 16)
  broadcastFlag?: boolean;
  server?: string; // for pxe4011
  ciaddr?: string; // for pxe4011
  timeoutMs?: number;
}

export interface ReplySummary {
  type: number | null;
  from: string;
  yiaddr: string;
  siaddr: string;
  ciaddr: string;
  file: string;
  options: Record<string, string>; // code -> hex
}

function summary(m: DhcpMessage, from: string): ReplySummary {
  const options: Record<string, string> = {};
  for (const [code, value] of m.options) options[String(code)] = value.toString('hex');
  return { type: messageType(m), from, yiaddr: m.yiaddr, siaddr: m.siaddr, ciaddr: m.ciaddr, file: m.file, options };
}

function request(script: ClientScript, xid: number, type: number, extra: [number, Buffer][] = []): DhcpMessage {
  const chaddr = Buffer.alloc(16);
  Buffer.from(script.mac.split(':').map((h) => parseInt(h, 16))).copy(chaddr);
  const options = new Map<number, Buffer>([[Opt.MessageType, u8Option(type)]]);
  for (const [code, value] of extra) options.set(code, value);
  if (script.vendorClass) options.set(Opt.VendorClass, stringOption(script.vendorClass));
  if (script.clientArch !== undefined) options.set(Opt.ClientArch, u16Option(script.clientArch));
  if (script.clientArch !== undefined) options.set(Opt.ClientNdi, Buffer.from([1, 3, 0]));
  if (script.uuid) options.set(Opt.ClientUuid, Buffer.from(script.uuid, 'hex'));
  if (script.userClass) options.set(Opt.UserClass, Buffer.from(script.userClass));
  options.set(Opt.ParameterList, Buffer.from([1, 3, 6, 15, 28, 43, 60, 66, 67, 97]));
  return {
    op: BOOTREQUEST,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid,
    secs: 0,
    flags: script.broadcastFlag === false ? 0 : BROADCAST_FLAG,
    ciaddr: script.ciaddr ?? ZERO_IP,
    yiaddr: ZERO_IP,
    siaddr: ZERO_IP,
    giaddr: ZERO_IP,
    chaddr,
    sname: '',
    file: '',
    options,
  };
}

async function run(script: ClientScript): Promise<{ replies: ReplySummary[] }> {
  // Pinned to eth0 like real firmware: with no address and no route, only a socket bound to the
  // device can send to 255.255.255.255.
  const socket = await openBoundUdpSocket({
    iface: script.iface ?? 'eth0',
    port: script.flow === 'pxe4011' ? 0 : 68,
    broadcast: true,
    reuseAddr: true,
  });
  const xid = randomBytes(4).readUInt32BE(0);
  const replies: ReplySummary[] = [];
  let onReply: ((m: DhcpMessage) => void) | null = null;
  socket.on('message', (buf, rinfo) => {
    const d = decodeDhcp(buf);
    if (!d.ok || d.message.op !== 2 || d.message.xid !== xid) return;
    replies.push(summary(d.message, rinfo.address));
    onReply?.(d.message);
  });
  const timeout = script.timeoutMs ?? 5000;
  const waitReply = (type: number) =>
    new Promise<DhcpMessage | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeout);
      onReply = (m) => {
        if (messageType(m) === type || messageType(m) === MessageType.Nak) {
          clearTimeout(timer);
          resolve(m);
        }
      };
    });
  const send = (m: DhcpMessage, address = '255.255.255.255', port = 67) =>
    new Promise<void>((resolve, reject) => socket.send(encodeDhcp(m), port, address, (err) => (err ? reject(err) : resolve())));

  if (script.flow === 'pxe4011') {
    const answer = waitReply(MessageType.Ack);
    await send(request(script, xid, MessageType.Request), script.server, 4011);
    await answer;
  } else {
    const offered = waitReply(MessageType.Offer);
    await send(request(script, xid, MessageType.Discover));
    const offer = await offered;
    if (offer && script.flow === 'dora' && offer.yiaddr !== ZERO_IP) {
      const acked = waitReply(MessageType.Ack);
      await send(
        request(script, xid, MessageType.Request, [
          [Opt.RequestedIp, ipOption(offer.yiaddr)],
          [Opt.ServerId, ipOption(serverId(offer) ?? ZERO_IP)],
        ]),
      );
      await acked;
    }
    if (script.flow === 'discover') await new Promise((r) => setTimeout(r, 300)); // gather any other server's offers too
  }
  socket.close();
  return { replies };
}

if (process.argv[2]) {
  run(JSON.parse(process.argv[2]) as ClientScript).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    },
  );
}
