// Detection through the real ISO 9660 reader: ISOs built with xorriso from the layout manifests in
// test/fixtures/iso-layouts (Rock Ridge + Joliet as the distributions ship them, and Joliet-only),
// opened with IsoImage, detected, and the kernel read back out of the image.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectDistro, type IsoTree } from '../../../electron/core/iso/detect.js';
import { loadManifest, placeholderBytes, writeTree, type LayoutManifest } from '../../fixtures/iso-layouts/manifest.js';

const readerPath = fileURLToPath(new URL('../../../electron/core/iso/iso9660.ts', import.meta.url));
const skip = existsSync(readerPath) ? false : 'waiting for iso9660.ts';

interface Opened extends IsoTree {
  close(): Promise<void>;
}
async function openIso(path: string): Promise<Opened> {
  // Imported lazily so that this file loads (and skips) while the reader does not exist yet.
  const { IsoImage } = (await import('../../../electron/core/iso/iso9660.js')) as { IsoImage: { open(p: string): Promise<Opened> } };
  return IsoImage.open(path);
}

const cases: { id: string; flags: string[]; note: string }[] = [
  { id: 'rocky-9.4-x86_64-dvd', flags: ['-R', '-J'], note: 'Rock Ridge + Joliet' },
  { id: 'debian-12.7.0-amd64-netinst', flags: ['-R', '-J'], note: 'Rock Ridge + Joliet, with the debian -> . and dists/stable symlinks' },
  { id: 'alpine-standard-3.20.3-aarch64', flags: ['-R', '-J'], note: 'Rock Ridge + Joliet' },
  { id: 'ubuntu-22.04.5-live-server-amd64', flags: ['-J', '-joliet-long'], note: 'Joliet only (no Rock Ridge)' },
  { id: 'windows-11-24h2-x64-iso9660', flags: ['-J'], note: 'the UDF bridge notice only' },
];

describe('distro detection through IsoImage on xorriso-built ISOs', { skip }, () => {
  let work = '';
  before(() => {
    const probe = spawnSync('xorriso', ['-version'], { encoding: 'utf8' });
    if (probe.status !== 0) throw new Error('xorriso is missing: apt-get install -y xorriso');
    work = mkdtempSync(join(tmpdir(), 'bootbench-detect-'));
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function buildIso(m: LayoutManifest, flags: string[]): string {
    const root = join(work, m.id);
    const rockRidge = flags.includes('-R');
    // Without Rock Ridge there are no symlinks on the disc (Joliet cannot store them).
    writeTree({ files: m.files.filter((f) => rockRidge || f.symlink === undefined) }, root);
    const iso = join(work, m.isoFileName);
    const r = spawnSync('xorriso', ['-as', 'mkisofs', ...flags, '-V', m.id.slice(0, 32), '-o', iso, root], { encoding: 'utf8' });
    assert.equal(r.status, 0, `xorriso failed for ${m.id}: ${r.stderr}`);
    return iso;
  }

  for (const c of cases) {
    test(`${c.id} (${c.note})`, async () => {
      const m = loadManifest(c.id);
      const image = await openIso(buildIso(m, c.flags));
      try {
        const got = await detectDistro(image, m.isoFileName);
        for (const [key, want] of Object.entries(m.expect)) {
          assert.deepEqual((got as unknown as Record<string, unknown>)[key], want, `${c.id}: ${key} (${JSON.stringify(got)})`);
        }
        if (got.kernel && got.initrd) {
          // The paths detection reports are paths the reader serves, and they hold the fixture's bytes.
          assert.deepEqual(await image.readFile(got.kernel), placeholderBytes(m.expect.kernel ?? ''));
          assert.deepEqual(await image.readFile(got.initrd), placeholderBytes(m.expect.initrd ?? ''));
        }
      } finally {
        await image.close();
      }
    });
  }
});
