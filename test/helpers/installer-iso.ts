// Test installer ISOs for the end-to-end tests, built with xorriso and cached between runs.
//
// buildFakeRhelIso(): laid out as a Rocky Linux 9.4 DVD (.treeinfo, .discinfo, images/pxeboot,
//   BaseOS/repodata) so that Bootbench detects it as family `rhel` and boots it with its RHEL
//   recipe; its kernel is Debian's (linux-image-amd64, unpacked, never installed) and its initrd a
//   busybox-static "fake Anaconda" (fake-anaconda/init.sh) that fetches inst.ks, logs to
//   inst.syslog, writes a bootable payload + marker to the disk, runs %post and reboots.
// buildDebianNetbootIso(): laid out as a Debian 12 netinst (.disk/info, install.amd, dists/) but
//   carrying the real netboot installer from debian-installer-12-netboot-amd64, which fetches its
//   components from the network (the netinst's own install.amd is the CD flavour, which does not).
//
// Cache: $BOOTBENCH_TEST_CACHE or /var/tmp/bootbench-test-cache, one folder per input hash; a
// build goes to a temporary folder renamed into place, so concurrent test processes never see
// half a build.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { detectDistro, type DistroDetection } from '../../electron/core/iso/detect.js';
import { IsoImage } from '../../electron/core/iso/iso9660.js';
import { diskPayload } from './disk-payload.js';
import { buildIso, sha256File } from './iso-build.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
/** Bump when the layout changes in a way the input hash does not see. */
const BUILD_VERSION = 'v1';
export const DI_DIR = '/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64';
/** Modules the fake installer loads (their dependencies are added): the NICs and disks QEMU offers. */
const WANTED_MODULES = ['e1000', 'virtio_pci', 'virtio_net', 'virtio_blk', 'ata_piix', 'ahci', 'sd_mod'];

export function testCacheDir(): string {
  const dir = process.env.BOOTBENCH_TEST_CACHE ?? '/var/tmp/bootbench-test-cache';
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function sh(script: string, args: string[] = [], cwd?: string): Promise<string> {
  try {
    const r = await run('bash', ['-euo', 'pipefail', '-c', script, 'bash', ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return r.stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`${script.split('\n')[0]} failed: ${err.stderr?.trim() || err.message}`);
  }
}

/** Builds into a temporary folder and renames it to `dir`; returns `dir` (cached when complete). */
async function cached(dir: string, build: (tmp: string) => Promise<void>): Promise<string> {
  if (existsSync(join(dir, '.complete'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await build(tmp);
    writeFileSync(join(tmp, '.complete'), new Date().toISOString());
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!existsSync(join(dir, '.complete'))) throw e; // another process won the race: use theirs
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

export interface DebianKernel {
  package: string; // linux-image-6.1.0-56-amd64
  version: string; // 6.1.0-56-amd64
  vmlinuz: string;
  /** Module files in load order (dependencies first). */
  modules: string[];
}

/** The kernel package that linux-image-amd64 currently depends on (needs `apt-get update` once). */
export async function currentKernelPackage(): Promise<string> {
  const out = await sh('apt-cache depends linux-image-amd64');
  const pkg = /Depends: (linux-image-\d\S*-amd64)\b/.exec(out)?.[1];
  if (!pkg) throw new Error(`cannot resolve linux-image-amd64 (run apt-get update): ${out.trim()}`);
  return pkg;
}

/** `depends=` from a module's .modinfo section. */
function moduleDepends(ko: Buffer): string[] {
  const i = ko.indexOf('\0depends=');
  if (i < 0) return [];
  const end = ko.indexOf(0, i + 1);
  return ko
    .subarray(i + 9, end)
    .toString('latin1')
    .split(',')
    .filter(Boolean);
}

const modName = (path: string) => path.replace(/^.*\//, '').replace(/\.ko$/, '').replace(/-/g, '_');

/**
 * Downloads the kernel .deb with `apt-get download` and unpacks only vmlinuz and the modules the
 * fake installer needs (the whole package is ~400 MB unpacked); nothing is installed on the host.
 */
export async function debianKernel(): Promise<DebianKernel> {
  const pkg = process.env.BOOTBENCH_TEST_KERNEL_PKG ?? (await currentKernelPackage());
  const dir = await cached(join(testCacheDir(), `kernel-${pkg}-${BUILD_VERSION}`), async (tmp) => {
    await sh('apt-get download -qq "$1" 2>&1 | grep -v unsandboxed || true', [pkg], tmp);
    const deb = readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb (run apt-get update?)`);
    const debPath = join(tmp, deb);
    const listing = (await sh('dpkg-deb --fsys-tarfile "$1" | tar -t', [debPath])).split('\n');
    const byName = new Map(listing.filter((p) => p.endsWith('.ko')).map((p) => [modName(p), p] as const));
    const vmlinuz = listing.find((p) => /^\.\/boot\/vmlinuz-/.test(p));
    if (!vmlinuz) throw new Error(`${deb} holds no /boot/vmlinuz-*`);
    const root = join(tmp, 'root');
    mkdirSync(root);
    await sh('dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "$3"', [debPath, root, vmlinuz]);
    // Resolve dependencies from each module's own modinfo (kmod's depmod may not be installed).
    const order: string[] = [];
    const deps = new Map<string, string[]>();
    let pending = WANTED_MODULES.filter((m) => byName.has(m));
    while (pending.length > 0) {
      await sh('dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "${@:3}"', [debPath, root, ...pending.map((m) => byName.get(m)!)]);
      const next: string[] = [];
      for (const m of pending) {
        const d = moduleDepends(readFileSync(join(root, byName.get(m)!)))
          .map((x) => x.replace(/-/g, '_'))
          .filter((x) => byName.has(x));
        deps.set(m, d);
        for (const x of d) if (!deps.has(x) && !pending.includes(x) && !next.includes(x)) next.push(x);
      }
      pending = next;
    }
    const visit = (m: string) => {
      if (order.includes(m)) return;
      for (const d of deps.get(m) ?? []) visit(d);
      order.push(m);
    };
    for (const m of deps.keys()) visit(m);
    mkdirSync(join(tmp, 'modules'));
    for (const m of order) copyFileSync(join(root, byName.get(m)!), join(tmp, 'modules', `${m}.ko`));
    copyFileSync(join(root, vmlinuz), join(tmp, 'vmlinuz'));
    writeFileSync(join(tmp, 'load-order'), order.map((m) => `${m}.ko`).join('\n') + '\n');
    writeFileSync(join(tmp, 'version'), vmlinuz.replace(/^.*vmlinuz-/, ''));
    rmSync(root, { recursive: true, force: true });
    rmSync(debPath);
  });
  const order = readFileSync(join(dir, 'load-order'), 'utf8').split('\n').filter(Boolean);
  return {
    package: pkg,
    version: readFileSync(join(dir, 'version'), 'utf8').trim(),
    vmlinuz: join(dir, 'vmlinuz'),
    modules: order.map((m) => join(dir, 'modules', m)),
  };
}

function hashInputs(parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

const scriptFile = (name: string) => join(HERE, 'fake-anaconda', name);

/** The fake Anaconda initramfs (gzip'd newc cpio) for `kernel`, written to `out`. */
async function buildInitramfs(kernel: DebianKernel, out: string, staging: string): Promise<void> {
  const bb = '/bin/busybox';
  if ((await sh('ldd "$1" 2>&1 || true', [bb])).includes('=>'))
    throw new Error(`${bb} is dynamically linked: apt-get install -y busybox-static`);
  for (const d of ['bin', 'dev', 'proc', 'sys', 'tmp', 'etc', 'lib/modules', 'usr/bin', 'usr/share/udhcpc'])
    mkdirSync(join(staging, d), { recursive: true });
  copyFileSync(bb, join(staging, 'bin/busybox'));
  await sh('ln -s busybox "$1/bin/sh"', [staging]);
  for (const m of kernel.modules) copyFileSync(m, join(staging, 'lib/modules', m.replace(/^.*\//, '')));
  writeFileSync(join(staging, 'lib/modules/load-order'), kernel.modules.map((m) => m.replace(/^.*\//, '')).join('\n') + '\n');
  copyFileSync(scriptFile('init.sh'), join(staging, 'init'));
  copyFileSync(scriptFile('curl.sh'), join(staging, 'usr/bin/curl'));
  copyFileSync(scriptFile('udhcpc.sh'), join(staging, 'usr/share/udhcpc/default.script'));
  for (const f of ['init', 'usr/bin/curl', 'usr/share/udhcpc/default.script', 'bin/busybox']) chmodSync(join(staging, f), 0o755);
  writeFileSync(join(staging, 'disk-payload.img'), diskPayload());
  writeFileSync(join(staging, 'etc/hostname'), 'localhost\n');
  // The kernel opens /dev/console before running /init; without the node its first output is lost.
  await sh('mknod -m 600 "$1/dev/console" c 5 1 || true', [staging]);
  await sh('cd "$1" && find . -print0 | cpio --null -o -H newc --quiet | gzip -9 > "$2"', [staging, out]);
}

export interface FakeRhelIso {
  iso: string;
  kernelVersion: string;
  /** The same kernel and initrd as on the ISO, for direct (-kernel/-initrd) boots. */
  kernel: string;
  initrd: string;
  /** What Bootbench's detector says about the ISO (family 'rhel'). */
  detection: DistroDetection;
}

function treeinfo(sums: Record<string, string>, timestamp: number): string {
  return `[checksums]
${Object.entries(sums)
  .map(([p, s]) => `${p} = sha256:${s}`)
  .join('\n')}

[general]
; WARNING.0 = This section provides compatibility with pre-productmd treeinfos.
; WARNING.1 = Read productmd documentation for details about new format.
arch = x86_64
family = Rocky Linux
name = Rocky Linux 9.4
packagedir = BaseOS/Packages
platforms = x86_64
repository = BaseOS
timestamp = ${timestamp}
variant = BaseOS
variants = BaseOS
version = 9.4

[header]
type = productmd.treeinfo
version = 1.2

[images-x86_64]
initrd = images/pxeboot/initrd.img
kernel = images/pxeboot/vmlinuz

[media]
discnum = 1
totaldiscs = 1

[release]
name = Rocky Linux
short = Rocky
version = 9.4

[stage2]
mainimage = images/install.img

[tree]
arch = x86_64
build_timestamp = ${timestamp}
platforms = x86_64
variants = BaseOS

[variant-BaseOS]
id = BaseOS
name = BaseOS
packages = BaseOS/Packages
repository = BaseOS
type = variant
uid = BaseOS
`;
}

/** Opens an ISO with Bootbench's own reader and runs its distribution detection. */
export async function detectIsoFile(path: string): Promise<DistroDetection> {
  const image = await IsoImage.open(path);
  try {
    return await detectDistro(image, path.replace(/^.*\//, ''));
  } finally {
    await image.close();
  }
}

/** Debian's signed binaries that stand in for a RHEL ISO's own EFI/BOOT chain (shim-signed, grub-efi-amd64-signed). */
export const SIGNED_EFI = {
  shim: '/usr/lib/shim/shimx64.efi.signed',
  grub: '/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed',
} as const;

/**
 * The fake RHEL ISO; with `signedEfi`, its EFI/BOOT holds a Microsoft-signed shim (BOOTX64.EFI)
 * and a signed netboot GRUB (grubx64.efi), as a real RHEL ISO does. Only Debian's signed binaries
 * exist here, so they stand in for Red Hat's; the kernel (linux-image-amd64) is signed by Debian
 * too, so Debian's shim verifies it, and its modules (signed) load under Secure Boot's lockdown.
 */
export async function buildFakeRhelIso(options: { signedEfi?: boolean } = {}): Promise<FakeRhelIso> {
  const kernel = await debianKernel();
  const efi = options.signedEfi === true;
  if (efi && !existsSync(SIGNED_EFI.shim)) throw new Error(`${SIGNED_EFI.shim} missing: apt-get install -y shim-signed`);
  if (efi && !existsSync(SIGNED_EFI.grub)) throw new Error(`${SIGNED_EFI.grub} missing: apt-get install -y grub-efi-amd64-signed`);
  const key = hashInputs([
    BUILD_VERSION,
    kernel.package,
    ...['init.sh', 'curl.sh', 'udhcpc.sh'].map((f) => readFileSync(scriptFile(f))),
    diskPayload(),
    readFileSync('/bin/busybox'),
    ...(efi ? [readFileSync(SIGNED_EFI.shim), readFileSync(SIGNED_EFI.grub)] : []),
  ]);
  const dir = await cached(join(testCacheDir(), `fake-rhel-${efi ? 'sb-' : ''}${key}`), async (tmp) => {
    const tree = join(tmp, 'tree');
    const pxe = join(tree, 'images/pxeboot');
    mkdirSync(pxe, { recursive: true });
    copyFileSync(kernel.vmlinuz, join(pxe, 'vmlinuz'));
    if (efi) {
      mkdirSync(join(tree, 'EFI/BOOT'), { recursive: true });
      copyFileSync(SIGNED_EFI.shim, join(tree, 'EFI/BOOT/BOOTX64.EFI'));
      copyFileSync(SIGNED_EFI.grub, join(tree, 'EFI/BOOT/grubx64.efi'));
    }
    await buildInitramfs(kernel, join(pxe, 'initrd.img'), join(tmp, 'initramfs'));
    // Stage 2 would be a squashfs of the installer; the fake never mounts it, so a stub marks the place.
    writeFileSync(join(tree, 'images/install.img'), 'bootbench fake stage2: the fake installer runs from its initrd\n');
    mkdirSync(join(tree, 'BaseOS/Packages'), { recursive: true });
    mkdirSync(join(tree, 'BaseOS/repodata'), { recursive: true });
    writeFileSync(
      join(tree, 'BaseOS/repodata/repomd.xml'),
      `<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n  <revision>1714846298</revision>\n</repomd>\n`,
    );
    writeFileSync(
      join(tree, 'media.repo'),
      '[InstallMedia]\nname=Rocky Linux 9.4\nmediaid=None\nmetadata_expire=-1\ngpgcheck=0\ncost=500\n',
    );
    const timestamp = 1714846298;
    writeFileSync(join(tree, '.discinfo'), `${timestamp}.1404264\nRocky Linux 9.4\nx86_64\n`);
    const sums: Record<string, string> = {};
    for (const p of ['images/install.img', 'images/pxeboot/initrd.img', 'images/pxeboot/vmlinuz'])
      sums[p] = await sha256File(join(tree, p));
    writeFileSync(join(tree, '.treeinfo'), treeinfo(sums, timestamp));
    writeFileSync(join(tmp, 'kernel-version'), kernel.version);
    await buildIso(tree, join(tmp, 'fake-rocky-9.4-x86_64-dvd.iso'), { volid: 'Rocky-9-4-x86_64-dvd', joliet: true });
    rmSync(join(tmp, 'initramfs'), { recursive: true, force: true });
  });
  const iso = join(dir, 'fake-rocky-9.4-x86_64-dvd.iso');
  const detection = await detectIsoFile(iso);
  if (detection.family !== 'rhel' || !detection.supported)
    throw new Error(`the fake RHEL ISO is detected as ${detection.family} (${detection.reason ?? detection.evidence.join('; ')})`);
  return {
    iso,
    kernelVersion: readFileSync(join(dir, 'kernel-version'), 'utf8'),
    kernel: join(dir, 'tree/images/pxeboot/vmlinuz'),
    initrd: join(dir, 'tree/images/pxeboot/initrd.img'),
    detection,
  };
}

export interface DebianNetbootIso {
  iso: string;
  kernel: string;
  initrd: string;
  detection: DistroDetection;
}

/** Debian's point release on this machine (12.x), for .disk/info. */
function debianPointRelease(): string {
  const v = existsSync('/etc/debian_version') ? readFileSync('/etc/debian_version', 'utf8').trim() : '12.7';
  return /^12\.\d+$/.test(v) ? v : '12.7';
}

/** The netboot installer of Debian's debian-installer-12-netboot-<arch> package. */
export function debianInstallerDir(arch: DebianIsoArch): string {
  return `/usr/lib/debian-installer/images/12/${arch}/text/debian-installer/${arch}`;
}

export type DebianIsoArch = 'amd64' | 'arm64';

/** The install.<x> folder of a Debian CD for an architecture (amd64 → install.amd, arm64 → install.a64). */
const INSTALL_DIR: Record<DebianIsoArch, string> = { amd64: 'install.amd', arm64: 'install.a64' };

export async function buildDebianNetbootIso(arch: DebianIsoArch = 'amd64'): Promise<DebianNetbootIso> {
  const diDir = debianInstallerDir(arch);
  const linux = join(diDir, 'linux');
  const initrd = join(diDir, 'initrd.gz');
  if (!existsSync(linux) || !existsSync(initrd))
    throw new Error(`${diDir}/{linux,initrd.gz} missing: apt-get install -y debian-installer-12-netboot-${arch}`);
  const release = debianPointRelease();
  const install = INSTALL_DIR[arch];
  const key = hashInputs([
    BUILD_VERSION,
    release,
    // amd64 keeps its earlier key (its cached image stays valid); other architectures add theirs
    ...(arch === 'amd64' ? [] : [arch]),
    String(statSync(linux).mtimeMs),
    String(statSync(initrd).size),
    await sha256File(initrd),
  ]);
  const name = `debian-${release}.0-${arch}-netinst.iso`;
  const dir = await cached(join(testCacheDir(), `debian-netboot-${key}`), async (tmp) => {
    const tree = join(tmp, 'tree');
    for (const d of ['.disk', install, `dists/bookworm/main/binary-${arch}`, 'pool/main']) mkdirSync(join(tree, d), { recursive: true });
    copyFileSync(linux, join(tree, `${install}/vmlinuz`));
    copyFileSync(initrd, join(tree, `${install}/initrd.gz`));
    writeFileSync(
      join(tree, '.disk/info'),
      `Debian GNU/Linux ${release}.0 "Bookworm" - Official ${arch} NETINST with firmware 20240831-10:38`,
    );
    writeFileSync(join(tree, '.disk/base_installable'), '');
    writeFileSync(join(tree, '.disk/cd_type'), 'not_complete');
    writeFileSync(join(tree, '.disk/base_components'), 'main\n');
    writeFileSync(join(tree, '.disk/udeb_include'), 'netcfg\nethdetect\npcmciautils-udeb\nlive-installer\n');
    writeFileSync(
      join(tree, 'dists/bookworm/Release'),
      `Origin: Debian\nLabel: Debian\nSuite: stable\nVersion: ${release}\nCodename: bookworm\nArchitectures: ${arch}\nComponents: main non-free-firmware\nDescription: Debian ${release} (Bootbench test image: netboot installer in a netinst layout)\n`,
    );
    writeFileSync(join(tree, `dists/bookworm/main/binary-${arch}/Packages`), '');
    await sh(`cd "$1" && ln -s bookworm dists/stable && ln -s . debian && md5sum ${install}/* .disk/info > md5sum.txt`, [tree]);
    await buildIso(tree, join(tmp, name), { volid: `Debian ${release}.0 ${arch} n`, joliet: true });
  });
  const iso = join(dir, name);
  const detection = await detectIsoFile(iso);
  if (detection.family !== 'debian' || !detection.supported)
    throw new Error(`the Debian netboot ISO is detected as ${detection.family} (${detection.reason ?? detection.evidence.join('; ')})`);
  const want = arch === 'amd64' ? 'x86_64' : 'arm64';
  if (detection.arch !== want) throw new Error(`the Debian ${arch} netboot ISO is detected as ${detection.arch}, not ${want}`);
  return { iso, kernel: join(dir, `tree/${install}/vmlinuz`), initrd: join(dir, `tree/${install}/initrd.gz`), detection };
}
