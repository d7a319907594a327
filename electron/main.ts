// The desktop shell: starts the core (`bootbench serve`) as a separate process, privileged through
// pkexec on Linux when the DHCP/TFTP ports need it (never setcap on Electron, never Electron as
// root), waits for its UI URL and opens the window there. Nothing here that the core could do.
import { app, dialog, ipcMain } from 'electron';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Store from 'electron-store';
import { SettingKeySchema } from './shared/desktop.js';
import { openMainWindow } from './window.js';

const store = new Store<Record<string, unknown>>({ name: 'settings' });
let core: ChildProcess | null = null;

function coreCommand(args: string[]): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const cli = join(app.getAppPath(), 'dist', 'cli.mjs');
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  const needsPrivilege = process.platform === 'linux' && process.getuid?.() !== 0;
  if (needsPrivilege) return { command: 'pkexec', args: ['env', 'ELECTRON_RUN_AS_NODE=1', process.execPath, cli, ...args], env };
  return { command: process.execPath, args: [cli, ...args], env };
}

/** Starts the core and resolves with its UI URL (the line `UI: http://127.0.0.1:PORT/?token=…`). */
function startCore(iface: string): Promise<string> {
  const { command, args, env } = coreCommand(['serve', '--interface', iface, '--data', join(app.getPath('userData'), 'data')]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    core = child;
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Bootbench's server stopped (exit ${code}):\n${output.slice(-2000)}`)));
  });
}

ipcMain.handle('dialog:open-iso', async () => {
  const result = await dialog.showOpenDialog({ title: 'Open installer ISO', properties: ['openFile'], filters: [{ name: 'ISO images', extensions: ['iso', 'img'] }] });
  return result.canceled ? null : (result.filePaths[0] ?? null);
});
ipcMain.handle('settings:get', (_e, key: unknown) => store.get(SettingKeySchema.parse(key)));
ipcMain.handle('settings:set', (_e, key: unknown, value: unknown) => {
  store.set(SettingKeySchema.parse(key), value);
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.whenReady().then(async () => {
  const iface = (store.get('interface') as string | undefined) ?? process.env.BOOTBENCH_INTERFACE;
  if (!iface) {
    dialog.showErrorBox('Bootbench', 'Choose the network interface plugged into the lab switch: set BOOTBENCH_INTERFACE, or run `bootbench interfaces`.');
    app.quit();
    return;
  }
  try {
    await openMainWindow(await startCore(iface));
  } catch (e) {
    dialog.showErrorBox('Bootbench could not start', (e as Error).message);
    app.quit();
  }
});

app.on('window-all-closed', () => app.quit());
app.on('will-quit', () => core?.kill('SIGTERM'));
