// The DHCP and proxyDHCP transport: sockets pinned to the chosen interface, decode, decide, send.
// It knows no install or ISO policy: what a PXE client boots comes from the injected `bootPolicy`,
// and what it learns of clients goes to `onClient` (the host registry, wired in app.ts).
import type { Socket, RemoteInfo } from 'node:dgram';
import { DropReporter, type EventBus } from '../events.js';
import type { ServiceStatus } from '../../shared/contract.js';
import { decodeDhcp, encodeDhcp } from './codec.js';
import { MessageType, ZERO_IP, type DhcpMessage } from './message.js';
import { hostname as hostnameOf, messageType, requestedIp as requestedIpOf, serverId as serverIdOf } from './options.js';
import { classifyClient, type ClientInfo } from './pxe.js';
import { buildProxyReply, buildReply, replyDestination, type BootAnswer, type NetworkParams } from './reply.js';
import type { LeaseTable } from './leases.js';
import type { LeaseStore } from './lease-store.js';
import type { ConflictGuard } from './conflict.js';

export type BootPolicy = (client: ClientInfo) => BootAnswer | null;

export interface DhcpServerOptions {
  mode: 'dhcp' | 'proxy';
  iface: string;
  net: NetworkParams;
  bus: EventBus;
  bootPolicy: BootPolicy;
  onClient: (client: ClientInfo, ip: string | null) => void;
  /** The interface's own MAC: our own foreign-DHCP probe is not a client. */
  ownMac?: string | null;
  /** Opens a UDP socket pinned to the interface (net/bound-socket.ts in production). */
  openSocket: (port: number) => Promise<Socket>;
  /** Full DHCP mode only. */
  leases?: { table: LeaseTable; store: LeaseStore; guard: ConflictGuard | null };
  /** 67 and 4011 normally; tests may move them. */
  ports?: { dhcp: number; proxy: number };
}

type Counter =
  'received' | 'dropped' | 'offers' | 'acks' | 'naks' | 'declines' | 'releases' | 'informs' | 'conflicts' | 'proxyOffers' | 'proxyAcks';

export class DhcpServer {
  private sockets: { dhcp?: Socket; proxy?: Socket } = {};
  readonly counters: Record<Counter, number> = {
    received: 0,
    dropped: 0,
    offers: 0,
    acks: 0,
    naks: 0,
    declines: 0,
    releases: 0,
    informs: 0,
    conflicts: 0,
    proxyOffers: 0,
    proxyAcks: 0,
  };
  private readonly dropped: DropReporter;

  constructor(private readonly options: DhcpServerOptions) {
    this.dropped = new DropReporter(options.bus, 'dhcp', 'warn', 'dhcp.dropped');
  }

  async start(): Promise<void> {
    const ports = this.options.ports ?? { dhcp: 67, proxy: 4011 };
    const dhcp = await this.options.openSocket(ports.dhcp);
    this.sockets.dhcp = dhcp;
    dhcp.on('message', (buf, rinfo) => this.onMessage(buf, rinfo, 'dhcp'));
    dhcp.on('error', (e) => this.options.bus.log('dhcp', 'error', 'dhcp.socket', `DHCP socket error: ${e.message}`));
    try {
      const proxy = await this.options.openSocket(ports.proxy);
      this.sockets.proxy = proxy;
      proxy.on('message', (buf, rinfo) => this.onMessage(buf, rinfo, 'proxy'));
      proxy.on('error', (e) => this.options.bus.log('dhcp', 'error', 'dhcp.socket', `PXE (4011) socket error: ${e.message}`));
    } catch (e) {
      dhcp.close();
      throw e;
    }
  }

  async stop(): Promise<void> {
    for (const socket of Object.values(this.sockets)) socket?.close();
    this.sockets = {};
  }

  status(): ServiceStatus[] {
    const { serverIp } = this.options.net;
    const ports = this.options.ports ?? { dhcp: 67, proxy: 4011 };
    return [
      {
        name: this.options.mode === 'dhcp' ? 'dhcp' : 'proxydhcp',
        state: this.sockets.dhcp ? 'up' : 'stopped',
        address: `${serverIp}:${ports.dhcp}`,
        error: null,
        counters: { ...this.counters },
      },
    ];
  }

  private onMessage(buf: Buffer, rinfo: RemoteInfo, socket: 'dhcp' | 'proxy'): void {
    this.counters.received += 1;
    const decoded = decodeDhcp(buf);
    if (!decoded.ok) return this.drop(rinfo, decoded.error);
    const req = decoded.message;
    if (req.op !== 1) return; // a reply from another server, or our own broadcast looped back
    if (req.hlen !== 6 || req.htype !== 1) return this.drop(rinfo, `hardware type ${req.htype}/${req.hlen} is not Ethernet`);
    const type = messageType(req);
    if (type === null) return this.drop(rinfo, 'no DHCP message type (plain BOOTP is not served)');
    this.handle(req, type, rinfo, socket).catch((e: unknown) => {
      this.options.bus.log(
        'dhcp',
        'error',
        'dhcp.error',
        `failed to answer ${describeType(type)} from ${rinfo.address}: ${(e as Error).message}`,
      );
    });
  }

  private async handle(req: DhcpMessage, type: number, rinfo: RemoteInfo, socket: 'dhcp' | 'proxy'): Promise<void> {
    const client = classifyClient(req);
    if (client.mac === this.options.ownMac) return;
    const isNetboot = client.kind !== 'plain';
    if (isNetboot && (type === MessageType.Discover || type === MessageType.Request))
      this.options.onClient(client, this.addressSeen(req, type, rinfo, socket));
    const boot = isNetboot ? this.options.bootPolicy(client) : null;

    if (socket === 'proxy') return this.answerPort4011(req, type, rinfo, client, boot);
    if (this.options.mode === 'proxy') {
      if (type === MessageType.Discover && boot) {
        this.counters.proxyOffers += 1;
        this.log('info', 'dhcp.proxy-offer', client, `proxy offer to ${client.mac} (${client.firmware}): ${boot.file}`);
        return this.send(buildProxyReply(req, 'offer', this.options.net.serverIp, boot), replyDestination(req, 'offer'));
      }
      return; // addresses come from the network's own DHCP server
    }
    const leases = this.options.leases;
    if (!leases) return;
    switch (type) {
      case MessageType.Discover:
        return this.offer(req, client, boot, leases);
      case MessageType.Request:
        return this.request(req, client, boot, leases);
      case MessageType.Decline: {
        const ip = requestedIpOf(req);
        if (ip && leases.table.holds(client.mac, ip)) {
          leases.table.block(ip);
          this.counters.declines += 1;
          this.log('warn', 'dhcp.decline', client, `${client.mac} declined ${ip}: another machine uses it; it is set aside for 10 minutes`);
        }
        return;
      }
      case MessageType.Release: {
        const record = leases.table.release(client.mac, req.ciaddr);
        if (record) {
          this.counters.releases += 1;
          await leases.store.append(record);
          this.log('info', 'dhcp.release', client, `${client.mac} released ${req.ciaddr}`);
        }
        return;
      }
      case MessageType.Inform: {
        if (req.ciaddr === ZERO_IP) return;
        this.counters.informs += 1;
        return this.send(buildReply(req, 'ack', { net: this.options.net, boot, inform: true }), replyDestination(req, 'ack'));
      }
      default:
        return;
    }
  }

  private async offer(
    req: DhcpMessage,
    client: ClientInfo,
    boot: BootAnswer | null,
    leases: NonNullable<DhcpServerOptions['leases']>,
  ): Promise<void> {
    if (!this.servesRelay(req)) return;
    const wanted = requestedIpOf(req);
    const { table, guard } = leases;
    for (let attempt = 0; attempt < 8; attempt += 1) {
      // Its reservation, its lease, or the address it asks for; else an address the conflict
      // guard already probed silent (no wait); else the next free one, probed now.
      const preferred = table.preferredFor(client.mac, attempt === 0 ? wanted : null);
      if (preferred.kind === 'reservation-unusable') {
        this.log(
          'warn',
          'dhcp.reservation-unusable',
          client,
          `no offer to ${client.mac}: its reserved address ${preferred.ip} is held by another client or in use`,
          { ip: preferred.ip },
        );
        return;
      }
      let ip = preferred.kind === 'address' ? preferred.ip : null;
      let probed = false;
      if (ip === null && guard) {
        ip = guard.takeReady();
        probed = ip !== null;
      }
      ip ??= table.candidateFor(client.mac, null);
      if (!ip) {
        this.log('warn', 'dhcp.pool-exhausted', client, `no free address for ${client.mac}: the pool is exhausted`);
        return;
      }
      // A bound lease is the client's own address: it needs no probe (and would answer one).
      const own = table.leaseOf(client.mac)?.ip === ip;
      table.hold(client.mac, ip);
      if (!own && !probed && guard && !(await guard.isFree(ip))) {
        this.counters.conflicts += 1; // the guard's onConflict reports it
        continue;
      }
      this.counters.offers += 1;
      this.log('info', 'dhcp.offer', client, `offer ${ip} to ${client.mac}${boot ? ` (${client.firmware}, boot ${boot.file})` : ''}`, {
        ip,
      });
      return this.send(
        buildReply(req, 'offer', { net: this.options.net, yiaddr: ip, leaseTimeSec: leases.table.leaseTimeSec, boot }),
        replyDestination(req, 'offer'),
      );
    }
  }

  private async request(
    req: DhcpMessage,
    client: ClientInfo,
    boot: BootAnswer | null,
    leases: NonNullable<DhcpServerOptions['leases']>,
  ): Promise<void> {
    if (!this.servesRelay(req)) return;
    const serverId = serverIdOf(req);
    const selecting = serverId !== null;
    if (selecting && serverId !== this.options.net.serverIp) return; // the client chose another server's offer
    const ip = selecting ? requestedIpOf(req) : (requestedIpOf(req) ?? (req.ciaddr !== ZERO_IP ? req.ciaddr : null));
    if (!ip) return this.nak(req, client, 'no address requested');
    if (!leases.table.inSubnet(ip)) return this.nak(req, client, `${ip} is not on this network`);
    const decision = leases.table.ack(client.mac, ip, hostnameOf(req));
    if (!decision.ok) return this.nak(req, client, decision.reason);
    await leases.store.append(decision.lease); // on disk before the client is told
    this.counters.acks += 1;
    if (client.kind !== 'plain') this.options.onClient(client, ip);
    this.log('info', 'dhcp.ack', client, `ack ${ip} to ${client.mac}${boot ? ` (${client.firmware}, boot ${boot.file})` : ''}`, { ip });
    return this.send(
      buildReply(req, 'ack', { net: this.options.net, yiaddr: ip, leaseTimeSec: leases.table.leaseTimeSec, boot }),
      replyDestination(req, 'ack'),
    );
  }

  private nak(req: DhcpMessage, client: ClientInfo, reason: string): Promise<void> {
    this.counters.naks += 1;
    this.log('info', 'dhcp.nak', client, `nak to ${client.mac}: ${reason}`);
    return this.send(buildReply(req, 'nak', { net: this.options.net, message: reason }), replyDestination(req, 'nak'));
  }

  /** Port 4011 (PXE spec): a PXE client asks the boot server directly, from its leased address. */
  private answerPort4011(req: DhcpMessage, type: number, rinfo: RemoteInfo, client: ClientInfo, boot: BootAnswer | null): Promise<void> {
    if (!boot || (type !== MessageType.Request && type !== MessageType.Discover && type !== MessageType.Inform)) return Promise.resolve();
    this.counters.proxyAcks += 1;
    this.log('info', 'dhcp.pxe-ack', client, `PXE boot server (4011) answer to ${client.mac} at ${rinfo.address}: ${boot.file}`);
    return this.send(buildProxyReply(req, 'ack', this.options.net.serverIp, boot), { address: rinfo.address, port: rinfo.port }, 'proxy');
  }

  /**
   * The client's address where a request shows it before any ACK of ours: in proxy mode none of our
   * ACKs ever does, and TFTP and HTTP name a host by its address. A port-4011 request comes from its
   * leased address; a REQUEST on port 67 asks the network's server for the address it will use.
   */
  private addressSeen(req: DhcpMessage, type: number, rinfo: RemoteInfo, socket: 'dhcp' | 'proxy'): string | null {
    if (socket === 'proxy') return rinfo.address !== ZERO_IP ? rinfo.address : null;
    if (this.options.mode === 'proxy' && type === MessageType.Request)
      return requestedIpOf(req) ?? (req.ciaddr !== ZERO_IP ? req.ciaddr : null);
    return null;
  }

  /** Relayed requests are answered when the relay sits on our own subnet. */
  private servesRelay(req: DhcpMessage): boolean {
    if (req.giaddr === ZERO_IP) return true;
    const ok = this.options.leases?.table.inSubnet(req.giaddr) ?? false;
    if (!ok)
      this.options.bus.log('dhcp', 'debug', 'dhcp.relay-ignored', `relayed request via ${req.giaddr} ignored: no pool for that subnet`);
    return ok;
  }

  private send(reply: DhcpMessage, to: { address: string; port: number }, via: 'dhcp' | 'proxy' = 'dhcp'): Promise<void> {
    const socket = this.sockets[via];
    if (!socket) return Promise.resolve();
    const bytes = encodeDhcp(reply);
    return new Promise((resolve) => {
      socket.send(bytes, to.port, to.address, (err) => {
        if (err) this.options.bus.log('dhcp', 'error', 'dhcp.send', `could not send to ${to.address}:${to.port}: ${err.message}`);
        resolve();
      });
    });
  }

  private drop(rinfo: RemoteInfo, reason: string): void {
    this.counters.dropped += 1;
    this.dropped.drop(`${rinfo.address}:${rinfo.port}`, reason);
  }

  private log(level: 'info' | 'warn', kind: string, client: ClientInfo, message: string, data?: Record<string, unknown>): void {
    this.options.bus.log('dhcp', level, kind, message, { mac: client.mac, ...(data ? { data } : {}) });
  }
}

function describeType(type: number): string {
  const name = Object.entries(MessageType).find(([, v]) => v === type)?.[0];
  return name ? name.toUpperCase() : `type ${type}`;
}
