// Moving a transfer's packets with Node's own sockets (libuv), and reading its file through libuv's
// thread pool: the I/O strategy of the main thread (server.ts) and of the portable worker
// (worker.ts). The protocol itself is engine.ts.
import type { Socket } from 'node:dgram';
import { readv } from 'node:fs';
import type { FileSource } from '../files/file-source.js';
import { remaining, Transfer, type RunReader, type TransferHost } from './engine.js';
import type { Session } from './session.js';

/**
 * Runs a transfer over `socket` (connected to the client, so only its packets arrive). The socket
 * is closed when the transfer ends; `settled` resolves once no read uses the file any more.
 */
export function runOnSocket(
  socket: Socket,
  read: RunReader,
  session: Session,
  host: TransferHost,
): { transfer: Transfer; settled: Promise<void> } {
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let closed = false;
  /** While the socket is closing: who waits for it (whenFlushed); null once closed. */
  let afterClose: (() => void)[] | null = [];
  const transfer: Transfer = new Transfer(
    session,
    {
      // No callback: one per packet costs a tick each; an error comes as the socket's 'error' event.
      send: (packet) => socket.send(packet),
      whenFlushed: (then) => {
        // Bounded by the transfer's life: a queue that never drains ends with the session's timeout.
        const check = (): void => {
          // Once closing, after the close: libuv drops what was still queued then.
          if (closed && afterClose) afterClose.push(then);
          else if (closed || socket.getSendQueueCount() === 0) then();
          else setTimeout(check, 1);
        };
        check();
      },
      // One timer per transfer: moving a deadline later costs an assignment, not a new timer.
      armTimer: (at) => {
        if (timer && timerAt <= at) return;
        if (timer) clearTimeout(timer);
        timerAt = at;
        timer = setTimeout(
          () => {
            timer = null;
            timerAt = Number.POSITIVE_INFINITY;
            transfer.timeout();
          },
          Math.max(0, at - host.clock()) + 1,
        );
      },
      close: () => {
        closed = true;
        if (timer) clearTimeout(timer);
        // Let a final ERROR leave before the socket closes.
        setImmediate(() =>
          socket.close(() => {
            const waiting = afterClose ?? [];
            afterClose = null;
            for (const then of waiting) then();
          }),
        );
      },
    },
    read,
    host,
  );
  socket.on('message', (buf) => transfer.onPacket(buf));
  socket.on('error', (e) => transfer.socketError((e as NodeJS.ErrnoException).code ?? e.message));
  const settled = new Promise<void>((resolve) => transfer.settled(resolve));
  return { transfer, settled };
}

/** Reads through a descriptor (`base`: where the served file starts in it) with one readv per run, in libuv's thread pool. */
export function descriptorReader(fd: number, base: number): RunReader {
  return (views, position, done) => {
    let got = 0;
    let rest = views;
    const total = views.reduce((n, v) => n + v.length, 0);
    const more = (): void => {
      if (got >= total || rest.length === 0) return done(null, got);
      readv(fd, rest, base + position + got, (e, n) => {
        if (e) return done(e, got);
        if (n === 0) return done(null, got); // the file ended
        got += n;
        rest = remaining(rest, n);
        more();
      });
    };
    more();
  };
}

/** Reads through FileSource.read, one view at a time (sources without a descriptor). */
export function sourceReader(file: FileSource): RunReader {
  return (views, position, done) => {
    let got = 0;
    let rest = views;
    const more = (): void => {
      const view = rest[0];
      if (!view) return done(null, got);
      file.read(view, 0, view.length, position + got).then(
        (n) => {
          if (n === 0) return done(null, got);
          got += n;
          rest = remaining(rest, n);
          more();
        },
        (e: unknown) => done(e as Error, got),
      );
    };
    more();
  };
}

/** Connects a UDP socket to the client (its TID), so only the client's packets reach it. */
export function connect(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}
