// Boot recipes from the real layouts of each family's ISOs: detection gives the distro record, the
// recipe gives the kernel line iPXE runs. The arguments are what each installer documents.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Distro } from '../../../electron/shared/contract.js';
import { detectDistro } from '../../../electron/core/iso/detect.js';
import { bootRecipe, kernelArgs, quoteKernelArg, RecipeError, splitArgs, type RecipeUrls } from '../../../electron/core/install/recipes.js';
import { debianSuite } from '../../../electron/core/install/debian-netboot.js';
import { loadManifest, memoryTree } from '../../fixtures/iso-layouts/manifest.js';

const T = 'k3y-Tok3n_abcdefghijkl';
function urlsFor(id: string): RecipeUrls {
  const base = 'http://10.231.0.1';
  return {
    httpBase: base,
    serverIp: '10.231.0.1',
    kernel: `${base}/install/${T}/kernel`,
    initrd: `${base}/install/${T}/initrd`,
    answer: `${base}/install/${T}/answer`,
    nocloud: `${base}/install/${T}/nocloud/`,
    report: `${base}/install/${T}/report`,
    repo: `${base}/iso/${id}/`,
    iso: `${base}/iso/${id}.iso`,
    syslogPort: 514,
  };
}

async function distroOf(manifest: string, userArgs = ''): Promise<Distro> {
  const m = loadManifest(manifest);
  const d = await detectDistro(memoryTree(m), m.isoFileName);
  const id = `${d.name}-${d.version}-${d.arch}`.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  return {
    id,
    family: d.family as Distro['family'],
    name: d.name,
    version: d.version,
    arch: d.arch,
    variant: d.variant ?? null,
    kernel: d.kernel,
    initrd: d.initrd,
    kernelArgs: userArgs,
    iso: `/isos/${m.isoFileName}`,
    isoSize: 1,
    isoMtime: '2024-01-01T00:00:00.000Z',
    volumeId: 'X',
    status: 'ok',
    evidence: d.evidence,
    importedAt: '2024-01-01T00:00:00.000Z',
    sha256: null,
    secureBoot: false,
    secureBootReason: null,
    boot: 'installer',
    bootReason: null,
  };
}

function recipeOf(d: Distro, labDns: string | null = '10.231.0.1') {
  return bootRecipe({
    distro: d,
    urls: urlsFor(d.id),
    hostname: 'node-525400123456',
    domain: 'lab',
    debianSuite: d.family === 'debian' ? debianSuite(d.version) : null,
    labDns,
  });
}

describe('RHEL family: inst.repo is the ISO tree, inst.ks the kickstart, inst.syslog Bootbench', () => {
  for (const manifest of [
    'rocky-9.4-x86_64-dvd',
    'fedora-41-x86_64-server-dvd',
    'almalinux-9.4-x86_64-dvd',
    'fedora-41-aarch64-everything-netinst',
  ]) {
    test(manifest, async () => {
      const d = await distroOf(manifest);
      assert.equal(d.family, 'rhel');
      assert.match(d.kernel ?? '', /images\/pxeboot\/vmlinuz$/);
      const r = recipeOf(d);
      assert.equal(r.answerKind, 'kickstart');
      assert.ok(r.args.includes(`inst.repo=http://10.231.0.1/iso/${d.id}/`));
      assert.ok(r.args.includes(`inst.ks=http://10.231.0.1/install/${T}/answer`));
      assert.ok(r.args.includes('inst.syslog=10.231.0.1:514'));
      // initrd= names the initrd for the EFI stub, which needs it on UEFI machines.
      assert.ok(r.args.includes('initrd=initrd'));
      assert.deepEqual(r.initrds, [{ url: `http://10.231.0.1/install/${T}/initrd`, name: 'initrd' }]);
    });
  }
});

describe('Ubuntu live-server: url= the whole ISO, autoinstall, NoCloud over HTTP', () => {
  for (const manifest of ['ubuntu-22.04.5-live-server-amd64', 'ubuntu-24.04.1-live-server-amd64']) {
    test(manifest, async () => {
      const d = await distroOf(manifest);
      assert.equal(d.family, 'ubuntu');
      assert.match(d.kernel ?? '', /casper\/vmlinuz$/);
      const r = recipeOf(d);
      assert.equal(r.answerKind, 'autoinstall');
      assert.ok(r.args.includes(`url=http://10.231.0.1/iso/${d.id}.iso`));
      assert.ok(r.args.includes('autoinstall'));
      // The `;` stays bare on the kernel command line (iPXE passes it through; GRUB quotes it itself).
      const kernelLine = ` ${kernelArgs(r).join(' ')} `;
      assert.ok(kernelLine.includes(` ds=nocloud-net;s=http://10.231.0.1/install/${T}/nocloud/ `), kernelLine);
      assert.ok(!kernelLine.includes('"'), kernelLine);
    });
  }
});

describe('Debian: the netboot installer with the ISO as mirror, logs to log_host', () => {
  for (const manifest of [
    'debian-12.7.0-amd64-netinst',
    'debian-12.7.0-amd64-dvd-1',
    'debian-11.11.0-amd64-netinst',
    'debian-12.7.0-arm64-netinst',
  ]) {
    test(manifest, async () => {
      const d = await distroOf(manifest);
      assert.equal(d.family, 'debian');
      const r = recipeOf(d);
      assert.equal(r.answerKind, 'preseed');
      for (const arg of [
        'auto=true',
        'priority=critical',
        `url=http://10.231.0.1/install/${T}/answer`,
        'log_host=10.231.0.1',
        'log_port=514',
        'hostname=node-525400123456',
        'domain=lab',
        'netcfg/no_default_route=true',
      ]) {
        assert.ok(r.args.includes(arg), `${arg} in ${r.args.join(' ')}`);
      }
      assert.ok(r.args.includes(`mirror/suite=${d.version.startsWith('11') ? 'bullseye' : 'bookworm'}`), r.args.join(' '));
      // The lab's DNS server on the kernel line (d-i's DHCP script loses it without a router),
      // and only when Bootbench runs one.
      assert.ok(r.args.includes('netcfg/get_nameservers=10.231.0.1'), r.args.join(' '));
      assert.ok(!recipeOf(d, null).args.some((a) => a.startsWith('netcfg/get_nameservers=')));
    });
  }
});

describe('openSUSE / SLES: install= the tree, autoyast= the profile', () => {
  for (const manifest of ['opensuse-leap-15.6-x86_64-dvd', 'opensuse-leap-15.6-aarch64-dvd']) {
    test(manifest, async () => {
      const d = await distroOf(manifest);
      assert.equal(d.family, 'suse');
      const r = recipeOf(d);
      assert.equal(r.answerKind, 'autoyast');
      assert.ok(r.args.includes(`install=http://10.231.0.1/iso/${d.id}/`));
      assert.ok(r.args.includes(`autoyast=http://10.231.0.1/install/${T}/answer`));
      assert.ok(r.args.includes('self_update=0'));
    });
  }
});

describe("generic and Alpine: the user's kernel, initrd and arguments", () => {
  test('Alpine boots its netboot with its repository and modloop from the ISO', async () => {
    const d = await distroOf('alpine-standard-3.20.3-x86_64');
    const r = recipeOf(d);
    assert.equal(r.answerKind, null);
    assert.ok(r.args.includes(`alpine_repo=http://10.231.0.1/iso/${d.id}/apks`), r.args.join(' '));
    assert.ok(
      r.args.some((a) => a.startsWith(`modloop=http://10.231.0.1/iso/${d.id}/boot/modloop-`)),
      r.args.join(' '),
    );
  });

  test("placeholders in the user's arguments are filled; quoted values stay one argument", async () => {
    const d = {
      ...(await distroOf('archlinux-2024.09.01-x86_64')),
      family: 'generic' as const,
      kernel: '/arch/boot/x86_64/vmlinuz-linux',
      initrd: '/arch/boot/x86_64/initramfs-linux.img',
    };
    d.kernelArgs = 'archiso_http_srv={repo_url} ip=dhcp script={report_url}?event=installed label="My lab"';
    const r = recipeOf(d);
    assert.deepEqual(r.args, [
      'initrd=initrd',
      `archiso_http_srv=http://10.231.0.1/iso/${d.id}/`,
      'ip=dhcp',
      `script=http://10.231.0.1/install/${T}/report?event=installed`,
      'label="My lab"',
    ]);
    assert.match(kernelArgs(r).join(' '), / label="My lab"$/);
  });

  test('a generic distro without kernel and initrd says what to set', async () => {
    const d = { ...(await distroOf('archlinux-2024.09.01-x86_64')), family: 'generic' as const, kernel: null, initrd: null };
    assert.throws(
      () => recipeOf(d),
      (e: unknown) => e instanceof RecipeError && /set them/.test((e as Error).message),
    );
  });
});

describe('kernel-line quoting', () => {
  test('white space is quoted for the kernel, other characters pass as they are', () => {
    assert.equal(quoteKernelArg('a=b c'), 'a="b c"');
    assert.equal(quoteKernelArg('a="b c"'), 'a="b c"');
    assert.equal(quoteKernelArg('ds=nocloud-net;s=http://x/'), 'ds=nocloud-net;s=http://x/');
    assert.equal(quoteKernelArg('quiet'), 'quiet');
  });
  test('a double quote inside a value or a line break is refused', () => {
    assert.throws(() => quoteKernelArg('a=b"c'), RecipeError);
    assert.throws(() => quoteKernelArg('a=b\nc'), RecipeError);
  });
  test('splitArgs keeps quoted values whole', () => {
    assert.deepEqual(splitArgs(' a=1  b="x y" c '), ['a=1', 'b="x y"', 'c']);
  });
  test('the command line names the initrd the EFI stub loads, then the family arguments', async () => {
    const r = recipeOf(await distroOf('rocky-9.4-x86_64-dvd'));
    assert.match(kernelArgs(r).join(' '), /^initrd=initrd inst\./);
    assert.deepEqual(r.initrds, [{ url: `http://10.231.0.1/install/${T}/initrd`, name: 'initrd' }]);
  });
});

describe("a host's own kernel arguments (Host.kernelArgs)", () => {
  test("every family: after the distro's, which come after the family's", async () => {
    for (const manifest of [
      'rocky-9.4-x86_64-dvd',
      'ubuntu-24.04.1-live-server-amd64',
      'debian-12.7.0-amd64-netinst',
      'alpine-standard-3.20.3-x86_64',
    ]) {
      const d = await distroOf(manifest, 'nomodeset');
      const r = bootRecipe({
        distro: d,
        urls: urlsFor(d.id),
        hostname: 'h',
        domain: 'lab',
        hostKernelArgs: 'console=ttyS0,115200n8 note="rack 4"',
      });
      assert.deepEqual(r.args.slice(-3), ['nomodeset', 'console=ttyS0,115200n8', 'note="rack 4"'], manifest);
      assert.match(kernelArgs(r).join(' '), / nomodeset console=ttyS0,115200n8 note="rack 4"$/);
    }
  });
  test('none, null or blank adds nothing', async () => {
    const d = await distroOf('rocky-9.4-x86_64-dvd');
    const base = recipeOf(d).args;
    for (const hostKernelArgs of [undefined, null, '  '])
      assert.deepEqual(
        bootRecipe({ distro: d, urls: urlsFor(d.id), hostname: 'node-525400123456', domain: 'lab', labDns: '10.231.0.1', hostKernelArgs })
          .args,
        base,
      );
  });
});
