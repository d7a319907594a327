// Sample host, distros, settings and URLs for the answer-file tests.
import type { Distro, DistroFamily, Host, InstallSettings } from '../../../electron/shared/contract.js';
import type { AnswerContextInput } from '../../../electron/core/install/answer-files.js';

export const SAMPLE_HOST: Host = {
  mac: '52:54:00:ab:cd:ef',
  firmware: 'uefi',
  arch: 'x86_64',
  clientArch: 7,
  ip: '10.231.5.100',
  state: 'queued',
  distro: null,
  uuid: '8c4e2f1a-0000-4000-8000-000000000001',
  vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
  userClass: 'iPXE',
  hostname: null,
  firstSeen: '2025-01-01T00:00:00.000Z',
  lastSeen: '2025-01-01T00:00:00.000Z',
  chain: 'ipxe',
};

const DISTROS: Record<Exclude<DistroFamily, 'alpine' | 'generic'>, Pick<Distro, 'id' | 'name' | 'version'>> = {
  rhel: { id: 'rocky-9.4-x86_64', name: 'Rocky Linux', version: '9.4' },
  debian: { id: 'debian-12.5.0-amd64', name: 'Debian', version: '12.5.0' },
  ubuntu: { id: 'ubuntu-24.04-live-server-amd64', name: 'Ubuntu Server', version: '24.04' },
  suse: { id: 'opensuse-leap-15.6-x86_64', name: 'openSUSE Leap', version: '15.6' },
};

export function sampleDistro(family: keyof typeof DISTROS): Distro {
  const d = DISTROS[family];
  return {
    ...d,
    family,
    arch: 'x86_64',
    variant: null,
    kernel: 'images/pxeboot/vmlinuz',
    initrd: 'images/pxeboot/initrd.img',
    kernelArgs: '',
    iso: `/srv/iso/${d.id}.iso`,
    isoSize: 1,
    isoMtime: '2025-01-01T00:00:00.000Z',
    volumeId: 'X',
    status: 'ok',
    evidence: [],
    importedAt: '2025-01-01T00:00:00.000Z',
    sha256: null,
    secureBoot: false,
    secureBootReason: null,
    boot: 'installer',
    bootReason: null,
  };
}

export const SAMPLE_SETTINGS: InstallSettings = {
  hostnamePattern: 'node-{mac}',
  domain: 'lab',
  timezone: 'Europe/Berlin',
  locale: 'de_DE.UTF-8',
  keyboard: 'de',
  targetDisk: '',
  rootPasswordHash: '$6$saltsalt$qkTgsCrWMTAS9gBGcf9W60sFfH.hU0oTCAOJjhbz5tSp/sU3/xXZK4OFwCtq8lIIdpJ6CatVdOTSHKp97TPkt/',
  adminUser: 'bootbench',
  adminPasswordHash: '$6$rounds=10000$abcdefgh$HWQuSC8TiiXWoRE/m7KTKvFW4fSo37ENQ9mx60c9S1wcDKVdi8xih9fmK8xuiUjKFN5ob/D0305hAMYaxkFxN1',
  sshAuthorizedKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGk5cXhH0mX9vQ+eS7b1y3n1p3o2c1m9z8b7a6c5d4e3 admin@laptop',
  extraPackages: ['vim', 'htop'],
  postInstallScript: "echo 'hello from post' > /root/hello\nsystemctl enable sshd || true",
};

export function sampleInput(family: keyof typeof DISTROS, over: Partial<AnswerContextInput> = {}): AnswerContextInput {
  const distro = sampleDistro(family);
  const base = 'http://10.231.5.1:8080';
  const token = 'tok3n';
  return {
    host: SAMPLE_HOST,
    distro,
    settings: SAMPLE_SETTINGS,
    overrides: {},
    urls: {
      httpBase: base,
      answer: `${base}/install/${token}/answer`,
      report: `${base}/install/${token}/report`,
      log: `${base}/install/${token}/log`,
      webhook: `${base}/install/${token}/webhook`,
      repo: `${base}/iso/${distro.id}/`,
      iso: `${base}/iso/${distro.id}.iso`,
    },
    syslog: { host: '10.231.5.1', port: 514 },
    serverIp: '10.231.5.1',
    debianSuite: family === 'debian' ? 'bookworm' : null,
    counter: 7,
    ...over,
  };
}
