// Managing the ISO library: duplicates keep one record, Remove deletes only Bootbench's own
// uploads and never a distro an install uses, Locate… accepts only the same ISO, and an upload
// that is refused or cancelled leaves no file and names the file the user chose.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../../electron/shared/contract.js';
import { EventBus } from '../../../electron/core/events.js';
import { isBootbenchError } from '../../../electron/core/errors.js';
import { IsoLibrary } from '../../../electron/core/iso/library.js';
import { removeDistro } from '../../../electron/core/iso/remove.js';
import { locateDistro } from '../../../electron/core/iso/locate.js';
import { receiveUpload } from '../../../electron/core/iso/upload.js';
import { buildIso } from '../../helpers/iso-build.js';

let dir: string;
let isoA: string; // a generic ISO (kernel and initrd in /boot)
let isoB: string; // another one, same size, another volume id

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootbench-manage-'));
  const tree = join(dir, 'tree');
  await mkdir(join(tree, 'boot'), { recursive: true });
  await writeFile(join(tree, 'boot/vmlinuz'), Buffer.alloc(4096, 1));
  await writeFile(join(tree, 'boot/initrd.img'), Buffer.alloc(4096, 2));
  isoA = join(dir, 'a.iso');
  isoB = join(dir, 'b.iso');
  await buildIso(tree, isoA, { volid: 'MANAGE_A' });
  await buildIso(tree, isoB, { volid: 'MANAGE_B' });
});
const libraries: IsoLibrary[] = [];
after(async () => {
  for (const l of libraries) await l.close();
  await rm(dir, { recursive: true, force: true });
});

async function freshLibrary(): Promise<{ library: IsoLibrary; data: string }> {
  const data = await mkdtemp(join(dir, 'data-'));
  const library = await IsoLibrary.open(data, new EventBus());
  libraries.push(library);
  return { library, data };
}

async function* chunks(bytes: Buffer, failAfter?: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 8192) {
    if (failAfter !== undefined && at >= failAfter) throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    yield bytes.subarray(at, at + 8192);
  }
}

const upload = async (library: IsoLibrary, file: string, name: string, chosen?: string) => {
  const bytes = await readFile(file);
  return receiveUpload(library, name, chunks(bytes), bytes.length, chosen);
};

test('a copy with the same size, volume id and mtime is the same ISO: one record', async () => {
  const { library } = await freshLibrary();
  const first = await library.import(isoA);
  const copy = join(dir, 'copy-of-a.iso');
  await copyFile(isoA, copy);
  const st = await stat(isoA);
  await utimes(copy, st.atime, st.mtime);
  const second = await library.import(copy);
  assert.equal(second.id, first.id);
  assert.equal(second.iso, first.iso, 'the record still reads the first file');
  assert.equal(library.list().length, 1);
});

test('the same ISO uploaded twice: one record, the second copy is not kept', async () => {
  const { library, data } = await freshLibrary();
  const first = await upload(library, isoA, 'a.iso');
  assert.equal(first.uploaded, true);
  assert.match(first.sha256 ?? '', /^[0-9a-f]{64}$/);
  const second = await upload(library, isoA, 'a.iso');
  assert.equal(second.id, first.id);
  assert.equal(library.list().length, 1);
  assert.deepEqual(await readdir(join(data, 'isos')), ['a.iso']);
});

test('a non-ISO upload is refused naming the chosen file, and leaves nothing', async () => {
  const { library, data } = await freshLibrary();
  const text = join(dir, 'readme.txt');
  await writeFile(text, 'hello\n'.repeat(10_000));
  await assert.rejects(upload(library, text, 'readme.txt.iso', 'readme.txt'), (e: unknown) => {
    assert.ok(isBootbenchError(e, 'ISO_UNREADABLE'), String(e));
    assert.match(e.message, /^Cannot import readme\.txt: /);
    assert.doesNotMatch(e.message, /isos|readme\.txt\.iso/);
    return true;
  });
  assert.deepEqual(await readdir(join(data, 'isos')), []);
  assert.equal(library.list().length, 0);
});

test('an upload cut off (Cancel) leaves no partial file', async () => {
  const { library, data } = await freshLibrary();
  const bytes = await readFile(isoA);
  await assert.rejects(receiveUpload(library, 'a.iso', chunks(bytes, 16_384), bytes.length, 'a.iso'), /cancelled/);
  assert.deepEqual(await readdir(join(data, 'isos')), []);
});

test('Remove: an upload is deleted, an ISO imported by path is left in place, an ISO in use is refused', async () => {
  const { library, data } = await freshLibrary();
  const uploaded = await upload(library, isoA, 'a.iso');
  const byPath = await library.import(isoB);
  assert.equal(byPath.uploaded, false);
  const installing = { mac: '52:54:00:00:00:01', hostname: null, state: 'installing', distro: byPath.id } as unknown as Host;
  await assert.rejects(removeDistro(library, byPath.id, [installing]), (e: unknown) => isBootbenchError(e, 'DISTRO_IN_USE'));
  assert.ok(library.get(byPath.id), 'still there');

  const r1 = await removeDistro(library, uploaded.id, [installing]);
  assert.equal(r1.fileDeleted, true);
  assert.deepEqual(await readdir(join(data, 'isos')), []);
  const r2 = await removeDistro(library, byPath.id, []);
  assert.equal(r2.fileDeleted, false);
  assert.ok(existsSync(isoB), 'the user’s file stays');
  assert.equal(library.list().length, 0);
  const reopened = await IsoLibrary.open(data, new EventBus());
  assert.equal(reopened.list().length, 0, 'the removal is saved');
});

test('Locate: a moved ISO is found again; another ISO is refused', async () => {
  const { library } = await freshLibrary();
  const moving = join(dir, 'moving.iso');
  await copyFile(isoA, moving);
  const d = await library.import(moving);
  const moved = join(dir, 'moved.iso');
  await rename(moving, moved);
  await library.refresh();
  assert.equal(library.get(d.id)?.status, 'missing');
  await assert.rejects(
    locateDistro(library, d.id, isoB),
    (e: unknown) => isBootbenchError(e, 'ISO_NOT_THE_SAME') && /volume id/.test(e.message),
  );
  await assert.rejects(locateDistro(library, d.id, join(dir, 'nowhere.iso')), (e: unknown) => isBootbenchError(e, 'ISO_NOT_FOUND'));
  const located = await locateDistro(library, d.id, moved);
  assert.equal(located.status, 'ok');
  assert.equal(located.iso, moved);
  const opened = await library.openInside(d.id, '/boot/vmlinuz');
  assert.ok(opened.ok, 'its files are served again');
  if (opened.ok) await opened.file.close();
});
