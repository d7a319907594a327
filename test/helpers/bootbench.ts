// Starts the real `bootbench` command (the built bin, as users run it) inside a lab namespace.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { watchOutput, type Lab, type RunResult } from './netns.js';
import type { Host, LogEvent } from '../../electron/shared/contract.js';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const BIN = join(REPO, 'bin', 'bootbench.mjs');
export const NODE = process.execPath;

let built = false;
/** Builds dist/ once per test process, so a test never runs a stale bundle. */
export function ensureBuilt(): void {
  if (built) return;
  const r = spawnSync(NODE, ['scripts/build.mjs'], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  built = true;
}

export function tempDataDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `bootbench-${tag}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export interface RunningBootbench {
  child: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpExecArray>;
  /** Runs another CLI verb against the same data dir, inside the server namespace. */
  cli: (args: string[], timeoutMs?: number) => Promise<RunResult>;
  /** A CLI verb that must exit 0 (else an assertion naming the verb and its stderr): its stdout. */
  cliOk: (args: string[], timeoutMs?: number) => Promise<string>;
  /** `hosts --json`. */
  hosts: (timeoutMs?: number) => Promise<Host[]>;
  /** `logs MAC --json`: the host's timeline, one event a line. */
  timeline: (mac: string, timeoutMs?: number) => Promise<LogEvent[]>;
  stop: () => Promise<void>;
}

export async function startBootbench(
  lab: Lab,
  args: string[],
  dataDir: string,
  options: { ready?: boolean } = {},
): Promise<RunningBootbench> {
  ensureBuilt();
  const child = lab.spawn(lab.serverNs, NODE, [BIN, 'serve', '--data', dataDir, '--ui-port', '0', ...args], { cwd: REPO });
  const watch = watchOutput(child);
  const cli = (cliArgs: string[], timeoutMs = 30_000) => lab.exec(lab.serverNs, NODE, [BIN, ...cliArgs, '--data', dataDir], { timeoutMs });
  const cliOk = async (cliArgs: string[], timeoutMs?: number) => {
    const r = await cli(cliArgs, timeoutMs);
    assert.equal(r.code, 0, `bootbench ${cliArgs.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const running: RunningBootbench = {
    child,
    output: watch.text,
    waitFor: (pattern, timeoutMs = 30_000) => watch.waitFor(pattern, timeoutMs),
    cli,
    cliOk,
    hosts: async (timeoutMs) => JSON.parse(await cliOk(['hosts', '--json'], timeoutMs)) as Host[],
    timeline: async (mac, timeoutMs) =>
      (await cliOk(['logs', mac, '--json'], timeoutMs))
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as LogEvent),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  if (options.ready !== false) await running.waitFor(/^UI: http:\/\/127\.0\.0\.1:\d+\/\?token=/m, 60_000);
  return running;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
