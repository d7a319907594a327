// The only bridge between the page and the desktop: what a browser cannot do. Nothing else.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { DesktopBridge } from './shared/desktop.js';

const bridge: DesktopBridge = {
  pathForFile: (file) => webUtils.getPathForFile(file),
  openIsoDialog: () => ipcRenderer.invoke('dialog:open-iso') as Promise<string | null>,
  getSetting: (key) => ipcRenderer.invoke('settings:get', key) as Promise<unknown>,
  setSetting: (key, value) => ipcRenderer.invoke('settings:set', key, value) as Promise<void>,
};

contextBridge.exposeInMainWorld('bootbench', bridge);
