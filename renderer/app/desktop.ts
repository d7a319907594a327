// The desktop shell's bridge (window.bootbench), present only in the Electron window.
import type { DesktopBridge } from '../../electron/shared/desktop.js';

export function desktopBridge(): DesktopBridge | null {
  const b = (globalThis as { bootbench?: DesktopBridge }).bootbench;
  return b && typeof b.pathForFile === 'function' ? b : null;
}
