// The desktop window: a locked-down BrowserWindow on the core's UI URL. Everything the UI does
// goes through the control API, like in any browser; the window adds only what preload.ts exposes.
// Electron is injected (types only here) so that the options and guards are tested in plain Node.
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, Shell } from 'electron';

export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  session: Session;
  shell: Pick<Shell, 'openExternal'>;
}

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Bootbench',
    show: false,
    backgroundColor: '#15181c',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false, // a dropped ISO is imported by the page, never opened as a page
      spellcheck: false,
      devTools: process.env.BOOTBENCH_DEVTOOLS === '1',
    },
  };
}

/**
 * The CSP the window enforces on top of the core's own header (defence in depth: a page served by
 * anything else on that origin still cannot run inline script or reach another host).
 */
export function windowCsp(uiUrl: string): string {
  const { host } = new URL(uiUrl);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://${host}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Only the core's own origin may be shown; anything else opens in the user's browser, if http(s). */
export function isAppUrl(url: string, uiUrl: string): boolean {
  try {
    return new URL(url).origin === new URL(uiUrl).origin;
  } catch {
    return false;
  }
}

/** Locks the session down: no permission is ever granted, and app pages carry the window's CSP. */
export function hardenSession(session: Session, uiUrl: string): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  const csp = windowCsp(uiUrl);
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url, uiUrl)) return callback({ cancel: true });
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}

export function guardNavigation(win: BrowserWindow, uiUrl: string, shell: WindowDeps['shell']): void {
  const contents = win.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url) && !isAppUrl(url, uiUrl)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const stay = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url, uiUrl)) event.preventDefault();
  };
  contents.on('will-navigate', stay);
  contents.on('will-redirect', stay);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export async function openMainWindow(uiUrl: string, preloadPath: string, deps: WindowDeps): Promise<BrowserWindow> {
  hardenSession(deps.session, uiUrl);
  const win = new deps.BrowserWindow(windowOptions(preloadPath));
  guardNavigation(win, uiUrl, deps.shell);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(uiUrl);
  return win;
}
