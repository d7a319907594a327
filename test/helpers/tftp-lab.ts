// A lab for TFTP tests: one segment, client namespaces, a folder of random files, and Bootbench's
// TFTP server running in THIS process inside the server namespace (enterNamespace), so tests can
// read its events and counters directly. The main thread stays in the server namespace until
// close(): every transfer opens its own socket, and sockets belong to the namespace they are made in.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreEvent } from '../../electron/shared/contract.js';
import { EventBus } from '../../electron/core/events.js';
import { directoryResolver, type DirectoryResolverOptions } from '../../electron/core/files/directory.js';
import { createTftpServer, type TftpServer, type TftpServerOptions } from '../../electron/core/tftp/server.js';
import { enterNamespace, Lab, type LabHost, type RunResult } from './netns.js';
import { NODE, REPO } from './bootbench.js';
import type { TftpClientResult, TftpClientScript } from './tftp-client.js';

export interface TftpLab {
  lab: Lab;
  serverIp: string;
  hosts: LabHost[];
  root: string;
  bus: EventBus;
  events: CoreEvent[];
  server: TftpServer;
  /** sha256 of a file in the root. */
  sha: (name: string) => string;
  /** Runs a command in a client namespace. */
  exec: (host: LabHost, cmd: string, args: string[], timeoutMs?: number) => Promise<RunResult>;
  scripted: (host: LabHost, script: Omit<TftpClientScript, 'server'>) => Promise<TftpClientResult>;
  close: () => Promise<void>;
}

/** Writes `size` random bytes in 1 MiB chunks (never a whole large file in memory). */
export function writeRandomFile(path: string, size: number): void {
  const fd = openSync(path, 'w');
  try {
    for (let done = 0; done < size;) {
      const chunk = randomBytes(Math.min(1 << 20, size - done));
      writeSync(fd, chunk);
      done += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export async function startTftpLab(
  tag: string,
  subnet: number,
  options: { clients: number; server?: Partial<TftpServerOptions>; resolver?: DirectoryResolverOptions },
): Promise<TftpLab> {
  const lab = Lab.create(tag);
  const root = mkdtempSync(join(tmpdir(), `bootbench-tftp-${tag}-`));
  let leave: (() => void) | null = null;
  let server: TftpServer | null = null;
  try {
    const bridge = `bbtf${subnet}`;
    const seg = lab.segment(bridge, `10.231.${subnet}.1/24`);
    const hosts = Array.from({ length: options.clients }, (_, i) => lab.host(seg, { cidr: `10.231.${subnet}.${10 + i}/24` }));
    const bus = new EventBus({ backlog: 20_000 });
    const events: CoreEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const macs = new Map(hosts.map((h, i) => [`10.231.${subnet}.${10 + i}`, h.mac]));
    leave = enterNamespace(lab.serverNs);
    server = createTftpServer({
      iface: bridge,
      address: seg.serverIp,
      resolve: directoryResolver(root, options.resolver),
      bus,
      macForIp: (ip) => macs.get(ip) ?? null,
      ...options.server,
    });
    await server.start();
    const running = server;
    const exit = leave;
    return {
      lab,
      serverIp: seg.serverIp,
      hosts,
      root,
      bus,
      events,
      server: running,
      sha: (name) => sha256File(join(root, name)),
      exec: (host, cmd, args, timeoutMs = 120_000) => lab.exec(host.ns, cmd, args, { timeoutMs }),
      scripted: async (host, script) => {
        const r = await lab.exec(
          host.ns,
          NODE,
          ['--import', 'tsx', join(REPO, 'test/helpers/tftp-client.ts'), JSON.stringify({ server: seg.serverIp, ...script })],
          { timeoutMs: 120_000 },
        );
        if (r.code !== 0) throw new Error(`tftp-client failed (${r.code}): ${r.stderr}`);
        return JSON.parse(r.stdout) as TftpClientResult;
      },
      close: async () => {
        try {
          await running.stop();
        } finally {
          exit();
          lab.destroy();
          rmSync(root, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    await server?.stop().catch(() => undefined);
    leave?.();
    lab.destroy();
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}
