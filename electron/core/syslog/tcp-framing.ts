// RFC 6587 framing of syslog over TCP, both kinds a sender may use:
//   octet counting (§3.4.1): `LEN SP MSG`, LEN in decimal without leading zero (rsyslog with
//     TCP_Framing="octet-counted", syslog-ng's syslog() driver);
//   non-transparent framing (§3.4.2): MSG then LF (rsyslog's default `@@host` forwarding, which
//     is what Anaconda's `inst.syslog=` sets up).
// A message starts with `<` (its PRI) and never with a digit, which tells the two apart per frame.
// Bounded: a frame longer than `max` is cut to `max` bytes and the rest is skipped, so a sender
// that never sends LF cannot grow memory.
export class SyslogFramer {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes still to discard of an over-long frame; -1 = skip until the next LF. */
  private skip = 0;

  constructor(private readonly max: number) {}

  /** Feeds received bytes; returns the complete frames they finish. */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.skip !== 0 && !this.skipping()) break;
      if (this.buffer.length === 0) break;
      const frame = /^[1-9]/.test(String.fromCharCode(this.buffer[0]!)) ? this.counted() : this.lineFrame();
      if (frame === null) break;
      if (frame.length) frames.push(frame);
    }
    return frames;
  }

  /** What is left when the sender closes (a last line without LF). */
  end(): Buffer | null {
    const rest = this.skip === 0 && this.buffer.length ? this.buffer : null;
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  /** Discards what an over-long frame still has; true when done (more may follow). */
  private skipping(): boolean {
    if (this.skip === -1) {
      const lf = this.buffer.indexOf(0x0a);
      if (lf < 0) {
        this.buffer = Buffer.alloc(0);
        return false;
      }
      this.buffer = this.buffer.subarray(lf + 1);
    } else {
      const n = Math.min(this.skip, this.buffer.length);
      this.buffer = this.buffer.subarray(n);
      this.skip -= n;
      if (this.skip > 0) return false;
    }
    this.skip = 0;
    return true;
  }

  private counted(): Buffer | null {
    const sp = this.buffer.subarray(0, 11).indexOf(0x20);
    const digits = this.buffer.subarray(0, sp < 0 ? 11 : sp).toString('latin1');
    if (sp < 0) {
      // No space within 10 digits: not octet counting after all; read it as a line.
      return /^\d+$/.test(digits) && this.buffer.length < 11 ? null : this.lineFrame();
    }
    if (!/^\d+$/.test(digits)) return this.lineFrame();
    const len = Number(digits);
    const start = sp + 1;
    if (len > this.max) {
      if (this.buffer.length < start + this.max) return null;
      const frame = Buffer.from(this.buffer.subarray(start, start + this.max));
      this.buffer = this.buffer.subarray(start + this.max);
      this.skip = len - this.max;
      return frame;
    }
    if (this.buffer.length < start + len) return null;
    const frame = Buffer.from(this.buffer.subarray(start, start + len));
    this.buffer = this.buffer.subarray(start + len);
    return frame;
  }

  private lineFrame(): Buffer | null {
    const lf = this.buffer.indexOf(0x0a);
    if (lf < 0) {
      if (this.buffer.length <= this.max) return null;
      const frame = Buffer.from(this.buffer.subarray(0, this.max));
      this.buffer = Buffer.alloc(0);
      this.skip = -1;
      return frame;
    }
    const frame = Buffer.from(this.buffer.subarray(0, Math.min(lf, this.max)));
    this.buffer = this.buffer.subarray(lf + 1);
    return frame;
  }
}
