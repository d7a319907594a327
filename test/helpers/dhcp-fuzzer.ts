// Throws random and mutated DHCP packets at a server, from inside a client namespace:
//   node --import tsx test/helpers/dhcp-fuzzer.ts '{"server":"10.0.0.1","count":100000,"seed":1}'
// Half the packets are random bytes; half are real client packets (udhcpc, iPXE, OVMF shapes)
// with 1-8 mutations each: bit flips, truncation, option lengths that overrun, overloaded
// fields, repeated and oversized options. They go to the broadcast address and to the server,
// on ports 67 and 4011. Sending is paced in batches so that the kernel's socket buffers, not the
// fuzzer, decide what gets through; the count actually sent is printed.
import { openBoundUdpSocket } from '../../electron/core/net/bound-socket.js';
import { encodeDhcp } from '../../electron/core/dhcp/codec.js';
import { BOOTREQUEST, MessageType, Opt, ZERO_IP, type DhcpMessage } from '../../electron/core/dhcp/message.js';

interface FuzzOptions {
  server: string;
  count: number;
  seed: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

function template(kind: number, mac: Buffer): Buffer {
  const chaddr = Buffer.alloc(16);
  mac.copy(chaddr);
  const options = new Map<number, Buffer>([
    [
      Opt.MessageType,
      Buffer.from([[MessageType.Discover, MessageType.Request, MessageType.Inform, MessageType.Release, MessageType.Decline][kind % 5]!]),
    ],
  ]);
  if (kind % 3 === 0) {
    options.set(Opt.VendorClass, Buffer.from('PXEClient:Arch:00007:UNDI:003000'));
    options.set(Opt.ClientArch, Buffer.from([0, 7]));
    options.set(Opt.ClientNdi, Buffer.from([1, 3, 0]));
    options.set(Opt.ClientUuid, Buffer.concat([Buffer.from([0]), Buffer.alloc(16, 0x5a)]));
  } else if (kind % 3 === 1) {
    options.set(Opt.VendorClass, Buffer.from('PXEClient:Arch:00000:UNDI:002001'));
    options.set(Opt.UserClass, Buffer.from('iPXE'));
    options.set(Opt.IpxeEncap, Buffer.from([0xb1, 0x05, 0x01, 0x80, 0x86, 0x10, 0x0e]));
  } else {
    options.set(Opt.RequestedIp, Buffer.from([10, 231, 7, 150]));
    options.set(Opt.ServerId, Buffer.from([10, 231, 7, 1]));
    options.set(Opt.Hostname, Buffer.from('fuzz'));
  }
  options.set(Opt.ParameterList, Buffer.from([1, 3, 6, 12, 15, 28, 42, 43, 60, 66, 67, 97]));
  const m: DhcpMessage = {
    op: BOOTREQUEST,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: kind,
    secs: 0,
    flags: 0x8000,
    ciaddr: ZERO_IP,
    yiaddr: ZERO_IP,
    siaddr: ZERO_IP,
    giaddr: ZERO_IP,
    chaddr,
    sname: '',
    file: '',
    options,
  };
  return encodeDhcp(m, { minSize: 0 });
}

function mutate(buf: Buffer, r: () => number): Buffer {
  let out = Buffer.from(buf);
  const n = 1 + Math.floor(r() * 8);
  for (let i = 0; i < n; i += 1) {
    const what = Math.floor(r() * 8);
    const at = Math.floor(r() * out.length);
    switch (what) {
      case 0:
        out[at] = (out[at] ?? 0) ^ (1 << Math.floor(r() * 8));
        break; // bit flip
      case 1:
        out[at] = Math.floor(r() * 256);
        break; // random byte
      case 2:
        out = out.subarray(0, Math.floor(r() * out.length));
        break; // truncate
      case 3:
        if (out.length > 241) out[241] = 255;
        break; // an option length that overruns
      case 4:
        if (out.length > 240) out = Buffer.concat([out.subarray(0, 240), Buffer.from([52, 1, 3]), out.subarray(240)]);
        break; // overload sname+file
      case 5:
        out = Buffer.concat([out, Buffer.alloc(Math.floor(r() * 1200), Math.floor(r() * 256))]);
        break; // junk tail
      case 6:
        if (out.length > 2) out[2] = Math.floor(r() * 256);
        break; // hlen
      default:
        if (out.length > 240)
          out = Buffer.concat([out.subarray(0, 240), Buffer.from([Math.floor(r() * 256), 255]), Buffer.alloc(255, 7), out.subarray(240)]); // big option
    }
  }
  return out;
}

async function main(o: FuzzOptions): Promise<void> {
  const r = rng(o.seed);
  const socket = await openBoundUdpSocket({ iface: 'eth0', port: 68, broadcast: true, reuseAddr: true });
  socket.on('message', () => undefined); // replies are not the point here
  const targets = [
    ['255.255.255.255', 67],
    [o.server, 67],
    [o.server, 4011],
  ] as const;
  let sent = 0;
  let errors = 0;
  const batch = 200;
  for (let i = 0; i < o.count; i += batch) {
    const sends: Promise<void>[] = [];
    for (let j = i; j < Math.min(o.count, i + batch); j += 1) {
      let packet: Buffer;
      if (r() < 0.5) {
        packet = Buffer.alloc(Math.floor(r() * 1400));
        for (let k = 0; k < packet.length; k += 1) packet[k] = Math.floor(r() * 256);
        if (packet.length > 240 && r() < 0.5) packet.writeUInt32BE(0x63825363, 236); // a valid cookie, so option parsing runs
      } else {
        const mac = Buffer.from([0x02, 0xfa, Math.floor(r() * 256), Math.floor(r() * 256), Math.floor(r() * 256), Math.floor(r() * 256)]);
        packet = mutate(template(Math.floor(r() * 15), mac), r);
      }
      const [address, port] = targets[j % targets.length]!;
      sends.push(
        new Promise((res) =>
          socket.send(packet, port, address, (err) => {
            if (err) errors += 1;
            else sent += 1;
            res();
          }),
        ),
      );
    }
    await Promise.all(sends);
    await new Promise((res) => setTimeout(res, 2)); // let the server drain its socket buffer
  }
  socket.close();
  process.stdout.write(`${JSON.stringify({ sent, errors })}\n`);
}

main(JSON.parse(process.argv[2] ?? '{}') as FuzzOptions).catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
