// What `bootbench serve` (and the desktop app) is started with: the interface and the choices that
// shape the services on it.
import type { ChainSetting, DhcpMode, NewHostPolicy } from '../shared/contract.js';
import type { IpmitoolOptions } from './power/ipmitool.js';
import type { Reservation } from './dhcp/leases.js';
import type { StageTimeouts } from './install/limits.js';

export interface ServeOptions {
  /** The interface to serve on; absent: start in setup, the UI picks it. */
  iface?: string;
  mode: DhcpMode;
  pool?: string;
  dataDir: string;
  httpPort: number;
  uiPort: number;
  force: boolean;
  reservations?: Reservation[];
  leaseTimeSec?: number;
  /** Options 3, 6 and 15: none by default (an isolated lab switch has no router and no DNS). */
  router?: string | null;
  dns?: string[];
  domain?: string | null;
  /** Run the ICMP address-conflict probe before offering (default on). */
  conflictProbe?: boolean;
  /** How long to listen for another DHCP server before serving. */
  foreignWaitMs?: number;
  uiRoot?: string;
  /** UDP/TCP port of the syslog receiver (default 514). */
  syslogPort?: number;
  /** Answer DNS for the lab on the NIC address in DHCP mode (default on, unless --dns is given). */
  dnsResponder?: boolean;
  /** Send IPv6 router advertisements that end iPXE's router-discovery wait (default on). */
  routerAdvert?: boolean;
  /** The global UEFI boot chain (`serve --chain`): set and stored at start; absent: the stored one. */
  chain?: ChainSetting;
  /** What a machine seen for the first time does (`serve --new-hosts`): set and stored at start; absent: the stored one. */
  newHosts?: NewHostPolicy;
  /** Emulate a vendor BIOS PXE ROM on QEMU's iPXE ROM (tests; see ipxe-script.ts). */
  biosChain?: boolean;
  /** Debian netboot images root (tests). */
  debianImages?: string;
  /** Stage timeouts of installs, ms (the rest keep their defaults). */
  installTimeouts?: StageTimeouts;
  /** Power control: how ipmitool is run, and how long one attempt of a power action may take (ms). */
  power?: { ipmitool?: IpmitoolOptions; attemptTimeoutMs?: number };
}
