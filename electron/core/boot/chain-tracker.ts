// `auto` at work while an interface is served: it follows each host's DHCP requests (handed in by
// the composition as the DHCP server records them, before the boot file is chosen, so that the very
// request that shows the refusal gets the signed chain) and its completed TFTP and HTTP fetches (from
// the event bus), steps chain-auto.ts, and applies what it decides: Host.chain and chainReason, a
// line on the host's timeline, and a failed host when both chains were refused.
import type { Arch, BootChain, ChainSetting, Firmware, Host } from '../../shared/contract.js';
import type { EventBus } from '../events.js';
import type { HostRegistry } from '../hosts/registry.js';
import { chainOfPhase, initialAutoState, stepAuto, type AutoInput, type AutoState } from './chain-auto.js';
import { chainFetchOf } from './chain-files.js';

/** What the DHCP server learnt of a netboot client (dhcp/pxe.ts ClientInfo has it). */
export interface DhcpSighting {
  mac: string;
  ipxe: boolean;
  firmware: Firmware;
  arch: Arch;
}

export interface ChainTrackerOptions {
  hosts: HostRegistry;
  bus: EventBus;
  /** The setting in force for a host (its own, else the global one). */
  settingOf: (host: Host | undefined) => ChainSetting;
  /** Both chains were refused: fail the host (or its install under way) with this message. */
  fail: (mac: string, message: string) => void;
  clock?: () => Date;
}

export interface ChainTracker {
  /** A DHCP DISCOVER or REQUEST from a netboot client, after the registry recorded it. */
  sawDhcp(client: DhcpSighting): void;
  /** The chain this client's UEFI boot gets now. */
  chainFor(client: { mac: string }): BootChain;
  stop(): void;
}

export function createChainTracker(opts: ChainTrackerOptions): ChainTracker {
  const clock = opts.clock ?? (() => new Date());
  const states = new Map<string, AutoState>();

  /** The host's state, made again from its record when the record moved on without `auto` (a new setting). */
  const stateOf = (host: Host): AutoState => {
    const known = states.get(host.mac);
    if (known && chainOfPhase(known.phase) === host.chain) return known;
    const failed = host.chain === 'signed' && host.state === 'failed' && host.failureCode === 'boot-refused';
    return initialAutoState(host.chain, failed, host.chainReason ?? null);
  };

  const feed = (mac: string, input: AutoInput): void => {
    const host = opts.hosts.get(mac);
    if (!host || opts.settingOf(host) !== 'auto') {
      states.delete(mac);
      return;
    }
    const { state, action } = stepAuto(stateOf(host), input, clock());
    states.set(mac, state);
    if (!action) return;
    switch (action.kind) {
      case 'switch':
        opts.hosts.setChain(mac, { chain: 'signed', chainReason: action.reason });
        opts.bus.log('core', action.level ?? 'warn', 'boot.chain-switched', action.message, {
          mac,
          data: { chain: 'signed', was: 'ipxe' },
        });
        return;
      case 'fail':
        opts.bus.log('core', 'error', 'boot.chain-refused', action.message, { mac, data: { chain: 'signed' } });
        opts.fail(mac, action.message);
        return;
    }
  };

  const unsubscribe = opts.bus.subscribe((event) => {
    if (event.type !== 'log') return;
    const fetch = chainFetchOf(event);
    if (fetch) feed(fetch.mac, { kind: 'fetched', file: fetch.file, name: fetch.name });
  });

  return {
    sawDhcp(client) {
      feed(client.mac, client.ipxe ? { kind: 'ipxe-dhcp' } : { kind: 'pxe-dhcp', firmware: client.firmware, arch: client.arch });
    },
    chainFor(client) {
      const host = opts.hosts.get(client.mac);
      const setting = opts.settingOf(host);
      return setting === 'auto' ? (host?.chain ?? 'ipxe') : setting;
    },
    stop: unsubscribe,
  };
}
