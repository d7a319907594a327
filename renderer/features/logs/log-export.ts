// The log as text, for Copy and Save: every line given (not only the rows the virtual list has on
// screen), each with its time stamp, source, level, MAC and message.
import type { LogEvent } from '../../../electron/shared/contract.js';
import { lineText } from './log-line.js';

export function logText(lines: readonly LogEvent[]): string {
  return lines.length === 0 ? '' : `${lines.map(lineText).join('\n')}\n`;
}

/** `bootbench-log-2026-12-07T18-44-01.log`: sortable, and valid on every file system. */
export function logFileName(prefix: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  return `${prefix.replace(/[^A-Za-z0-9._-]+/g, '-')}-${stamp}.log`;
}

/** Puts `text` on the clipboard (the Clipboard API; a hidden text area where it is missing). */
export async function copyText(text: string): Promise<void> {
  if (globalThis.navigator?.clipboard?.writeText) return globalThis.navigator.clipboard.writeText(text);
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('The browser refused to copy to the clipboard.');
}

/** Offers `text` as a download named `name` (the browser's or the desktop app's save dialog). */
export function saveText(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.className = 'visually-hidden';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by then; the URL only needs to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
