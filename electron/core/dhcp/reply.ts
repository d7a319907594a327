// Building replies and choosing where they go: pure functions from a request and a decision to
// the reply message and its destination (RFC 2131 §4.1, §4.3; PXE spec for proxy offers).
import { BOOTREPLY, BROADCAST_FLAG, MessageType, Opt, ZERO_IP, type DhcpMessage } from './message.js';
import { ipListOption, ipOption, pxeVendorOptions, stringOption, u32Option, u8Option } from './options.js';

/** What the network looks like, for the options every reply carries. */
export interface NetworkParams {
  serverIp: string;
  subnetMask: string;
  broadcast: string;
  router: string | null;
  dns: string[];
  domain: string | null;
}

/** What a boot policy decided this client should boot. */
export interface BootAnswer {
  /** A TFTP file name ("undionly.kpxe") or an HTTP URL (for iPXE and UEFI HTTP clients). */
  file: string;
  /** Next server: where the TFTP file lives (BOOTP siaddr and option 66). */
  nextServer: string;
  /** Answer as a PXE server: option 60 "PXEClient" (or "HTTPClient"), 43, echo 97. */
  vendorClass: 'PXEClient' | 'HTTPClient' | null;
}

export type ReplyKind = 'offer' | 'ack' | 'nak';

const typeCode = { offer: MessageType.Offer, ack: MessageType.Ack, nak: MessageType.Nak } as const;

/** A copy of the request's header, turned into a reply. */
function replyHeader(req: DhcpMessage): DhcpMessage {
  return {
    op: BOOTREPLY,
    htype: req.htype,
    hlen: req.hlen,
    hops: 0,
    xid: req.xid,
    secs: 0,
    flags: req.flags,
    ciaddr: ZERO_IP,
    yiaddr: ZERO_IP,
    siaddr: ZERO_IP,
    giaddr: req.giaddr,
    chaddr: req.chaddr,
    sname: '',
    file: '',
    options: new Map(),
  };
}

function addBoot(reply: DhcpMessage, req: DhcpMessage, boot: BootAnswer): void {
  reply.siaddr = boot.nextServer;
  // Fill both the BOOTP fields and options 66/67: older PXE ROMs read only the former, some
  // UEFI stacks only the latter.
  if (Buffer.byteLength(boot.file) < 128) reply.file = boot.file;
  reply.options.set(Opt.TftpServerName, stringOption(boot.nextServer));
  reply.options.set(Opt.BootfileName, stringOption(boot.file));
  if (boot.vendorClass) {
    reply.options.set(Opt.VendorClass, stringOption(boot.vendorClass));
    // PXE spec: discovery control 8 = "use the boot file in this offer, no boot server discovery".
    if (boot.vendorClass === 'PXEClient') reply.options.set(Opt.VendorSpecific, pxeVendorOptions());
    const uuid = req.options.get(Opt.ClientUuid);
    if (uuid) reply.options.set(Opt.ClientUuid, uuid); // PXE clients drop offers that do not echo it
  }
}

/** An OFFER, ACK or NAK from the full DHCP server. */
export function buildReply(
  req: DhcpMessage,
  kind: ReplyKind,
  params: { net: NetworkParams; yiaddr?: string; leaseTimeSec?: number; boot?: BootAnswer | null; message?: string; inform?: boolean },
): DhcpMessage {
  const reply = replyHeader(req);
  const { net } = params;
  reply.options.set(Opt.MessageType, u8Option(typeCode[kind]));
  reply.options.set(Opt.ServerId, ipOption(net.serverIp));
  if (kind === 'nak') {
    reply.flags |= BROADCAST_FLAG;
    if (params.message) reply.options.set(Opt.Message, stringOption(params.message));
    return reply;
  }
  if (params.inform) {
    reply.ciaddr = req.ciaddr; // RFC 2131 §4.3.5: no lease, no yiaddr
  } else {
    reply.yiaddr = params.yiaddr ?? ZERO_IP;
    const lease = params.leaseTimeSec ?? 3600;
    reply.options.set(Opt.LeaseTime, u32Option(lease));
    reply.options.set(Opt.RenewalTime, u32Option(Math.floor(lease / 2)));
    reply.options.set(Opt.RebindingTime, u32Option(Math.floor((lease * 7) / 8)));
  }
  reply.options.set(Opt.SubnetMask, ipOption(net.subnetMask));
  if (net.router) reply.options.set(Opt.Router, ipOption(net.router));
  if (net.dns.length > 0) reply.options.set(Opt.DnsServers, ipListOption(net.dns));
  if (net.domain) reply.options.set(Opt.DomainName, stringOption(net.domain));
  reply.options.set(Opt.BroadcastAddress, ipOption(net.broadcast));
  if (params.boot) addBoot(reply, req, params.boot);
  return reply;
}

/**
 * A proxyDHCP reply (PXE spec §2.2.5): no address, only the boot information, beside the
 * network's own DHCP server. An OFFER on port 67, an ACK on port 4011.
 */
export function buildProxyReply(req: DhcpMessage, kind: 'offer' | 'ack', serverIp: string, boot: BootAnswer): DhcpMessage {
  const reply = replyHeader(req);
  reply.options.set(Opt.MessageType, u8Option(typeCode[kind]));
  reply.options.set(Opt.ServerId, ipOption(serverIp));
  if (kind === 'ack') reply.ciaddr = req.ciaddr;
  addBoot(reply, req, { ...boot, vendorClass: boot.vendorClass ?? 'PXEClient' });
  return reply;
}

export interface Destination {
  address: string;
  port: number;
}

/**
 * Where a reply goes (RFC 2131 §4.1): to the relay when there is one; to the client's address
 * when it has one (RENEW, INFORM); else broadcast. Unicast to a client that has no address yet
 * would need an ARP entry written by hand (what dnsmasq does with SIOCSARP); every PXE ROM and
 * DHCP client accepts a broadcast reply, so Bootbench broadcasts instead.
 */
export function replyDestination(req: DhcpMessage, kind: ReplyKind): Destination {
  if (req.giaddr !== ZERO_IP) return { address: req.giaddr, port: 67 };
  if (kind !== 'nak' && req.ciaddr !== ZERO_IP) return { address: req.ciaddr, port: 68 };
  return { address: '255.255.255.255', port: 68 };
}
