// The desktop shell: starts the core (`bootbench serve`), waits for its UI URL and opens the
// window there. Nothing here that the core could do.
//
// Where the core runs: in a utilityProcess (a Node child of Electron, no extra privileges) when this
// user can bind the DHCP/TFTP ports; on Linux otherwise, as a privileged helper through pkexec,
// which runs a plain Node with the core (never setcap on Electron, never Electron as root: the
// RunAsNode fuse is off, so the Electron binary cannot even be used as that Node).
// With no interface remembered, the core starts in setup state and the UI's first-run flow picks it.
import { app, BrowserWindow, dialog, ipcMain, session, shell, utilityProcess, type IpcMainInvokeEvent } from 'electron';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Store from 'electron-store';
import { SettingKeySchema, type SettingKey } from './shared/desktop.js';
import { isDhcpMode } from './shared/contract.js';
import { isAppUrl, openMainWindow } from './window.js';

const store = new Store<Record<string, unknown>>({ name: 'settings' });
const UI_LINE = /^UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m;

interface CoreHandle {
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  onExit(fn: (code: number | null) => void): void;
  stop(): void;
}
let core: CoreHandle | null = null;
let uiUrl: string | null = null;

/** Can this process bind UDP 67 / 69 itself? Root, or a lowered ip_unprivileged_port_start. */
function canBindLowPorts(): boolean {
  if (process.platform !== 'linux') return true; // Windows and macOS let users bind them
  if (process.getuid?.() === 0) return true;
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')) <= 67;
  } catch {
    return false;
  }
}

/** The Node that runs the privileged helper: bundled beside the app, else the system's (deb/rpm depend on nodejs). */
function helperNode(): string {
  const candidates = [
    process.env.BOOTBENCH_NODE,
    join(process.resourcesPath, 'node', 'bin', 'node'),
    '/usr/bin/node',
    '/usr/local/bin/node',
  ];
  const found = candidates.find((p): p is string => typeof p === 'string' && p.startsWith('/') && existsSync(p));
  if (!found)
    throw new Error('Bootbench needs Node.js (20.19 or later) to run its network service with privileges: install the `nodejs` package.');
  return found;
}

function startCoreProcess(args: string[]): CoreHandle {
  const cli = join(app.getAppPath(), 'dist', 'cli.mjs');
  if (canBindLowPorts()) {
    const child = utilityProcess.fork(cli, args, { stdio: 'pipe', serviceName: 'Bootbench core' });
    return { stdout: child.stdout, stderr: child.stderr, onExit: (fn) => child.once('exit', fn), stop: () => void child.kill() };
  }
  // pkexec clears the environment and asks for an administrator's password once. The helper's
  // stdin stays open while we run: it is how a root process learns that its unprivileged parent is
  // gone (we may not signal it).
  const child = spawn('pkexec', [helperNode(), cli, ...args, '--exit-with-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
  return { stdout: child.stdout, stderr: child.stderr, onExit: (fn) => child.once('exit', fn), stop: () => child.stdin.end() };
}

/** Starts the core and resolves with its UI URL (the line `UI: http://127.0.0.1:PORT/?token=…`). */
function startCore(): Promise<string> {
  const args = ['serve', '--data', join(app.getPath('userData'), 'data')];
  // `npm start -- --interface IF` hands it over in BOOTBENCH_INTERFACE; else the one chosen last time.
  const iface = process.env.BOOTBENCH_INTERFACE || store.get('interface');
  if (typeof iface === 'string' && iface) {
    args.push('--interface', iface);
    const mode = store.get('mode');
    if (typeof mode === 'string' && mode) args.push('--mode', mode);
    const pool = store.get('pool');
    if (typeof pool === 'string' && pool) args.push('--pool', pool);
  }
  return new Promise((resolve, reject) => {
    const handle = startCoreProcess(args);
    core = handle;
    let output = '';
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      const match = UI_LINE.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    handle.stdout?.on('data', onData);
    handle.stderr?.on('data', onData);
    handle.onExit((code) => reject(new Error(`Bootbench's server stopped (exit ${code}):\n${output.slice(-2000)}`)));
  });
}

// IPC: only from our own page, with validated inputs.
function fromApp(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return uiUrl !== null && isAppUrl(url, uiUrl);
}

/** What each setting may hold: the renderer is not trusted to send well-formed values. */
function validSetting(key: SettingKey, value: unknown): boolean {
  switch (key) {
    case 'interface':
      return typeof value === 'string' && /^[\w.:@-]{0,64}$/.test(value);
    case 'mode':
      return isDhcpMode(value);
    case 'pool':
      return typeof value === 'string' && /^[0-9.\- ]{0,64}$/.test(value);
    case 'theme':
      return value === 'system' || value === 'light' || value === 'dark';
  }
}

ipcMain.handle('dialog:open-iso', async (event) => {
  if (!fromApp(event)) return null;
  const owner = BrowserWindow.fromWebContents(event.sender);
  const options = {
    title: 'Open installer ISO',
    properties: ['openFile' as const],
    filters: [{ name: 'ISO images', extensions: ['iso'] }],
  };
  const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
});
ipcMain.handle('settings:get', (event, key: unknown) => (fromApp(event) ? store.get(SettingKeySchema.parse(key)) : undefined));
ipcMain.handle('settings:set', (event, key: unknown, value: unknown) => {
  const k = SettingKeySchema.parse(key);
  if (!fromApp(event) || !validSetting(k, value)) throw new Error(`invalid setting ${k}`);
  store.set(k, value);
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.whenReady().then(async () => {
  try {
    uiUrl = await startCore();
    await openMainWindow(uiUrl, join(__dirname, 'preload.cjs'), { BrowserWindow, session: session.defaultSession, shell });
  } catch (e) {
    dialog.showErrorBox('Bootbench could not start', (e as Error).message);
    app.quit();
  }
});

app.on('window-all-closed', () => app.quit());
app.on('will-quit', () => core?.stop());
