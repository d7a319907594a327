// The desktop window: a locked-down BrowserWindow on the core's UI URL. Everything the UI does
// goes through the control API, like in any browser; the window adds only what preload.ts exposes.
import { BrowserWindow, session, shell, type BrowserWindowConstructorOptions } from 'electron';
import { join } from 'node:path';

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Bootbench',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  };
}

/** Only the core's own origin may be shown; anything else opens in the user's browser, if http(s). */
export function isAppUrl(url: string, uiUrl: string): boolean {
  try {
    return new URL(url).origin === new URL(uiUrl).origin;
  } catch {
    return false;
  }
}

export async function openMainWindow(uiUrl: string): Promise<BrowserWindow> {
  const win = new BrowserWindow(windowOptions(join(__dirname, 'preload.cjs')));
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url) && !isAppUrl(url, uiUrl)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, uiUrl)) event.preventDefault();
  });
  win.once('ready-to-show', () => win.show());
  await win.loadURL(uiUrl);
  return win;
}
