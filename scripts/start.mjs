// `npm start`: the desktop app where an Electron binary exists; otherwise (as on machines that
// cannot download it) the same UI served headless by `bootbench serve`, with its URL printed.
//   npm start [-- --interface IF] [other serve options]   (no interface: the UI's first-run flow picks one)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const i = args.findIndex((a) => a === '--interface' || a === '-i');
const iface = i >= 0 ? args[i + 1] : process.env.BOOTBENCH_INTERFACE;

// Looks for the binary without require('electron'), which would try to download it.
function electronBinary() {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 1));
}

const electron = electronBinary();
if (electron && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY || process.platform !== 'linux')) {
  run(electron, ['.'], { ...process.env, ...(iface ? { BOOTBENCH_INTERFACE: iface } : {}) });
} else {
  process.stdout.write(
    electron
      ? 'No display: starting Bootbench headless; open the UI URL below in a browser.\n'
      : 'The Electron binary is not installed here (it could not be downloaded): starting Bootbench headless; open the UI URL below in a browser.\n',
  );
  // With no interface the core starts in setup state: the UI's first-run flow lists the
  // interfaces, runs the preflight and starts serving on the one chosen.
  const serveArgs = i >= 0 || !iface ? args : ['--interface', iface, ...args];
  if (!iface) process.stdout.write('No --interface given: choose the one plugged into the lab switch in the UI.\n');
  run(process.execPath, ['bin/bootbench.mjs', 'serve', ...serveArgs]);
}
