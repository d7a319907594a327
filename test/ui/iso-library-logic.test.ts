// The ISO library's pure parts in the renderer: the browser's ISO check (CD001 at byte 32769),
// upload speed and time left, and which field a boot-files refusal is about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ISO_HEAD_BYTES, checkIsoFile, checkIsoHead } from '../../renderer/features/isos/iso-check.js';
import { addSample, formatRate, formatTimeLeft, rateOf } from '../../renderer/features/isos/upload-rate.js';
import { fieldOfError } from '../../renderer/features/isos/BootFilesForm.js';
import { rockyIso } from '../helpers/ui-lab.js';

test('a real ISO passes the check; a text file and a short file do not, with words saying why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bootbench-isocheck-'));
  try {
    const iso = readFileSync(rockyIso(dir));
    assert.deepEqual(await checkIsoFile(Object.assign(new Blob([iso]), { name: 'rocky.iso' })), { ok: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const text = Buffer.from('hello world\n'.repeat(4000));
  const refused = checkIsoHead(text.subarray(0, ISO_HEAD_BYTES), 'readme.txt', text.length);
  assert.equal(refused.ok, false);
  assert.match(refused.ok ? '' : refused.detail, /"CD001" at byte 32769.*readme\.txt has "/);
  const short = checkIsoHead(Buffer.from('tiny'), 'tiny.iso', 4);
  assert.match(short.ok ? '' : short.detail, /tiny\.iso has 4 bytes/);
});

test('speed and time left come from the last seconds, and only once measured', () => {
  let samples = addSample([], { at: 0, loaded: 0 });
  assert.deepEqual(rateOf(samples, 100e6), { bytesPerSecond: null, secondsLeft: null });
  for (let t = 500; t <= 10_000; t += 500) samples = addSample(samples, { at: t, loaded: t * 1000 }); // 1 MB/s
  assert.ok(samples.length <= 8, `old samples are dropped (${samples.length})`);
  const r = rateOf(samples, 100e6);
  assert.equal(Math.round(r.bytesPerSecond ?? 0), 1e6);
  assert.equal(Math.round(r.secondsLeft ?? 0), 90);
  assert.equal(formatRate(12.34e6), '12.3 MB/s');
  assert.equal(formatRate(2500), '3 kB/s');
  assert.equal(formatTimeLeft(12.2), '13 s left');
  assert.equal(formatTimeLeft(150), 'about 3 min left');
  assert.equal(formatTimeLeft(3 * 3600 + 600), 'about 3 h 10 min left');
});

test('a boot-files refusal is placed at its field', () => {
  assert.equal(fieldOfError('kernel "/boot/x" is not a file inside g: /boot/x not found in g'), 'kernel');
  assert.equal(fieldOfError('initrd "/y" is not a file inside g'), 'initrd');
  assert.equal(fieldOfError('something else'), null);
});
