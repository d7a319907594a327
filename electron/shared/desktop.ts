// What the desktop shell adds to the page (window.bootbench), absent in a plain browser.
import { z } from 'zod';

export interface DesktopBridge {
  /** The filesystem path of a dropped File (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
  /** A native "Open ISO…" dialog; null when cancelled. */
  openIsoDialog(): Promise<string | null>;
  getSetting(key: SettingKey): Promise<unknown>;
  setSetting(key: SettingKey, value: unknown): Promise<void>;
}

export const SETTING_KEYS = ['interface', 'mode', 'pool', 'theme'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];
export const SettingKeySchema = z.enum(SETTING_KEYS);
