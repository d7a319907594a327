// The Electron window's options, CSP and guards, with `electron` replaced by fakes: window.ts takes
// BrowserWindow, the session and shell by injection and imports electron's types only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserWindow, BrowserWindowConstructorOptions, Session } from 'electron';
import {
  guardNavigation,
  hardenSession,
  isAppUrl,
  openMainWindow,
  windowCsp,
  windowOptions,
  type WindowDeps,
} from '../../../electron/window.js';

const UI = 'http://127.0.0.1:41234/?token=abcdefghijklmnopqrstuvwxyz';

type Handler = (...args: never[]) => unknown;

/** Records what window.ts installs, so the test can call the handlers like Electron would. */
function fakes() {
  const installed: Record<string, Handler> = {};
  const listeners: Record<string, Handler[]> = {};
  const opened: string[] = [];
  let windowOpen: Handler | null = null;
  let created: BrowserWindowConstructorOptions | null = null;
  let loaded: string | null = null;
  const webContents = {
    setWindowOpenHandler: (h: Handler) => void (windowOpen = h),
    on: (event: string, h: Handler) => void (listeners[event] ??= []).push(h),
  };
  class FakeWindow {
    webContents = webContents;
    constructor(options: BrowserWindowConstructorOptions) {
      created = options;
    }
    once() {}
    show() {}
    async loadURL(url: string) {
      loaded = url;
    }
  }
  const session = {
    setPermissionRequestHandler: (h: Handler) => void (installed.permissionRequest = h),
    setPermissionCheckHandler: (h: Handler) => void (installed.permissionCheck = h),
    setDevicePermissionHandler: (h: Handler) => void (installed.devicePermission = h),
    webRequest: { onHeadersReceived: (h: Handler) => void (installed.headers = h) },
  };
  const deps = {
    BrowserWindow: FakeWindow as unknown as WindowDeps['BrowserWindow'],
    session: session as unknown as Session,
    shell: { openExternal: async (url: string) => void opened.push(url) },
  };
  return {
    deps,
    installed,
    listeners,
    opened,
    windowOpen: () => windowOpen,
    created: () => created,
    loaded: () => loaded,
    win: () => new FakeWindow({}) as unknown as BrowserWindow,
  };
}

/** Calls a will-navigate style listener; true when it prevented the navigation. */
function prevented(listener: Handler, url: string): boolean {
  let stopped = false;
  (listener as unknown as (e: { preventDefault(): void }, url: string) => void)({ preventDefault: () => void (stopped = true) }, url);
  return stopped;
}

describe('electron/window', () => {
  test('window options: context isolation, sandbox, no Node anywhere, no webview, web security on', () => {
    const w = windowOptions('/app/dist/electron/preload.cjs');
    const p = w.webPreferences ?? {};
    assert.equal(p.contextIsolation, true);
    assert.equal(p.sandbox, true);
    assert.equal(p.nodeIntegration, false);
    assert.equal(p.nodeIntegrationInWorker, false);
    assert.equal(p.nodeIntegrationInSubFrames, false);
    assert.equal(p.webviewTag, false);
    assert.equal(p.webSecurity, true);
    assert.equal(p.allowRunningInsecureContent, false);
    assert.equal(p.navigateOnDragDrop, false, 'a dropped ISO must not replace the page');
    assert.equal(p.preload, '/app/dist/electron/preload.cjs');
    assert.equal(w.show, false, 'shown on ready-to-show, without a white flash');
  });

  test('the CSP allows only our own origin: no inline script, no eval, no other host', () => {
    const csp = windowCsp(UI);
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k, v] as const),
    );
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('connect-src'), ["'self'", 'ws://127.0.0.1:41234']);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
    assert.ok(!/\*/.test(csp), 'no wildcard');
  });

  test('isAppUrl: same origin only', () => {
    assert.equal(isAppUrl('http://127.0.0.1:41234/settings', UI), true);
    assert.equal(isAppUrl('http://127.0.0.1:41235/', UI), false);
    assert.equal(isAppUrl('http://localhost:41234/', UI), false);
    assert.equal(isAppUrl('https://example.com/', UI), false);
    assert.equal(isAppUrl('file:///etc/passwd', UI), false);
    assert.equal(isAppUrl('not a url', UI), false);
  });

  test('the session grants no permission and puts the CSP on app pages, cancelling anything else', () => {
    const f = fakes();
    hardenSession(f.deps.session, UI);
    let granted: boolean | null = null;
    (f.installed.permissionRequest as unknown as (wc: unknown, p: string, cb: (ok: boolean) => void) => void)(
      null,
      'media',
      (ok) => (granted = ok),
    );
    assert.equal(granted, false);
    assert.equal((f.installed.permissionCheck as unknown as () => boolean)(), false);
    assert.equal((f.installed.devicePermission as unknown as () => boolean)(), false);
    const onHeaders = f.installed.headers as unknown as (
      d: { url: string; responseHeaders?: Record<string, string[]> },
      cb: (r: { cancel?: boolean; responseHeaders?: Record<string, string[]> }) => void,
    ) => void;
    let answer: { cancel?: boolean; responseHeaders?: Record<string, string[]> } | null = null;
    onHeaders({ url: 'http://127.0.0.1:41234/', responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (answer = r));
    assert.deepEqual(answer, { responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [windowCsp(UI)] } });
    onHeaders({ url: 'https://evil.example/x.js' }, (r) => (answer = r));
    assert.deepEqual(answer, { cancel: true });
  });

  test('navigation away, redirects, webviews and new windows are denied; http links go to the browser', () => {
    const f = fakes();
    guardNavigation(f.win(), UI, f.deps.shell);
    const [nav] = f.listeners['will-navigate'] ?? [];
    const [redirect] = f.listeners['will-redirect'] ?? [];
    const [webview] = f.listeners['will-attach-webview'] ?? [];
    assert.ok(nav && redirect && webview);
    assert.equal(prevented(nav, 'https://evil.example/'), true);
    assert.equal(prevented(nav, 'file:///home/user/x.iso'), true);
    assert.equal(prevented(nav, 'http://127.0.0.1:41234/other'), false);
    assert.equal(prevented(redirect, 'http://10.0.0.1/'), true);
    assert.equal(prevented(webview, 'anything'), true);
    const open = f.windowOpen() as unknown as (d: { url: string }) => { action: string };
    assert.deepEqual(open({ url: 'https://docs.example/guide' }), { action: 'deny' });
    assert.deepEqual(open({ url: 'javascript:alert(1)' }), { action: 'deny' });
    assert.deepEqual(open({ url: 'http://127.0.0.1:41234/' }), { action: 'deny' });
    assert.deepEqual(f.opened, ['https://docs.example/guide'], 'only an external http(s) link is handed to the OS browser');
  });

  test('openMainWindow builds the window from windowOptions, hardens the session first and loads the UI URL', async () => {
    const f = fakes();
    await openMainWindow(UI, '/p/preload.cjs', f.deps);
    assert.deepEqual(f.created(), windowOptions('/p/preload.cjs'));
    assert.ok(f.installed.permissionRequest && f.installed.headers);
    assert.equal(f.loaded(), UI);
    assert.ok((f.listeners['will-navigate'] ?? []).length === 1);
  });
});
