// The boot-chain settings: the global one, stored in the data folder (boot-chain.json; `serve
// --chain` sets it at start, and is stored), and each host's own, kept in its host record. Setting
// either updates the chain of the hosts it concerns (chain-choice.ts says how), so that the UI and
// `bootbench hosts` show what each host's next UEFI boot gets.
import { join } from 'node:path';
import { isChainSetting, type BootChain, type ChainSetting, type Host } from '../../shared/contract.js';
import type { EventBus } from '../events.js';
import type { HostRegistry } from '../hosts/registry.js';
import { readJsonFile, writeJsonAtomic } from '../store/atomic.js';
import { dataFiles } from '../store/data-dir.js';
import { afterGlobalSetting, afterHostSetting, chainOf, reconciled, settingOf, startingChain } from './chain-choice.js';

interface ChainFile {
  version: 1;
  chain: ChainSetting;
}

export class ChainSettings {
  /** The stored setting `serve --chain` replaced at this start, until reconcile() has moved the hosts. */
  private replaced: ChainSetting | null = null;

  private constructor(
    private readonly path: string,
    private readonly bus: EventBus,
    private current: ChainSetting,
  ) {}

  /** Reads the stored global setting (default `auto`); `flag` (serve --chain) wins and is stored. */
  static async open(dataDir: string, bus: EventBus, flag?: ChainSetting): Promise<ChainSettings> {
    const path = join(dataDir, dataFiles.bootChain);
    const file = await readJsonFile<Partial<ChainFile>>(path, {});
    const stored = isChainSetting(file.chain) ? file.chain : 'auto';
    const settings = new ChainSettings(path, bus, stored);
    if (flag && flag !== stored) {
      settings.current = flag;
      settings.replaced = stored;
      await settings.save();
    }
    return settings;
  }

  get global(): ChainSetting {
    return this.current;
  }

  /** The chain a host seen for the first time starts on. */
  chainOfNewHost(): BootChain {
    return startingChain(this.current);
  }

  /** The setting in force for a host, and its chain. */
  settingOf(host: Host | undefined): ChainSetting {
    return settingOf(host, this.current);
  }

  chainOf(host: Host | undefined): BootChain {
    return chainOf(host, this.current);
  }

  /**
   * At start: the hosts that follow the global setting start afresh when `serve --chain` changed it
   * (as a change through the API does), and any chain that contradicts its explicit setting is made true.
   */
  reconcile(hosts: HostRegistry): void {
    const before = this.replaced;
    this.replaced = null;
    for (const host of hosts.list()) {
      const fix = (before ? afterGlobalSetting(host, before, this.current) : null) ?? reconciled(host, this.current);
      if (fix) hosts.setChain(host.mac, fix);
    }
  }

  /** Sets and stores the global setting; every host that follows it starts afresh on it. */
  async setGlobal(hosts: HostRegistry, setting: ChainSetting): Promise<void> {
    const before = this.current;
    if (before === setting) return;
    this.current = setting;
    await this.save();
    for (const host of hosts.list()) {
      const update = afterGlobalSetting(host, before, setting);
      if (update) hosts.setChain(host.mac, update);
    }
    this.bus.log('core', 'info', 'boot.chain-setting', `UEFI boot chain: ${setting} (was ${before}) for every host without its own`, {
      data: { chain: setting, was: before },
    });
  }

  /** Sets a host's own setting (null: it follows the global one). */
  setHost(hosts: HostRegistry, mac: string, setting: ChainSetting | null): Host {
    const host = hosts.setChain(mac, {}); // throws HOST_NOT_FOUND
    const update = afterHostSetting(host, setting, this.current);
    const next = hosts.setChain(mac, { chainOverride: setting, ...(update ?? {}) });
    this.bus.log(
      'core',
      'info',
      'boot.chain-setting',
      setting === null
        ? `UEFI boot chain: the global setting (${this.current}), next boot gets ${next.chain}`
        : `UEFI boot chain: ${setting} for this host, next boot gets ${next.chain}`,
      { mac, data: { chain: setting, next: next.chain } },
    );
    return next;
  }

  private save(): Promise<void> {
    return writeJsonAtomic(this.path, { version: 1, chain: this.current } satisfies ChainFile);
  }
}
