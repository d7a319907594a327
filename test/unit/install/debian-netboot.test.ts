// Where the Debian recipe finds its netboot installer, per architecture: an arm64 ISO must get the
// arm64 installer (debian-12-arm64 under the data folder, or the debian-installer-12-netboot-arm64
// package's tree) and never the amd64 one lying beside it, and the reverse.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Arch, Distro } from '../../../electron/shared/contract.js';
import { debianArch, debianBootFiles } from '../../../electron/core/install/debian-netboot.js';
import type { OpenResult } from '../../../electron/core/files/file-source.js';

const root = mkdtempSync(join(tmpdir(), 'bootbench-netboot-'));
after(() => rmSync(root, { recursive: true, force: true }));

function distro(arch: Arch, id = `debian-12.7.0-${arch}`): Distro {
  return {
    id,
    family: 'debian',
    name: 'Debian',
    version: '12.7.0',
    arch,
    variant: 'netinst',
    kernel: null, // the CD flavour is never used: no ISO installer here
    initrd: null,
    kernelArgs: '',
    iso: `/isos/${id}.iso`,
    isoSize: 1,
    isoMtime: '2026-01-01T00:00:00.000Z',
    volumeId: 'Debian 12.7.0',
    status: 'ok',
    evidence: [],
    importedAt: '2026-01-01T00:00:00.000Z',
    sha256: null,
    secureBoot: false,
    secureBootReason: null,
    boot: 'installer',
    bootReason: null,
  };
}

/** A netboot folder whose kernel says which one it is. */
function netboot(dir: string, tag: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'linux'), `kernel ${tag}`);
  writeFileSync(join(dir, 'initrd.gz'), `initrd ${tag}`);
}

async function text(opened: OpenResult): Promise<string> {
  assert.ok(opened.ok, opened.ok ? '' : opened.failure.message);
  const buf = Buffer.alloc(opened.file.size);
  await opened.file.read(buf, 0, buf.length, 0);
  await opened.file.close();
  return buf.toString();
}

const noIso = async (): Promise<OpenResult> => ({ ok: false, failure: { kind: 'not-found', message: 'no ISO in this test' } });

describe('Debian netboot installer by architecture', () => {
  test("Debian's names: amd64 and arm64", () => {
    assert.equal(debianArch('x86_64'), 'amd64');
    assert.equal(debianArch('arm64'), 'arm64');
  });

  test('the package trees: arm64 gets the arm64 package, amd64 the amd64 one', async () => {
    const images = join(root, 'system');
    netboot(join(images, '12/amd64/text/debian-installer/amd64'), 'amd64-package');
    netboot(join(images, '12/arm64/text/debian-installer/arm64'), 'arm64-package');
    const src = { openInside: noIso, dataDir: join(root, 'empty-data'), systemImages: images };
    const arm = await debianBootFiles(distro('arm64'), src);
    assert.equal(await text(await arm.openKernel()), 'kernel arm64-package');
    assert.equal(await text(await arm.openInitrd()), 'initrd arm64-package');
    const amd = await debianBootFiles(distro('x86_64'), src);
    assert.equal(await text(await amd.openKernel()), 'kernel amd64-package');
  });

  test('the data folder first: netboot/debian-12-arm64 for arm64, not debian-12-amd64', async () => {
    const data = join(root, 'data');
    netboot(join(data, 'netboot/debian-12-amd64'), 'amd64-data');
    netboot(join(data, 'netboot/debian-12-arm64'), 'arm64-data');
    const src = { openInside: noIso, dataDir: data, systemImages: join(root, 'system') };
    assert.equal(await text(await (await debianBootFiles(distro('arm64'), src)).openKernel()), 'kernel arm64-data');
    assert.equal(await text(await (await debianBootFiles(distro('x86_64'), src)).openKernel()), 'kernel amd64-data');
  });

  test('only the amd64 installer present: an arm64 ISO is refused with the arm64 package named', async () => {
    const images = join(root, 'amd64-only');
    netboot(join(images, '12/amd64/text/debian-installer/amd64'), 'amd64-package');
    const src = { openInside: noIso, dataDir: join(root, 'empty-data'), systemImages: images };
    await assert.rejects(
      debianBootFiles(distro('arm64'), src),
      (e: Error) => /debian-installer-12-netboot-arm64/.test(e.message) && /netboot\/debian-12-arm64/.test(e.message),
    );
    assert.equal(await text(await (await debianBootFiles(distro('x86_64'), src)).openKernel()), 'kernel amd64-package');
  });
});
