// The TFTP transport (read-only): a request socket on port 69, and for every transfer its own
// socket from the serving address on an ephemeral port (RFC 1350 TIDs), pinned to the chosen NIC
// like every Bootbench socket and connected to the client. Decisions are made by the pure session
// machine (session.ts); this file performs its actions, reads ahead, and reports events.
//
// Per packet the hot path is: decode the ACK, step, send blocks already read, read ahead. File data
// is read in runs of consecutive blocks straight into a preallocated ring of buffers per transfer
// and sent as [header, data] views (no copy, no per-packet allocation); one timer per transfer
// serves every deadline.
import type { Socket, RemoteInfo } from 'node:dgram';
import type { EventBus } from '../events.js';
import type { EventLevel, ServiceStatus } from '../../shared/contract.js';
import type { FileResolver, FileSource } from '../files/file-source.js';
import { openBoundUdpSocket } from '../net/bound-socket.js';
import { decodeTftp, encodeError, encodeTftp, writeDataHeader, DATA_HEADER, ErrorCode, type TftpOption } from './codec.js';
import { bytesAcked, createSession, negotiate, step, type FinishResult, type Session, type SessionAction, type SessionEvent } from './session.js';

export interface TftpServerOptions {
  iface: string;
  /** The NIC's IPv4 address: requests are received and every transfer is served from it. */
  address: string;
  port?: number;
  resolve: FileResolver;
  bus: EventBus;
  /** The NIC's MTU (blksize is clamped to fit it); default 1500. */
  mtu?: number;
  macForIp?: (ip: string) => string | null;
  openSocket?: (port: number, address: string) => Promise<Socket>;
  /** Milliseconds, for durations and deadlines. */
  clock?: () => number;
  /** Retransmissions of one packet/window before a transfer is given up. */
  retries?: number;
  /** First retransmission timeout (doubles on each retry); a client's `timeout` option overrides it. */
  timeoutMs?: number;
  /** Concurrent transfers at most; later requests get "server busy". */
  maxTransfers?: number;
}

export interface TftpServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ServiceStatus;
}

type Counter = 'transfers' | 'completed' | 'bytes' | 'errors' | 'aborted' | 'probes' | 'timeouts' | 'refused' | 'dropped' | 'retransmits';

export function createTftpServer(opts: TftpServerOptions): TftpServer {
  return new Server(opts);
}

class Server implements TftpServer {
  private socket: Socket | null = null;
  private boundPort: number | null = null;
  private failure: string | null = null;
  private readonly transfers = new Map<string, Transfer | 'opening'>();
  readonly counters: Record<Counter, number> = {
    transfers: 0, completed: 0, bytes: 0, errors: 0, aborted: 0, probes: 0, timeouts: 0, refused: 0, dropped: 0, retransmits: 0,
  };
  private droppedSinceLog = 0;
  private lastDropLog = 0;
  readonly clock: () => number;
  private readonly openSocket: (port: number, address: string) => Promise<Socket>;

  constructor(readonly opts: TftpServerOptions) {
    this.clock = opts.clock ?? (() => performance.now());
    this.openSocket = opts.openSocket ?? ((port, address) => openBoundUdpSocket({ iface: opts.iface, port, address }));
  }

  async start(): Promise<void> {
    try {
      const socket = await this.openSocket(this.opts.port ?? 69, this.opts.address);
      socket.on('message', (buf, rinfo) => this.onRequest(buf, rinfo));
      socket.on('error', (e) => this.opts.bus.log('tftp', 'error', 'tftp.socket', `TFTP socket error: ${e.message}`));
      this.socket = socket;
      this.boundPort = socket.address().port;
      this.failure = null;
    } catch (e) {
      this.failure = (e as Error).message;
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.socket?.close();
    this.socket = null;
    await Promise.all([...this.transfers.values()].map((t) => (t === 'opening' ? undefined : t.abort('server stopped'))));
  }

  status(): ServiceStatus {
    const active = [...this.transfers.values()].filter((t) => t !== 'opening').length;
    return {
      name: 'tftp',
      state: this.socket ? 'up' : this.failure ? 'failed' : 'stopped',
      address: `${this.opts.address}:${this.boundPort ?? this.opts.port ?? 69}`,
      error: this.failure,
      counters: { ...this.counters, active },
    };
  }

  log(level: EventLevel, kind: string, client: string, message: string, data?: Record<string, unknown>): void {
    const mac = this.opts.macForIp?.(client) ?? null;
    this.opts.bus.log('tftp', level, kind, message, { mac, ...(data ? { data } : {}) });
  }

  private onRequest(buf: Buffer, rinfo: RemoteInfo): void {
    const decoded = decodeTftp(buf);
    if (!decoded.ok) return this.drop(rinfo, decoded.error);
    const packet = decoded.packet;
    if (packet.op === 'wrq') {
      this.counters.refused += 1;
      this.log('info', 'tftp.write-refused', rinfo.address, `refused a write request from ${rinfo.address} for ${packet.filename}: Bootbench is read-only`);
      return this.reply(rinfo, ErrorCode.AccessViolation, 'Bootbench is read-only');
    }
    if (packet.op !== 'rrq') return this.drop(rinfo, `${packet.op.toUpperCase()} sent to the request port`);
    this.startTransfer(packet.filename, packet.mode, packet.options, rinfo).catch((e: unknown) => {
      this.counters.errors += 1;
      this.log('error', 'tftp.error', rinfo.address, `failed to start a transfer of ${packet.filename} to ${rinfo.address}: ${(e as Error).message}`);
      this.reply(rinfo, ErrorCode.NotDefined, 'Server error');
    });
  }

  private async startTransfer(filename: string, mode: string, options: readonly TftpOption[], rinfo: RemoteInfo): Promise<void> {
    const key = `${rinfo.address}:${rinfo.port}`;
    // A client that repeats its RRQ (our OACK or DATA 1 was slow) is already being served.
    if (this.transfers.has(key)) return;
    const client = rinfo.address;
    // RFC 1350 modes: "octet" as is; "netascii" is served as octet too (docs/design/tftp.md):
    // boot files are binary, and converting would make the answered tsize wrong.
    if (mode !== 'octet' && mode !== 'netascii') {
      this.counters.refused += 1;
      this.log('info', 'tftp.refused', client, `refused ${filename} to ${client}: transfer mode "${mode}" is not served`);
      return this.reply(rinfo, ErrorCode.IllegalOperation, `Transfer mode ${mode} is not supported; use octet`);
    }
    if (this.transfers.size >= (this.opts.maxTransfers ?? 1000)) {
      this.counters.refused += 1;
      this.log('warn', 'tftp.busy', client, `refused ${filename} to ${client}: ${this.transfers.size} transfers already running`);
      return this.reply(rinfo, ErrorCode.NotDefined, 'Server busy, try again');
    }
    this.transfers.set(key, 'opening');
    let file: FileSource | null = null;
    let socket: Socket | null = null;
    try {
      const opened = await this.opts.resolve(filename);
      if (!opened.ok) {
        const f = opened.failure;
        this.counters.refused += 1;
        if (f.kind === 'not-found') {
          this.log('info', 'tftp.not-found', client, `${client} asked for ${filename}: not found`, { file: filename, client });
          return this.reply(rinfo, ErrorCode.FileNotFound, 'File not found');
        }
        if (f.kind === 'forbidden') {
          this.log('warn', 'tftp.forbidden', client, `${client} asked for ${JSON.stringify(filename)}: refused (${f.message})`, { file: filename, client });
          return this.reply(rinfo, ErrorCode.AccessViolation, 'Access violation');
        }
        this.counters.errors += 1;
        this.log('error', 'tftp.error', client, `could not open ${filename} for ${client}: ${f.message}`, { file: filename, client });
        return this.reply(rinfo, ErrorCode.NotDefined, 'Cannot read file');
      }
      file = opened.file;
      if (!this.socket) return; // stopped meanwhile
      socket = await this.openSocket(0, this.opts.address);
      await connect(socket, rinfo.port, rinfo.address);
      const negotiated = negotiate(options, { size: file.size, mtu: this.opts.mtu ?? 1500, timeoutMs: this.opts.timeoutMs ?? 1000 });
      const session = createSession({ ...negotiated, size: file.size, maxTries: this.opts.retries ?? 5 });
      const transfer = new Transfer(this, { key, filename, client, socket, file, session, mode, asked: options });
      this.transfers.set(key, transfer);
      file = null;
      socket = null;
      transfer.start();
    } finally {
      if (this.transfers.get(key) === 'opening') this.transfers.delete(key);
      await file?.close().catch(() => undefined);
      socket?.close();
    }
  }

  /** A transfer ended: counters and the event every transfer ends with. */
  finished(t: Transfer, result: FinishResult, bytes: number, durationMs: number): void {
    this.transfers.delete(t.key);
    this.counters.bytes += bytes;
    const seconds = durationMs / 1000;
    const bytesPerSec = seconds > 0 ? Math.round(bytes / seconds) : 0;
    const data = {
      file: t.filename, client: t.client, size: t.size, bytes, durationMs: Math.round(durationMs), bytesPerSec,
      result: result.kind, blksize: t.blksize, windowsize: t.windowsize, retransmits: t.retransmits,
    };
    const took = `${formatBytes(bytes)} in ${seconds.toFixed(2)} s, ${formatBytes(bytesPerSec)}/s`;
    switch (result.kind) {
      case 'complete':
        this.counters.completed += 1;
        return this.log('info', 'tftp.end', t.client, `sent ${t.filename} to ${t.client} (${took})`, data);
      case 'probe':
        // UEFI firmware asks for the size and aborts after the OACK (error 8): normal, not an error.
        this.counters.probes += 1;
        return this.log('debug', 'tftp.end', t.client, `${t.client} learned the size of ${t.filename} and closed the transfer (${result.message || `error ${result.code}`})`, { ...data, code: result.code });
      case 'aborted':
        this.counters.aborted += 1;
        return this.log('info', 'tftp.end', t.client, `${t.client} aborted ${t.filename} after ${took}: ${result.message || `error ${result.code}`}`, { ...data, code: result.code });
      case 'timeout':
        this.counters.timeouts += 1;
        return this.log('warn', 'tftp.end', t.client, `${t.client} stopped answering during ${t.filename} (after ${took}); transfer given up`, data);
      case 'failed':
        this.counters.errors += 1;
        return this.log('error', 'tftp.end', t.client, `could not send ${t.filename} to ${t.client}: ${result.message}`, data);
    }
  }

  private reply(to: RemoteInfo, code: number, message: string): void {
    this.socket?.send(encodeError(code, message), to.port, to.address, () => undefined);
  }

  private drop(rinfo: RemoteInfo, reason: string): void {
    this.counters.dropped += 1;
    this.droppedSinceLog += 1;
    const now = Date.now();
    if (now - this.lastDropLog < 1000) return; // a flood of junk makes one line a second, not one a packet
    this.opts.bus.log('tftp', 'debug', 'tftp.dropped', `dropped ${this.droppedSinceLog} malformed packet(s); last from ${rinfo.address}:${rinfo.port}: ${reason}`);
    this.droppedSinceLog = 0;
    this.lastDropLog = now;
  }
}

/**
 * A run of consecutive blocks read with ONE read call (a libuv thread-pool round trip costs more
 * than the send of a packet, so reading block by block halves throughput). The data lands straight
 * in the run's buffer; each DATA packet is sent as two views, [its 4-byte header, its data], with
 * sendmsg's gather I/O: nothing is copied, nothing is allocated per packet.
 */
interface Run {
  readonly data: Buffer;
  readonly headers: Buffer;
  /** Per block: [header view, full-size data view], made once. */
  readonly packets: readonly (readonly [Buffer, Buffer])[];
  /** Which run of the file this holds (block b is in run floor((b − 1) / blocksPerRun)). */
  q: number;
  state: 'empty' | 'loading' | 'ready' | 'failed';
  /** Settles when the last read claimed for this run has finished (never rejects). */
  loaded: Promise<void>;
}

interface TransferInit {
  key: string;
  filename: string;
  client: string;
  socket: Socket;
  file: FileSource;
  session: Session;
  mode: string;
  asked: readonly TftpOption[];
}

/** Bytes read per read call (at most): 44 blocks of 1468, 128 of 512. */
const RUN_BYTES = 65_536;

class Transfer {
  readonly key: string;
  readonly filename: string;
  readonly client: string;
  retransmits = 0;
  private session: Session;
  private readonly socket: Socket;
  private readonly file: FileSource;
  private readonly ring: Run[];
  private readonly perRun: number;
  private readonly startedAt: number;
  private gen = 0;
  private prefetchedTo = -1;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private done = false;

  constructor(private readonly server: Server, init: TransferInit) {
    this.key = init.key;
    this.filename = init.filename;
    this.client = init.client;
    this.socket = init.socket;
    this.file = init.file;
    this.session = init.session;
    this.startedAt = server.clock();
    const { blksize, windowsize } = init.session;
    const perRun = Math.max(1, Math.floor(RUN_BYTES / blksize));
    this.perRun = perRun;
    // Enough runs for a whole window in flight plus one run read ahead, so the disk is never on
    // the critical path between an ACK and the next DATA.
    const runs = Math.ceil(windowsize / perRun) + 2;
    this.ring = Array.from({ length: runs }, () => {
      const data = Buffer.allocUnsafeSlow(perRun * blksize);
      const headers = Buffer.allocUnsafeSlow(perRun * DATA_HEADER);
      const packets = Array.from({ length: perRun }, (_, i) =>
        [headers.subarray(i * DATA_HEADER, (i + 1) * DATA_HEADER), data.subarray(i * blksize, (i + 1) * blksize)] as const);
      const run: Run = { data, headers, packets, q: -1, state: 'empty', loaded: Promise.resolve() };
      return run;
    });
    this.socket.on('message', (buf) => this.onPacket(buf));
    this.socket.on('error', (e) => this.onSocketError(e));
    const mode = init.mode === 'netascii' ? ' (netascii served as octet)' : '';
    server.log('info', 'tftp.start', this.client, `${this.client} started ${this.filename}${mode}`, {
      file: this.filename, client: this.client, size: this.size, options: Object.fromEntries(init.asked.map((o) => [o.name.toLowerCase(), o.value])),
      blksize, windowsize, timeoutMs: init.session.timeoutMs,
    });
    server.counters.transfers += 1;
  }

  get size(): number { return this.session.size; }
  get blksize(): number { return this.session.blksize; }
  get windowsize(): number { return this.session.windowsize; }

  start(): void {
    this.apply({ kind: 'start' });
  }

  abort(message: string): Promise<void> {
    return this.end({ kind: 'aborted', code: ErrorCode.NotDefined, message });
  }

  private onPacket(buf: Buffer): void {
    const decoded = decodeTftp(buf);
    if (!decoded.ok) return; // the session's timer covers a lost or mangled ACK
    const p = decoded.packet;
    if (p.op === 'ack') this.apply({ kind: 'ack', block: p.block });
    else if (p.op === 'error') this.apply({ kind: 'error', code: p.code, message: p.message });
  }

  private onSocketError(e: Error): void {
    // A connected UDP socket reports the client's ICMP "port unreachable" here: it has gone away.
    const gone = (e as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    void this.end(gone ? { kind: 'aborted', code: ErrorCode.NotDefined, message: 'client port unreachable' } : { kind: 'failed', message: `socket error: ${e.message}` });
  }

  private apply(event: SessionEvent): void {
    if (this.done) return;
    const [next, actions] = step(this.session, event, this.server.clock());
    this.session = next;
    for (const action of actions) this.perform(action, event.kind === 'timeout');
  }

  private perform(action: SessionAction, retransmit: boolean): void {
    switch (action.kind) {
      case 'send-oack':
        if (retransmit) this.count();
        this.socket.send(encodeTftp({ op: 'oack', options: action.options }), (e) => e && this.onSocketError(e));
        return;
      case 'send-data':
        if (retransmit) this.count();
        void this.pump(action.from, action.to, ++this.gen);
        return;
      case 'send-error':
        this.socket.send(encodeError(action.code, action.message), () => undefined);
        return;
      case 'arm-timer':
        return this.arm(action.at);
      case 'finish':
        void this.end(action.result);
        return;
    }
  }

  private count(): void {
    this.retransmits += 1;
    this.server.counters.retransmits += 1;
  }

  /** Sends blocks from..to in order; a newer window (higher gen) supersedes this one. */
  private async pump(from: number, to: number, gen: number): Promise<void> {
    const { blksize, size } = this.session;
    for (let b = from; b <= to; b += 1) {
      const q = Math.floor((b - 1) / this.perRun);
      const run = this.ring[q % this.ring.length]!;
      // Bounded: a run is re-claimed only by a stale window, which stops at the gen check.
      for (let attempt = 0; attempt < 3 && !(run.q === q && run.state === 'ready'); attempt += 1) {
        if (gen !== this.gen || this.done) return;
        if (run.q === q && run.state === 'failed') return this.apply({ kind: 'fail', message: `could not read block ${b}` });
        await this.load(q);
      }
      if (gen !== this.gen || this.done) return;
      if (run.q !== q || run.state !== 'ready') return this.apply({ kind: 'fail', message: `could not read block ${b}` });
      const i = (b - 1) % this.perRun;
      const len = Math.max(0, Math.min(blksize, size - (b - 1) * blksize));
      const packet = len === blksize ? run.packets[i]! : ([run.packets[i]![0], run.packets[i]![1].subarray(0, len)] as const);
      // No callback: one per packet costs a tick each. Buffers still queued in libuv (only when the
      // kernel's send buffer is full) are protected in load() through getSendQueueCount().
      this.socket.send(packet);
    }
    this.prefetch();
  }

  /** Reads ahead the runs after the one holding `base` into runs nobody needs any more. */
  private prefetch(): void {
    const first = Math.floor((this.session.base - 1) / this.perRun);
    const last = Math.min(first + this.ring.length - 1, Math.floor((this.session.lastBlock - 1) / this.perRun));
    for (let q = Math.max(this.prefetchedTo + 1, first); q <= last; q += 1) void this.load(q);
    if (last > this.prefetchedTo) this.prefetchedTo = last;
  }

  /** Claims run q's buffers and reads it (after the buffers' previous read and sends are done). */
  private load(q: number): Promise<void> {
    const run = this.ring[q % this.ring.length]!;
    if (run.q === q && run.state !== 'empty') return run.loaded;
    run.q = q;
    run.state = 'loading';
    run.loaded = run.loaded.then(async () => {
      // Bounded by the transfer's life: a queue that never drains ends with the session's timeout.
      while (!this.done && this.socket.getSendQueueCount() > 0) await new Promise((resolve) => setTimeout(resolve, 1));
      if (run.q !== q || this.done) return; // re-claimed meanwhile
      try {
        await this.read(run.data, q);
        if (run.q !== q) return;
        for (let i = 0; i < this.perRun; i += 1) writeDataHeader(run.packets[i]![0], q * this.perRun + i + 1);
        run.state = 'ready';
      } catch {
        if (run.q === q) run.state = 'failed';
      }
    });
    return run.loaded;
  }

  private async read(buf: Buffer, q: number): Promise<void> {
    const { blksize, size } = this.session;
    const position = q * this.perRun * blksize;
    const want = Math.max(0, Math.min(this.perRun * blksize, size - position));
    let got = 0;
    // Bounded: every turn reads at least one byte or throws.
    while (got < want) {
      const n = await this.file.read(buf, got, want - got, position + got);
      if (n <= 0) throw new Error('file shrank during the transfer');
      got += n;
    }
  }

  /** One timer per transfer: moving a deadline later costs an assignment, not a new timer. */
  private arm(at: number): void {
    if (this.done || (this.timer && this.timerAt <= at)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, at - this.server.clock()) + 1);
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.done) return;
    const now = this.server.clock();
    if (now >= this.session.deadline) this.apply({ kind: 'timeout' });
    else this.arm(this.session.deadline);
  }

  private async end(result: FinishResult): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const duration = this.server.clock() - this.startedAt;
    const bytes = result.kind === 'complete' ? this.session.size : bytesAcked(this.session);
    this.server.finished(this, result, bytes, duration);
    // Let a final ERROR leave before the socket closes; wait for reads still writing into the ring.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.socket.close();
    await Promise.all(this.ring.map((r) => r.loaded));
    await this.file.close().catch(() => undefined);
  }
}

function connect(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
