// The TFTP transport (read-only): a request socket on port 69, and for every transfer its own
// socket from the serving address on an ephemeral port (RFC 1350 TIDs), pinned to the chosen NIC
// like every Bootbench socket and connected to the client. Decisions are made by the pure session
// machine (session.ts); transfer.ts performs its actions and reads ahead.
//
// The request socket, file resolution, refusals and option negotiation stay in this thread. A
// transfer whose FileSource offers a descriptor (`handle`) runs in a worker thread of the pool
// (pool.ts, worker.ts): one thread per core, as tftpd-hpa uses one process per transfer. Others
// (and every transfer when `workers` is 0 or no worker entry exists) run here. Either way this
// thread emits the events, keeps the counters and closes the file.
import { availableParallelism } from 'node:os';
import type { Socket, RemoteInfo } from 'node:dgram';
import { DropReporter, type EventBus } from '../events.js';
import type { EventLevel, ServiceStatus } from '../../shared/contract.js';
import type { FileResolver, FileSource } from '../files/file-source.js';
import { openBoundUdpSocket } from '../net/bound-socket.js';
import { decodeTftp, encodeError, ErrorCode, type TftpOption } from './codec.js';
import { createSession, negotiate, type FinishResult, type Session } from './session.js';
import { connect, descriptorReader, runOnSocket, sourceReader } from './io-libuv.js';
import { TransferPool, workerEntry } from './pool.js';

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
  /**
   * Worker threads for transfers: default os.availableParallelism() − 1 (at least 1); 0 runs every
   * transfer in this thread. Workers are used only with the default openSocket and files that
   * offer a handle. Lanes take every such transfer; with portable workers this thread serves
   * transfers too, as one more lane. (Measured on 2 cores with 10 clients: more lanes than cores
   * is slower.)
   */
  workers?: number;
  /**
   * Which workers: lanes (direct system calls, Linux only) or the portable libuv worker.
   * Default: lanes on Linux, portable elsewhere. The tests run both.
   */
  workerKind?: 'lane' | 'portable';
  /** Tests only: how long the n-th worker blocks before it has loaded (as on a machine under heavy load). */
  workerLoadDelaysMs?: readonly number[];
}

export interface TftpServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ServiceStatus;
}

/** How long start() waits for the transfer workers to load (until one has, transfers are served in this thread). */
const WORKERS_READY_MS = 5000;

type Counter =
  'transfers' | 'completed' | 'bytes' | 'errors' | 'aborted' | 'probes' | 'timeouts' | 'refused' | 'dropped' | 'retransmits' | 'inWorkers';

/** A running transfer as this thread sees it, wherever it runs. */
interface Active {
  readonly key: string;
  /** Ends it (if still running); settles once it has ended and its file is closed. */
  abort(message: string): Promise<void>;
}

interface TransferInfo {
  readonly key: string;
  readonly filename: string;
  readonly client: string;
  readonly session: Session;
  readonly mode: string;
  readonly asked: readonly TftpOption[];
  /** Logged at debug level (FileSource.quiet: a boot loop's poll). */
  readonly quiet: boolean;
  /** Where the bytes come from when not the name asked (FileSource.origin). */
  readonly origin: string | undefined;
}

export function createTftpServer(opts: TftpServerOptions): TftpServer {
  return new Server(opts);
}

class Server implements TftpServer {
  private socket: Socket | null = null;
  private boundPort: number | null = null;
  private failure: string | null = null;
  private readonly transfers = new Map<string, Active | 'opening'>();
  readonly counters: Record<Counter, number> = {
    transfers: 0,
    completed: 0,
    bytes: 0,
    errors: 0,
    aborted: 0,
    probes: 0,
    timeouts: 0,
    refused: 0,
    dropped: 0,
    retransmits: 0,
    inWorkers: 0,
  };
  private readonly pool: TransferPool | null = null;
  private brokenLogged = false;
  /** Transfers running in this thread (the pool balances against it). */
  private inThreadCount = 0;
  private readonly dropped: DropReporter;
  readonly clock: () => number;
  private readonly openSocket: (port: number, address: string) => Promise<Socket>;

  constructor(readonly opts: TftpServerOptions) {
    this.dropped = new DropReporter(opts.bus, 'tftp', 'debug', 'tftp.dropped');
    this.clock = opts.clock ?? (() => performance.now());
    this.openSocket = opts.openSocket ?? ((port, address) => openBoundUdpSocket({ iface: opts.iface, port, address }));
    const platform = opts.workerKind === 'portable' ? 'portable' : process.platform;
    const entry = opts.workers !== 0 && !opts.openSocket ? workerEntry(platform) : null;
    // Every core serves transfers when many clients come: a lane per core (the main thread only
    // answers requests), or with portable workers one per core besides this thread, which serves too.
    const cores = availableParallelism();
    const workers = opts.workers ?? (entry?.kind === 'lane' ? cores : Math.max(1, cores - 1));
    if (entry && workers > 0) this.pool = new TransferPool(entry, workers, opts.workerLoadDelaysMs);
  }

  async start(): Promise<void> {
    // The workers load first (tens of ms of CPU each): the server listens once it can serve at
    // full speed, instead of queueing a powering-on rack's first requests behind their loading.
    if (this.pool) {
      this.pool.warm();
      await this.pool.ready(WORKERS_READY_MS);
    }
    try {
      const socket = await this.openSocket(this.opts.port ?? 69, this.opts.address);
      socket.on('message', (buf, rinfo) => this.onRequest(buf, rinfo));
      socket.on('error', (e) => this.opts.bus.log('tftp', 'error', 'tftp.socket', `TFTP socket error: ${e.message}`));
      this.socket = socket;
      this.boundPort = socket.address().port;
      this.failure = null;
    } catch (e) {
      this.failure = (e as Error).message;
      await this.pool?.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.socket?.close();
    this.socket = null;
    const ended = Promise.all([...this.transfers.values()].map((t) => (t === 'opening' ? undefined : t.abort('server stopped'))));
    if (!this.pool) return void (await ended);
    // Bounded: a worker that does not report its transfers' ends within 5 s is terminated, which
    // ends them as failed (and closes their files).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
    await this.pool.stop();
    await ended;
  }

  status(): ServiceStatus {
    const active = [...this.transfers.values()].filter((t) => t !== 'opening').length;
    return {
      name: 'tftp',
      state: this.socket ? 'up' : this.failure ? 'failed' : 'stopped',
      address: `${this.opts.address}:${this.boundPort ?? this.opts.port ?? 69}`,
      error: this.failure,
      counters: { ...this.counters, active, workers: this.pool?.workers ?? 0 },
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
      this.log(
        'info',
        'tftp.write-refused',
        rinfo.address,
        `refused a write request from ${rinfo.address} for ${packet.filename}: Bootbench is read-only`,
      );
      return this.reply(rinfo, ErrorCode.AccessViolation, 'Bootbench is read-only');
    }
    if (packet.op !== 'rrq') return this.drop(rinfo, `${packet.op.toUpperCase()} sent to the request port`);
    this.startTransfer(packet.filename, packet.mode, packet.options, rinfo).catch((e: unknown) => {
      this.counters.errors += 1;
      this.log(
        'error',
        'tftp.error',
        rinfo.address,
        `failed to start a transfer of ${packet.filename} to ${rinfo.address}: ${(e as Error).message}`,
      );
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
    try {
      const opened = await this.opts.resolve(filename, { ip: client, mac: this.opts.macForIp?.(client) ?? null });
      if (!opened.ok) {
        const f = opened.failure;
        this.counters.refused += 1;
        if (f.kind === 'not-found') {
          this.log(f.quiet ? 'debug' : 'info', 'tftp.not-found', client, `${client} asked for ${filename}: not found`, {
            file: filename,
            client,
          });
          return this.reply(rinfo, ErrorCode.FileNotFound, 'File not found');
        }
        if (f.kind === 'forbidden') {
          this.log('warn', 'tftp.forbidden', client, `${client} asked for ${JSON.stringify(filename)}: refused (${f.message})`, {
            file: filename,
            client,
          });
          return this.reply(rinfo, ErrorCode.AccessViolation, 'Access violation');
        }
        this.counters.errors += 1;
        this.log('error', 'tftp.error', client, `could not open ${filename} for ${client}: ${f.message}`, { file: filename, client });
        return this.reply(rinfo, ErrorCode.NotDefined, 'Cannot read file');
      }
      file = opened.file;
      if (!this.socket) return; // stopped meanwhile
      const negotiated = negotiate(options, { size: file.size, mtu: this.opts.mtu ?? 1500, timeoutMs: this.opts.timeoutMs ?? 1000 });
      const session = createSession({ ...negotiated, size: file.size, maxTries: this.opts.retries ?? 5 });
      const info: TransferInfo = { key, filename, client, session, mode, asked: options, quiet: file.quiet === true, origin: file.origin };
      const source = file;
      file = null;
      const pool = this.workerPool();
      // Lanes (Linux) serve every transfer that has a descriptor to read: they spend half the CPU
      // per block this thread does. With portable workers this thread is a lane too: a transfer
      // that runs alone needs no handoff (more lanes than cores measured slower), and a transfer
      // goes to a worker only when this thread already serves more than the least-loaded worker.
      // Never to a worker still loading (pool.ts, pick): until one has, this thread serves.
      if (pool?.loaded && source.handle && (pool.kind === 'lane' || this.inThreadCount > pool.leastLoad))
        this.inWorker(info, source, source.handle, rinfo, pool);
      else await this.inThread(info, source, rinfo);
    } finally {
      if (this.transfers.get(key) === 'opening') this.transfers.delete(key);
      await file?.close().catch(() => undefined);
    }
  }

  /** The pool, unless there is none or its workers cannot run here (said once). */
  private workerPool(): TransferPool | null {
    if (!this.pool?.broken) return this.pool;
    if (!this.brokenLogged) {
      this.brokenLogged = true;
      this.opts.bus.log(
        'tftp',
        'warn',
        'tftp.workers',
        `TFTP transfer workers cannot run (${this.pool.broken}); serving transfers in the main thread`,
      );
    }
    return null;
  }

  /** Runs the transfer in this thread. Owns `file`: it is closed on every path. */
  private async inThread(info: TransferInfo, file: FileSource, rinfo: RemoteInfo): Promise<void> {
    let socket: Socket | null = null;
    try {
      socket = await this.openSocket(0, this.opts.address);
      await connect(socket, rinfo.port, rinfo.address);
    } catch (e) {
      socket?.close();
      await file.close().catch(() => undefined);
      throw e;
    }
    const read = file.handle ? descriptorReader(file.handle.fd, file.handle.position) : sourceReader(file);
    const { transfer, settled } = runOnSocket(socket, read, info.session, {
      clock: this.clock,
      finished: (result, bytes, durationMs, retransmits) => {
        this.counters.retransmits += retransmits;
        this.finished(info, result, bytes, durationMs, retransmits);
      },
    });
    this.inThreadCount += 1;
    const closed = settled.then(() => {
      this.inThreadCount -= 1;
      return file.close().catch(() => undefined);
    });
    this.transfers.set(info.key, {
      key: info.key,
      abort: (message) => {
        transfer.abort(message);
        return closed;
      },
    });
    this.started(info);
    transfer.start();
  }

  /**
   * Hands the transfer to a worker, which opens its own pinned socket and reads the file through
   * the descriptor opened here. The file is closed here once the worker reports the end (by then
   * no read of the worker's uses the descriptor any more).
   */
  private inWorker(
    info: TransferInfo,
    file: FileSource,
    handle: { fd: number; position: number },
    rinfo: RemoteInfo,
    pool: TransferPool,
  ): void {
    let settle: () => void = () => undefined;
    const over = new Promise<void>((resolve) => (settle = resolve));
    const closeFile = () =>
      void file
        .close()
        .catch(() => undefined)
        .then(settle);
    let started = false;
    const failedToStart = (message: string) => {
      this.transfers.delete(info.key);
      this.counters.errors += 1;
      this.log('error', 'tftp.error', info.client, `failed to start a transfer of ${info.filename} to ${info.client}: ${message}`);
      this.reply(rinfo, ErrorCode.NotDefined, 'Server error');
    };
    const abort = pool.run(
      {
        iface: this.opts.iface,
        address: this.opts.address,
        clientAddress: rinfo.address,
        clientPort: rinfo.port,
        fd: handle.fd,
        position: handle.position,
        session: info.session,
      },
      {
        started: () => {
          started = true;
          this.counters.inWorkers += 1;
          this.started(info);
        },
        openFailed: (message) => {
          failedToStart(message);
          closeFile();
        },
        ended: (end) => {
          if (started) {
            this.counters.retransmits += end.retransmits;
            this.finished(info, end.result, end.bytes, end.durationMs, end.retransmits);
          } else if (pool.broken && this.socket) {
            // The worker could not even load: serve this transfer here instead (inThread owns the file now).
            this.transfers.set(info.key, 'opening');
            settle();
            this.inThread(info, file, rinfo)
              .catch((e: unknown) => failedToStart((e as Error).message))
              .finally(() => {
                if (this.transfers.get(info.key) === 'opening') this.transfers.delete(info.key);
              });
            return;
          } else {
            failedToStart(end.result.kind === 'failed' ? end.result.message : end.result.kind);
          }
          closeFile();
        },
      },
    );
    this.transfers.set(info.key, {
      key: info.key,
      abort: (message) => {
        abort(message);
        return over;
      },
    });
  }

  /** A transfer started: the counter and the event every transfer starts with. */
  private started(t: TransferInfo): void {
    const mode = t.mode === 'netascii' ? ' (netascii served as octet)' : '';
    const { blksize, windowsize, timeoutMs, size } = t.session;
    this.log(t.quiet ? 'debug' : 'info', 'tftp.start', t.client, `${t.client} started ${t.filename}${from(t)}${mode}`, {
      file: t.filename,
      ...(t.origin ? { origin: t.origin } : {}),
      client: t.client,
      size,
      options: Object.fromEntries(t.asked.map((o) => [o.name.toLowerCase(), o.value])),
      blksize,
      windowsize,
      timeoutMs,
    });
    this.counters.transfers += 1;
  }

  /** A transfer ended: counters and the event every transfer ends with. */
  private finished(t: TransferInfo, result: FinishResult, bytes: number, durationMs: number, retransmits: number): void {
    this.transfers.delete(t.key);
    this.counters.bytes += bytes;
    const seconds = durationMs / 1000;
    const bytesPerSec = seconds > 0 ? Math.round(bytes / seconds) : 0;
    const data = {
      file: t.filename,
      ...(t.origin ? { origin: t.origin } : {}),
      client: t.client,
      size: t.session.size,
      bytes,
      durationMs: Math.round(durationMs),
      bytesPerSec,
      result: result.kind,
      blksize: t.session.blksize,
      windowsize: t.session.windowsize,
      retransmits,
    };
    const took = `${formatBytes(bytes)} in ${seconds.toFixed(2)} s, ${formatBytes(bytesPerSec)}/s`;
    switch (result.kind) {
      case 'complete':
        this.counters.completed += 1;
        return this.log(t.quiet ? 'debug' : 'info', 'tftp.end', t.client, `sent ${t.filename}${from(t)} to ${t.client} (${took})`, data);
      case 'probe':
        // UEFI firmware asks for the size and aborts after the OACK (error 8): normal, not an error.
        this.counters.probes += 1;
        return this.log(
          'debug',
          'tftp.end',
          t.client,
          `${t.client} learned the size of ${t.filename} and closed the transfer (${result.message || `error ${result.code}`})`,
          { ...data, code: result.code },
        );
      case 'aborted':
        this.counters.aborted += 1;
        return this.log(
          'info',
          'tftp.end',
          t.client,
          `${t.client} aborted ${t.filename} after ${took}: ${result.message || `error ${result.code}`}`,
          { ...data, code: result.code },
        );
      case 'timeout':
        this.counters.timeouts += 1;
        return this.log(
          'warn',
          'tftp.end',
          t.client,
          `${t.client} stopped answering during ${t.filename} (after ${took}); transfer given up`,
          data,
        );
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
    this.dropped.drop(`${rinfo.address}:${rinfo.port}`, reason);
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** " (from iso/<id>/EFI/BOOT/grubx64.efi)" when a name is served from elsewhere. */
function from(t: TransferInfo): string {
  return t.origin ? ` (from ${t.origin})` : '';
}
