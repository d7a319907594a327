// The DHCP/BOOTP message as the codec decodes and encodes it (RFC 2131 §2, RFC 2132).
// Options are kept as raw bytes in the order they arrived; typed accessors live in options.ts.
// Unknown options are carried through untouched, never an error.

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;
export const BROADCAST_FLAG = 0x8000;

export interface DhcpMessage {
  op: number; // 1 request, 2 reply
  htype: number; // 1 = Ethernet
  hlen: number; // 6 for Ethernet
  hops: number;
  xid: number; // uint32
  secs: number;
  flags: number; // bit 15 = BROADCAST
  ciaddr: string; // dotted quad; '0.0.0.0' when empty
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  chaddr: Buffer; // 16 bytes as on the wire; the MAC is the first hlen bytes
  sname: string; // NUL-terminated on the wire, up to 64 bytes (unless overloaded, option 52)
  file: string; // up to 128 bytes (unless overloaded)
  /** Options in arrival order. Repeated instances of one code are concatenated (RFC 3396). */
  options: Map<number, Buffer>;
}

/** Option codes used by Bootbench (RFC 2132, 3004, 4578, 4702; PXE spec). */
export const Opt = {
  Pad: 0,
  SubnetMask: 1,
  Router: 3,
  DnsServers: 6,
  Hostname: 12,
  DomainName: 15,
  InterfaceMtu: 26,
  BroadcastAddress: 28,
  VendorSpecific: 43,
  RequestedIp: 50,
  LeaseTime: 51,
  Overload: 52,
  MessageType: 53,
  ServerId: 54,
  ParameterList: 55,
  Message: 56,
  MaxMessageSize: 57,
  RenewalTime: 58,
  RebindingTime: 59,
  VendorClass: 60,
  ClientId: 61,
  TftpServerName: 66,
  BootfileName: 67,
  UserClass: 77,
  ClientFqdn: 81,
  RelayAgentInfo: 82,
  ClientArch: 93, // RFC 4578 client system architecture
  ClientNdi: 94, // RFC 4578 network device interface
  ClientUuid: 97, // RFC 4578 client machine identifier
  IpxeEncap: 175,
  End: 255,
} as const;

export const MessageType = {
  Discover: 1,
  Offer: 2,
  Request: 3,
  Decline: 4,
  Ack: 5,
  Nak: 6,
  Release: 7,
  Inform: 8,
} as const;
export type MessageTypeCode = (typeof MessageType)[keyof typeof MessageType];

export type DecodeResult = { ok: true; message: DhcpMessage } | { ok: false; error: string };

export const ZERO_IP = '0.0.0.0';
