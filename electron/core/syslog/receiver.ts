// The syslog receiver: installers' log lines, on the chosen NIC only, handed to whoever composed
// it (app.ts maps the sender's address to a host and puts the line on its timeline). A transport:
// it knows nothing of hosts or installs.
//
// UDP 514 (RFC 5426) through a socket pinned to the NIC, like every Bootbench socket: what the
// Debian installer's busybox syslogd -R and most appliances send. And TCP 514 (RFC 6587) on the
// NIC's address, because Anaconda's `inst.syslog=HOST:PORT` appends `*.* @@HOST:PORT` to rsyslog's
// configuration, and `@@` is TCP: without it RHEL-family installs would send nothing we can read.
import net from 'node:net';
import type { Socket as UdpSocket } from 'node:dgram';
import { DropReporter, type EventBus } from '../events.js';
import type { ServiceStatus } from '../../shared/contract.js';
import { BootbenchError, errnoCode } from '../errors.js';
import { openBoundUdpSocket } from '../net/bound-socket.js';
import { MAX_SYSLOG_BYTES, parseSyslog, type SyslogRecord } from './parse.js';
import { SyslogFramer } from './tcp-framing.js';

export interface SyslogReceiverOptions {
  iface: string;
  /** The NIC's IPv4 address (the TCP listener binds it; installers are told to send to it). */
  address: string;
  /** UDP and TCP port; default 514. */
  port?: number;
  bus: EventBus;
  onMessage: (fromIp: string, record: SyslogRecord) => void;
  /** Also listen on TCP (default true). */
  tcp?: boolean;
  openSocket?: (port: number) => Promise<UdpSocket>;
  /** Concurrent TCP senders at most (an installer keeps one connection). */
  maxConnections?: number;
  /** A TCP sender silent this long is disconnected (ms). */
  idleMs?: number;
}

export interface SyslogReceiver {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ServiceStatus;
}

type Counter = 'received' | 'malformed' | 'truncated' | 'tcpConnections' | 'refused';

export function createSyslogReceiver(opts: SyslogReceiverOptions): SyslogReceiver {
  return new Receiver(opts);
}

class Receiver implements SyslogReceiver {
  private udp: UdpSocket | null = null;
  private tcp: net.Server | null = null;
  private readonly connections = new Set<net.Socket>();
  private failure: string | null = null;
  private readonly counters: Record<Counter, number> = { received: 0, malformed: 0, truncated: 0, tcpConnections: 0, refused: 0 };
  private readonly malformed: DropReporter;
  private readonly port: number;

  constructor(private readonly opts: SyslogReceiverOptions) {
    this.port = opts.port ?? 514;
    this.malformed = new DropReporter(opts.bus, 'syslog', 'debug', 'syslog.malformed');
  }

  async start(): Promise<void> {
    try {
      const open =
        this.opts.openSocket ?? ((port: number) => openBoundUdpSocket({ iface: this.opts.iface, port, address: this.opts.address }));
      const udp = await open(this.port);
      // An installer logs in bursts (package lists, udev): a bigger receive queue than the
      // default ~200 KB keeps them from being dropped. The kernel caps it at net.core.rmem_max.
      try {
        udp.setRecvBufferSize(4 * 1024 * 1024);
      } catch {
        // not fatal: the default queue
      }
      udp.on('message', (buf, rinfo) => this.deliver(rinfo.address, buf));
      udp.on('error', (e) => this.opts.bus.log('syslog', 'error', 'syslog.socket', `syslog socket error: ${e.message}`));
      this.udp = udp;
      if (this.opts.tcp ?? true) this.tcp = await this.listenTcp(udp.address().port);
      this.failure = null;
    } catch (e) {
      this.udp?.close();
      this.udp = null;
      this.failure = (e as Error).message;
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.udp?.close();
    this.udp = null;
    for (const c of this.connections) c.destroy();
    const server = this.tcp;
    this.tcp = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  status(): ServiceStatus {
    return {
      name: 'syslog',
      state: this.udp ? 'up' : this.failure ? 'failed' : 'stopped',
      address: `${this.opts.address}:${this.udp?.address().port ?? this.port}`,
      error: this.failure,
      counters: { ...this.counters, tcpOpen: this.connections.size },
    };
  }

  private deliver(from: string, bytes: Buffer): void {
    const record = parseSyslog(bytes);
    this.counters.received += 1;
    if (record.truncated) this.counters.truncated += 1;
    if (record.malformed) {
      this.counters.malformed += 1;
      this.malformed.drop(from, 'no <PRI> header');
    }
    try {
      this.opts.onMessage(from, record);
    } catch (e) {
      this.opts.bus.log('syslog', 'error', 'syslog.handler', `syslog line from ${from} could not be handled: ${(e as Error).message}`);
    }
  }

  /** TCP on the NIC's own address: the same port as UDP (so port 0 in tests gives one number). */
  private listenTcp(port: number): Promise<net.Server> {
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = this.opts.maxConnections ?? 256;
    server.on('drop', () => (this.counters.refused += 1));
    return new Promise((resolve, reject) => {
      server.once('error', (e) => {
        const code = errnoCode(e);
        const ctx = { port, proto: 'tcp', iface: this.opts.iface };
        if (code === 'EADDRINUSE') reject(new BootbenchError('PORT_IN_USE', ctx, { cause: e }));
        else if (code === 'EACCES' || code === 'EPERM') reject(new BootbenchError('BIND_DENIED', ctx, { cause: e }));
        else reject(e);
      });
      server.listen({ port, host: this.opts.address, exclusive: true }, () => {
        server.removeAllListeners('error');
        server.on('error', (e) => this.opts.bus.log('syslog', 'error', 'syslog.socket', `syslog TCP error: ${e.message}`));
        resolve(server);
      });
    });
  }

  private accept(socket: net.Socket): void {
    const from = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.counters.tcpConnections += 1;
    this.connections.add(socket);
    const framer = new SyslogFramer(MAX_SYSLOG_BYTES + 1); // one byte over, so the parser marks a cut frame truncated
    socket.setTimeout(this.opts.idleMs ?? 15 * 60_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      for (const frame of framer.push(chunk)) this.deliver(from, frame);
    });
    socket.on('end', () => {
      const last = framer.end();
      if (last) this.deliver(from, last);
    });
    socket.on('error', () => undefined); // a reset by the installer's reboot is normal
    socket.on('close', () => this.connections.delete(socket));
  }
}
