// Windows installation media: bootmgr + sources/boot.wim (+ install.wim or install.esd). Microsoft's
// ISOs are UDF with a minimal ISO 9660 bridge that holds only README.TXT ("This disc contains a "UDF"
// file system …"), so an ISO 9660 reader sees that file alone; both shapes are recognised.
// Booting Windows needs wimboot and a WinPE flow Bootbench does not have yet: reported, not supported.

import type { DistroDetection } from './types.js';
import { archFromEfiLoader, archInText, normalizeArch } from './arch.js';
import type { Probe } from './probe.js';

const REASON = 'Windows installation media is recognised but not supported yet';

export async function detectWindows(probe: Probe): Promise<DistroDetection | null> {
  const evidence: string[] = [];
  const bootWim = probe.file('/sources/boot.wim');
  const installImage = probe.file('/sources/install.wim') ?? probe.file('/sources/install.esd') ?? probe.file('/sources/install.swm');
  const bootmgr = probe.file('/bootmgr') ?? probe.file('/bootmgr.efi');
  if (bootWim) evidence.push(bootWim);
  if (installImage) evidence.push(installImage);
  if (bootmgr) evidence.push(bootmgr);

  const udfOnly = !bootWim && !bootmgr ? await udfBridge(probe) : null;
  if (udfOnly) evidence.push(`${udfOnly}: the ISO 9660 side is only the UDF bridge notice${probe.udf ? ' (UDF descriptors present)' : ''}`);
  // Microsoft's volume labels: CCCOMA_X64FRE_EN-US_DV9 (Windows 10/11), CPBA_A64FRE_… (ARM64), SSS_X64FRE_… (Server).
  const label = /^(?:CCCOMA|CPBA|CCSA|CENA|SSS|CES|CCB|J_CCSA|GSP1RM)\w*?_(X64|A64|X86)FRE/i.exec(probe.volumeId);
  if (label) evidence.push(`volume label ${probe.volumeId}`);
  if (!bootWim && !(bootmgr && installImage) && !udfOnly && !(label && probe.udf)) return null;

  const loader = probe
    .list('/efi/boot')
    .map((e) => archFromEfiLoader(e.name))
    .find((a) => a !== null);
  // sources/idwbinfo.txt: '[BUILDINFO] BuildArch=amd64 BuildBranch=ge_release …'
  const info = (await probe.readText('/sources/idwbinfo.txt', 4096)) ?? '';
  const buildArch = /^BuildArch=(\S+)/m.exec(info)?.[1];
  const branch = /^BuildBranch=(\S+)/m.exec(info)?.[1];
  if (buildArch || branch) evidence.push(`/sources/idwbinfo.txt: BuildArch=${buildArch ?? '?'} BuildBranch=${branch ?? '?'}`);
  const fileName = probe.fileName ?? '';
  const edition = /win(?:dows)?[ _-]?(11|10|server[ _-]?\d{4})/i.exec(fileName)?.[1]?.replace(/[ _-]+/, ' ');
  const release = /\b(\d{2}H\d)\b/i.exec(fileName.replace(/_/g, ' '))?.[1]?.toUpperCase();
  return {
    family: 'windows',
    name: edition ? `Windows ${edition.replace(/^server/i, 'Server')}` : 'Windows',
    version: release ?? '',
    arch:
      (buildArch ? normalizeArch(buildArch) : null) ??
      loader ??
      (label?.[1] ? normalizeArch(label[1] === 'A64' ? 'arm64' : label[1]) : null) ??
      archInText(fileName) ??
      'unknown',
    kernel: null,
    initrd: null,
    ...(udfOnly || (!bootWim && label) ? { variant: 'UDF' } : {}),
    supported: false,
    reason: REASON,
    evidence,
  };
}

async function udfBridge(probe: Probe): Promise<string | null> {
  const root = probe.list('/').filter((e) => !e.name.startsWith('.'));
  if (root.length !== 1 || root[0]?.kind !== 'file') return null;
  const text = (await probe.readText(root[0].path, 4096)) ?? '';
  return /"?UDF"?\s+file system/i.test(text) ? root[0].path : null;
}
