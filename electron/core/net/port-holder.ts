// Who holds a port? Turns "EADDRINUSE" into "dnsmasq (pid 812)", which is what a technician needs
// to fix it. Linux only: /proc/net/{udp,udp6,tcp,tcp6} give the socket inode bound to a local port
// (in this process's network namespace), and /proc/<pid>/fd/* links read "socket:[inode]".
// Elsewhere, or when /proc does not tell (another user's processes without privileges), null.
import { readFile, readdir, readlink } from 'node:fs/promises';

export type PortProto = 'udp' | 'tcp';

const TCP_LISTEN = '0A';

/**
 * Socket inodes bound to `port` in the text of a /proc/net/{udp,tcp}[6] table.
 * Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …;
 * local_address is HEXIP:HEXPORT. For TCP only listeners count (connections reuse ports freely).
 */
export function parseProcNetTable(text: string, port: number, proto: PortProto): string[] {
  const inodes: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const local = cols[1];
    const inode = cols[9];
    if (!local || !inode || inode === '0') continue;
    const portHex = local.slice(local.lastIndexOf(':') + 1);
    if (parseInt(portHex, 16) !== port) continue;
    if (proto === 'tcp' && cols[3] !== TCP_LISTEN) continue;
    inodes.push(inode);
  }
  return inodes;
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * "comm (pid N)" of the processes holding `port`/`proto`, joined by ", " when several do
 * (e.g. sockets on the same port pinned to different interfaces), or null if none is found.
 */
export async function findPortHolder(port: number, proto: PortProto, procRoot = '/proc'): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  const tables = await Promise.all([proto, `${proto}6`].map((t) => readOr(`${procRoot}/net/${t}`, '')));
  const wanted = new Set(tables.flatMap((text) => parseProcNetTable(text, port, proto)).map((inode) => `socket:[${inode}]`));
  if (wanted.size === 0) return null;

  let pids: string[];
  try {
    pids = (await readdir(procRoot)).filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const holders: string[] = [];
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`${procRoot}/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      const target = await readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '');
      if (wanted.has(target)) {
        const comm = (await readOr(`${procRoot}/${pid}/comm`, '?')).trim();
        holders.push(`${comm} (pid ${pid})`);
        break;
      }
    }
  }
  return holders.length > 0 ? holders.join(', ') : null;
}
