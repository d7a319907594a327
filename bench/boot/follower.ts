// A growing log file read as it grows (dnsmasq's log, an HTTP server's log): each new line is
// stamped with the time this process saw it (polled every 50 ms), for the boot benches.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** New complete lines of a growing log file, each stamped with the time this process read it. */
export class Follower {
  private offset: number;
  private partial = '';
  readonly lines: { at: number; text: string }[] = [];
  private timer: NodeJS.Timeout;

  constructor(private readonly path: string) {
    this.offset = existsSync(path) ? statSync(path).size : 0;
    this.timer = setInterval(() => this.poll(), 50);
  }

  poll(): void {
    if (!existsSync(this.path)) return;
    const size = statSync(this.path).size;
    if (size <= this.offset) return;
    const fd = openSync(this.path, 'r');
    try {
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.partial + buf.toString('utf8');
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      const at = Date.now();
      for (const p of parts) this.lines.push({ at, text: p });
    } finally {
      closeSync(fd);
    }
  }

  stop(): void {
    this.poll();
    clearInterval(this.timer);
  }
}
