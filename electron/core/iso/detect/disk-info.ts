// /.disk/info, the one-line label debian-cd and Ubuntu's livecd-rootfs write on their media. Pure.
// Seen in the wild:
//   Debian GNU/Linux 12.7.0 "Bookworm" - Official amd64 NETINST with firmware 20240831-10:38
//   Debian GNU/Linux 12.7.0 "Bookworm" - Official amd64 DVD Binary-1 with firmware 20240831-10:40
//   Ubuntu-Server 24.04.1 LTS "Noble Numbat" - Release amd64 (20240827)
//   Ubuntu 16.04.6 LTS "Xenial Xerus" - Release i386 (20190227.1)
//   Kali GNU/Linux 2021.3a "Kali-last-snapshot" - Official amd64 BD Binary-1 with firmware 20211015-16:55
// and live-build's different shape (Debian live images):
//   Official Debian GNU/Linux Live 12.7.0 standard 2024-08-31T10:49:52Z

import type { Arch } from '../../../shared/contract.js';
import { archInText } from './arch.js';

export interface DiskInfo {
  shape: 'installer' | 'live';
  product: string; // 'Debian GNU/Linux', 'Ubuntu-Server', 'Ubuntu', 'Kubuntu', …
  version: string; // as written: '12.7.0', '24.04.1'
  lts: boolean;
  codename?: string;
  arch: Arch | null;
  /** Words after the dash: 'Official amd64 NETINST with firmware …', 'Release amd64 (20240827)' */
  detail: string;
  /** live-build's flavour word ('standard', 'gnome', …) */
  flavour?: string;
}

export function parseDiskInfo(text: string): DiskInfo | null {
  const line = text.split(/\r?\n/)[0]?.trim() ?? '';
  const live = /^Official\s+(.+?\sLive)\s+(\d+(?:\.\d+)*)\s+(\S+)/i.exec(line);
  if (live?.[1] && live[2] && live[3]) {
    return { shape: 'live', product: live[1], version: live[2], lts: false, arch: null, detail: line, flavour: live[3] };
  }
  const m = /^(.+?)\s+(\S+?)(\s+LTS)?\s+"([^"]*)"\s+-\s+(.*)$/.exec(line);
  if (!m?.[1] || !m[2] || m[5] === undefined) return null;
  return {
    shape: 'installer',
    product: m[1],
    version: m[2],
    lts: m[3] !== undefined,
    ...(m[4] ? { codename: m[4] } : {}),
    arch: archInText(m[5]),
    detail: m[5],
  };
}

/** Debian labels its media with the CD build revision ('12.7.0'); the release is '12.7'. */
export function debianRelease(version: string): string {
  return /^\d+\.\d+\.0$/.test(version) ? version.replace(/\.0$/, '') : version;
}

export function isUbuntuProduct(product: string): boolean {
  return /ubuntu/i.test(product);
}
