// Distro records stored before the one architecture vocabulary ('aarch64', 'armhf') load in the
// contract's words; their ids are names and stay as they were.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Distro } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { IsoLibrary } from '../../../electron/core/iso/library.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function stored(id: string, arch: string, iso: string): Record<string, unknown> {
  return {
    id,
    family: 'rhel',
    name: 'Rocky Linux',
    version: '9.4',
    arch,
    variant: 'boot',
    kernel: '/images/pxeboot/vmlinuz',
    initrd: '/images/pxeboot/initrd.img',
    kernelArgs: '',
    iso,
    isoSize: 5,
    isoMtime: '2026-01-01T00:00:00.000Z',
    volumeId: 'X',
    status: 'missing',
    evidence: [],
    importedAt: '2026-01-01T00:00:00.000Z',
    sha256: null,
  };
}

test('old architecture names are normalized on load and saved; ids stay', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bootbench-distros-'));
  dirs.push(dir);
  const gone = join(dir, 'gone.iso'); // missing files are fine: the record loads as `missing`
  const distros = [
    stored('rocky-9.4-aarch64', 'aarch64', gone),
    stored('debian-12-armhf', 'armhf', gone),
    stored('rocky-9.4-x86_64', 'x86_64', gone),
    stored('odd', 'mips', gone),
  ];
  await writeFile(join(dir, 'distros.json'), JSON.stringify({ version: 1, distros }));

  const library = await IsoLibrary.open(dir, new EventBus());
  assert.equal(library.get('rocky-9.4-aarch64')?.arch, 'arm64', 'the id keeps the old word');
  assert.equal(library.get('debian-12-armhf')?.arch, 'arm32');
  assert.equal(library.get('rocky-9.4-x86_64')?.arch, 'x86_64');
  assert.equal(library.get('odd')?.arch, 'unknown', 'a word outside the vocabulary');

  const saved = JSON.parse(await readFile(join(dir, 'distros.json'), 'utf8')) as { distros: Distro[] };
  assert.deepEqual(saved.distros.map((d) => [d.id, d.arch]).sort(), [
    ['debian-12-armhf', 'arm32'],
    ['odd', 'unknown'],
    ['rocky-9.4-aarch64', 'arm64'],
    ['rocky-9.4-x86_64', 'x86_64'],
  ]);
});
