import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIni, iniGet } from '../../../electron/core/iso/detect/ini.js';
import { canonicalRhelName, readTreeinfo } from '../../../electron/core/iso/detect/rhel.js';
import { debianRelease, parseDiskInfo } from '../../../electron/core/iso/detect/disk-info.js';
import { parseAlpineRelease } from '../../../electron/core/iso/detect/alpine.js';
import { parseProducts, suseDisplayName } from '../../../electron/core/iso/detect/suse.js';
import { pairInDir } from '../../../electron/core/iso/detect/generic.js';
import { archFromEfiLoader, archInText, normalizeArch } from '../../../electron/core/iso/detect/arch.js';

describe('detection parsers', () => {
  test('INI: sections, comments, case, duplicates', () => {
    const ini = parseIni('; top comment\nstray = 1\n[General]\nArch = x86_64\n# c\nname=Fedora 41\nname = Fedora 42\n[empty]\nk =\n');
    assert.equal(iniGet(ini, 'general', 'arch'), 'x86_64');
    assert.equal(iniGet(ini, 'GENERAL', 'name'), 'Fedora 42');
    assert.equal(iniGet(ini, 'empty', 'k'), undefined);
    assert.equal(iniGet(ini, 'nope', 'k'), undefined);
  });

  test('.treeinfo: legacy [general]-only shape', () => {
    const facts = readTreeinfo(
      parseIni(
        '[general]\nname = Oracle Linux Server 7.9\nfamily = Oracle Linux Server\nversion = 7.9\narch = x86_64\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n',
      ),
    );
    assert.deepEqual(
      [facts?.name, facts?.version, facts?.arch, facts?.images.kernel],
      ['Oracle Linux', '7.9', 'x86_64', 'images/pxeboot/vmlinuz'],
    );
    assert.equal(readTreeinfo(parseIni('[header]\nversion = 1.2\n')), null);
    const versionFromName = readTreeinfo(parseIni('[general]\nname = Scientific Linux 6.10\n'));
    assert.deepEqual([versionFromName?.name, versionFromName?.version], ['Scientific Linux', '6.10']);
  });

  test('.treeinfo: POWER and s390x image sections', () => {
    const ppc = readTreeinfo(
      parseIni(
        '[release]\nname = AlmaLinux\nversion = 9.4\n[tree]\narch = ppc64le\n[images-ppc64le]\nkernel = ppc/ppc64/vmlinuz\ninitrd = ppc/ppc64/initrd.img\n',
      ),
    );
    assert.deepEqual([ppc?.arch, ppc?.images.section, ppc?.images.kernel], ['ppc64le', 'images-ppc64le', 'ppc/ppc64/vmlinuz']);
  });

  test('RHEL family names', () => {
    assert.equal(canonicalRhelName('Red Hat Enterprise Linux'), 'Red Hat Enterprise Linux');
    assert.equal(canonicalRhelName('CentOS-Stream'), 'CentOS Stream');
    assert.equal(canonicalRhelName('Oracle Linux Server'), 'Oracle Linux');
    assert.equal(canonicalRhelName('AlmaLinux'), 'AlmaLinux');
    assert.equal(canonicalRhelName('Rocky'), 'Rocky Linux');
    assert.equal(canonicalRhelName('Some Rebuild'), 'Some Rebuild');
  });

  test('.disk/info shapes', () => {
    assert.deepEqual(parseDiskInfo('Debian GNU/Linux 12.7.0 "Bookworm" - Official amd64 NETINST with firmware 20240831-10:38'), {
      shape: 'installer',
      product: 'Debian GNU/Linux',
      version: '12.7.0',
      lts: false,
      codename: 'Bookworm',
      arch: 'x86_64',
      detail: 'Official amd64 NETINST with firmware 20240831-10:38',
    });
    const u = parseDiskInfo('Ubuntu-Server 24.04.1 LTS "Noble Numbat" - Release arm64 (20240821)\n');
    assert.deepEqual([u?.product, u?.version, u?.lts, u?.arch], ['Ubuntu-Server', '24.04.1', true, 'arm64']);
    const x = parseDiskInfo('Ubuntu 16.04.6 LTS "Xenial Xerus" - Release i386 (20190227.1)');
    assert.equal(x?.arch, 'i386');
    const live = parseDiskInfo('Official Debian GNU/Linux Live 10.10.0 cinnamon 2021-06-19T12:13');
    assert.deepEqual([live?.shape, live?.product, live?.version, live?.flavour], ['live', 'Debian GNU/Linux Live', '10.10.0', 'cinnamon']);
    assert.equal(parseDiskInfo('garbage'), null);
    assert.equal(parseDiskInfo(''), null);
  });

  test('Debian release from the CD build revision', () => {
    assert.equal(debianRelease('12.7.0'), '12.7');
    assert.equal(debianRelease('12.0.0'), '12.0');
    assert.equal(debianRelease('12.7.1'), '12.7.1');
    assert.equal(debianRelease('testing'), 'testing');
  });

  test('.alpine-release', () => {
    assert.deepEqual(parseAlpineRelease('alpine-standard-3.20.3 240906\n'), {
      profile: 'standard',
      version: '3.20.3',
      buildDate: '240906',
    });
    assert.deepEqual(parseAlpineRelease('alpine-virt-v3.19.1 240126'), { profile: 'virt', version: '3.19.1', buildDate: '240126' });
    assert.deepEqual(parseAlpineRelease('alpine-rpi-3.20.3'), { profile: 'rpi', version: '3.20.3' });
    assert.equal(parseAlpineRelease('something else'), null);
  });

  test('SUSE media.1/products and names', () => {
    assert.deepEqual(parseProducts('/ openSUSE-Leap 15.6-1\n\n/Product-SLES SLES 15.6-0\n'), [
      { dir: '/', name: 'openSUSE-Leap', version: '15.6-1' },
      { dir: '/Product-SLES', name: 'SLES', version: '15.6-0' },
    ]);
    assert.equal(suseDisplayName('SLES_SAP', '15.6-0'), 'SUSE Linux Enterprise Server for SAP Applications');
    assert.equal(suseDisplayName('openSUSE', '15.1-0'), 'openSUSE Leap');
    assert.equal(suseDisplayName('openSUSE', '20240910-0'), 'openSUSE Tumbleweed');
  });

  test('kernel/initrd pairing', () => {
    assert.deepEqual(pairInDir(['vmlinuz-lts', 'initramfs-virt', 'vmlinuz-virt', 'initramfs-lts']), {
      kernel: 'vmlinuz-lts',
      initrd: 'initramfs-lts',
    });
    assert.deepEqual(pairInDir(['vmlinuz-linux', 'initramfs-linux.img', 'intel-ucode.img']), {
      kernel: 'vmlinuz-linux',
      initrd: 'initramfs-linux.img',
    });
    assert.deepEqual(pairInDir(['vmlinuz-6.1.0-25-amd64', 'initrd.img-6.1.0-25-amd64', 'filesystem.squashfs']), {
      kernel: 'vmlinuz-6.1.0-25-amd64',
      initrd: 'initrd.img-6.1.0-25-amd64',
    });
    assert.deepEqual(pairInDir(['linux', 'initrd', 'isolinux.cfg', 'linux.cfg']), { kernel: 'linux', initrd: 'initrd' });
    assert.equal(pairInDir(['vmlinuz.sig', 'initrd.img']), null);
    assert.equal(pairInDir(['isolinux.bin', 'ldlinux.c32']), null);
  });

  test('architecture words', () => {
    assert.equal(normalizeArch('AMD64'), 'x86_64');
    assert.equal(normalizeArch('ppc64el'), 'ppc64le');
    assert.equal(normalizeArch('BuildArch'), null);
    assert.equal(normalizeArch('aarch64'), 'arm64', "the kernel's name for it");
    assert.equal(normalizeArch('armhf'), 'arm32');
    assert.equal(normalizeArch('x86'), 'i386', "Alpine's 32-bit x86");
    assert.equal(archInText('debian-12.7.0-arm64-netinst.iso'), 'arm64');
    assert.equal(archInText('Fedora-Everything-netinst-aarch64-41-1.4.iso'), 'arm64');
    assert.equal(archInText('Rocky-9.4-x86_64-dvd.iso'), 'x86_64');
    assert.equal(archInText('Win11_24H2_English_x64.iso'), 'x86_64');
    assert.equal(archInText('backup-2024.iso'), null);
    assert.equal(archFromEfiLoader('BOOTX64.EFI'), 'x86_64');
    assert.equal(archFromEfiLoader('bootaa64.efi'), 'arm64');
    assert.equal(archFromEfiLoader('BOOTIA32.EFI'), 'i386');
    assert.equal(archFromEfiLoader('grubx64.efi'), null);
  });
});
