// One timeline per host, persisted: every log event about a MAC (DHCP, TFTP, HTTP, syslog, the
// installer's reports) appended to timeline/<mac>.jsonl in the data folder, in order, so that a
// restart or a later `bootbench logs MAC` still shows how an install went. Bounded: past
// `maxLines` a file is rewritten with its newest half. Writes are batched (one append per host
// per flush) so that a burst of syslog lines costs a few system calls.
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreEvent, LogEvent } from '../../shared/contract.js';
import type { EventBus } from '../events.js';

export interface TimelineOptions {
  maxLines?: number;
  flushMs?: number;
}

export class TimelineStore {
  private readonly dir: string;
  private readonly pending = new Map<string, string[]>();
  private readonly lineCounts = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly maxLines: number;
  private readonly flushMs: number;
  private unsubscribe: (() => void) | null = null;

  constructor(
    dataDir: string,
    private readonly bus: EventBus,
    options: TimelineOptions = {},
  ) {
    this.dir = join(dataDir, 'timeline');
    this.maxLines = options.maxLines ?? 20_000;
    this.flushMs = options.flushMs ?? 250;
  }

  start(): void {
    this.unsubscribe = this.bus.subscribe((event) => this.record(event));
  }

  private record(event: CoreEvent): void {
    // A waiting host's poll every few seconds (debug) would push an install's history out; an
    // installer's own debug lines (syslog) are its history and stay.
    if (event.type !== 'log' || !event.mac || (event.level === 'debug' && event.source !== 'syslog')) return;
    const key = fileKey(event.mac);
    let lines = this.pending.get(key);
    if (!lines) this.pending.set(key, (lines = []));
    lines.push(JSON.stringify(event));
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what is pending; resolves when it is on disk. */
  flush(): Promise<void> {
    const batch = [...this.pending.entries()];
    this.pending.clear();
    this.writing = this.writing.then(async () => {
      if (batch.length === 0) return;
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      for (const [key, lines] of batch) {
        try {
          await this.append(key, lines);
        } catch (e) {
          this.bus.log('core', 'error', 'store.write', `could not write the timeline of ${key}: ${(e as Error).message}`);
        }
      }
    });
    return this.writing;
  }

  private async append(key: string, lines: string[]): Promise<void> {
    const path = join(this.dir, `${key}.jsonl`);
    await appendFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
    const count = (this.lineCounts.get(key) ?? (await countLines(path, lines.length))) + lines.length;
    this.lineCounts.set(key, count);
    if (count > this.maxLines) {
      // Keep the newest half: rewrite beside the file and rename over it (never half a file).
      const all = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
      const kept = all.slice(-Math.floor(this.maxLines / 2));
      const tmp = `${path}.tmp`;
      await writeFile(tmp, `${kept.join('\n')}\n`, { mode: 0o600 });
      await rename(tmp, path);
      this.lineCounts.set(key, kept.length);
    }
  }

  /** The host's events in order, after `since` (a seq), the latest `limit`. Pending ones included. */
  async read(mac: string, query: { since?: number; limit?: number } = {}): Promise<LogEvent[]> {
    await this.flush();
    const key = fileKey(mac);
    let text = '';
    try {
      text = await readFile(join(this.dir, `${key}.jsonl`), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const since = query.since ?? 0;
    const events: LogEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const event = JSON.parse(line) as LogEvent;
        if (event.seq > since) events.push(event);
      } catch {
        // A torn last line after a crash: skip it, keep the rest.
      }
    }
    const limit = query.limit ?? 1000;
    return events.length > limit ? events.slice(-limit) : events;
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}

function fileKey(mac: string): string {
  return mac.toLowerCase().replace(/:/g, '-');
}

async function countLines(path: string, justAppended: number): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '');
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n += 1;
  return n - justAppended;
}
