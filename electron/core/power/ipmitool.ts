// Runs the `ipmitool` program (docs/decisions.md, "IPMI through ipmitool") for one BMC. The password
// never appears on a command line (visible to every user through ps and /proc): ipmitool reads it
// from IPMI_PASSWORD in its own environment (`-E`), and the child's environment is built here from
// PATH and the password only. Timeouts are ipmitool's (`-N` seconds per try, `-R` tries), bounded,
// and the caller's AbortSignal kills the child.
import { spawn } from 'node:child_process';
import { PowerFailure } from './driver.js';
import type { StoredIpmi } from './settings-store.js';

export const IPMITOOL_INSTALL_HINT =
  'install it (Debian, Ubuntu: sudo apt install ipmitool; Fedora, RHEL: sudo dnf install ipmitool; macOS: brew install ipmitool)';

export interface IpmitoolOptions {
  /** The program (default: `ipmitool` on PATH). */
  program?: string;
  /** Seconds ipmitool waits for each answer (-N) and how many times it asks again (-R). */
  timeoutSec?: number;
  retries?: number;
}

export interface IpmitoolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 256 * 1024;

/** The arguments of one ipmitool call: everything but the password. */
export function ipmitoolArgs(s: StoredIpmi, command: readonly string[], o: IpmitoolOptions = {}): string[] {
  return [
    '-I',
    'lanplus',
    '-H',
    s.address,
    '-p',
    String(s.port),
    '-U',
    s.user,
    '-E',
    '-C',
    String(s.cipherSuite),
    '-N',
    String(o.timeoutSec ?? 2),
    '-R',
    String(o.retries ?? 2),
    // -v: the words that tell a refused password from a BMC that did not answer (ipmi-output.ts).
    '-v',
    ...command,
  ];
}

export function runIpmitool(s: StoredIpmi, command: readonly string[], signal: AbortSignal, o: IpmitoolOptions = {}): Promise<IpmitoolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(o.program ?? 'ipmitool', ipmitoolArgs(s, command, o), {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', IPMI_PASSWORD: s.password ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString('utf8')).slice(-MAX_OUTPUT)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-MAX_OUTPUT)));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT')
        reject(new PowerFailure('unavailable', `the ipmitool program is not installed here: ${IPMITOOL_INSTALL_HINT}`));
      else if (e.name === 'AbortError') reject(new PowerFailure('no-answer', 'ipmitool was stopped: the BMC did not answer in time'));
      else reject(new PowerFailure('failed', `ipmitool could not run: ${e.message}`));
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** ipmitool's version ("1.8.19"), or null when the program is not installed (for `bootbench check`). */
export function ipmitoolVersion(program = 'ipmitool'): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(program, ['-V'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 ? (/version\s+(\S+)/i.exec(out)?.[1] ?? out.trim()) || 'unknown version' : null));
  });
}
