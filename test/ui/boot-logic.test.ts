// The boot UI's pure parts (renderer/features/boot/): how a distro boots in words, what a host can
// boot from the app, its last boot, the wait policies, the "New machines" form and kernel arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Distro, ServerStatus } from '../../electron/shared/contract.js';
import { ApiError } from '../../renderer/api/client.js';
import {
  bootChoices,
  distroBootWords,
  followedWaitPolicy,
  hostWaitWords,
  isInstaller,
  lastBootWords,
  newHostPolicyWords,
} from '../../renderer/features/boot/boot-words.js';
import { isKernelArgsDirty, kernelArgsErrorOf, kernelArgsOf } from '../../renderer/features/boot/kernel-args.js';
import {
  checkPolicyDraft,
  isPolicyDirty,
  needsWipeConfirm,
  policyDraftOf,
  policyFieldErrorOf,
  policyUpdateOf,
} from '../../renderer/features/boot/policy-draft.js';

const distro = (over: Partial<Distro>): Distro =>
  ({
    id: 'rocky-9.4-x86_64',
    family: 'rhel',
    name: 'Rocky Linux',
    version: '9.4',
    arch: 'x86_64',
    status: 'ok',
    boot: 'installer',
    bootReason: null,
    ...over,
  }) as Distro;

const rocky = distro({});
const debianLive = distro({
  id: 'debian-live-12',
  family: 'debian',
  name: 'Debian Live',
  version: '12',
  boot: 'live',
  liveFamily: 'live-boot',
});
const gparted = distro({
  id: 'gparted',
  family: 'generic',
  name: 'GParted',
  version: '',
  boot: 'whole-iso',
  bootReason: 'no installer or live system found: booted as a whole ISO',
  memoryWarning: 'the ISO (5 GiB) is larger than a typical client’s memory',
});

test('each distro says how it boots, with the reason and the memory warning', () => {
  assert.deepEqual(distroBootWords(rocky), { kind: 'Installer', why: null, warning: null });
  assert.equal(distroBootWords(debianLive).kind, 'Live (Debian live-boot)');
  assert.deepEqual(distroBootWords(gparted), {
    kind: 'Whole ISO',
    why: 'no installer or live system found: booted as a whole ISO',
    warning: 'the ISO (5 GiB) is larger than a typical client’s memory',
  });
  assert.equal(distroBootWords({ bootReason: null } as never).kind, 'Installer', 'a record from an older server');
  assert.ok(isInstaller(rocky));
  assert.ok(!isInstaller(debianLive));
});

test('a host can boot each live system and whole ISO, memtest and its disk; never a missing ISO', () => {
  const choices = bootChoices([rocky, gparted, debianLive, distro({ id: 'gone', boot: 'live', status: 'missing' })]);
  assert.deepEqual(
    choices.map((c) => [c.entry, c.action]),
    [
      ['live:debian-live-12', 'Boot live'],
      ['iso:gparted', 'Boot whole ISO'],
      ['memtest', 'Run memory test'],
      ['local', 'Boot local disk'],
    ],
  );
  assert.equal(choices[0]?.label, 'Debian Live 12 (live system)');
});

test('the last boot in words: what, where it was chosen, when', () => {
  const clock = (iso: string) => iso.slice(11, 16);
  assert.equal(
    lastBootWords({ entry: 'live:debian-live-12', title: 'Debian Live 12', chosenAt: 'machine', at: '2026-01-01T10:42:10Z' }, clock),
    'Booted Debian Live 12, chosen at the machine, 10:42',
  );
  assert.equal(
    lastBootWords({ entry: 'memtest', title: 'memtest86+', chosenAt: 'app', at: '2026-01-01T09:05:00Z' }, clock),
    'Booted memtest86+, chosen in the app, 09:05',
  );
  assert.equal(lastBootWords(null), null);
});

test('wait policies in words: a host’s own, or the global one it follows (install waits)', () => {
  const distros = new Map([[rocky.id, rocky]]);
  assert.equal(newHostPolicyWords({ action: 'install', distro: rocky.id }, distros), 'Install Rocky Linux 9.4');
  assert.equal(newHostPolicyWords({ action: 'menu', distro: null }, distros), 'Show the boot menu');
  assert.equal(followedWaitPolicy({ action: 'install', distro: rocky.id }), 'wait');
  assert.equal(hostWaitWords({ waitPolicy: 'local' }, undefined), 'Boot the local disk (this machine’s own setting)');
  assert.equal(hostWaitWords({ waitPolicy: null }, { action: 'menu', distro: null }), 'Show the boot menu (follows the global setting)');
});

test('the New machines form: draft, checks, update, and the wipe confirmation', () => {
  const status = { newHosts: { action: 'wait', distro: null }, menu: { timeoutSeconds: 10 } } as Pick<ServerStatus, 'newHosts' | 'menu'>;
  const draft = policyDraftOf(status);
  assert.deepEqual(draft, { action: 'wait', distro: '', timeout: '10' });
  assert.ok(!isPolicyDirty(status, draft));
  assert.ok(isPolicyDirty(status, { ...draft, timeout: '5' }));
  const distros = new Map([
    [rocky.id, rocky],
    [debianLive.id, debianLive],
  ]);
  assert.equal(checkPolicyDraft({ ...draft, action: 'install' }, distros)?.field, 'distro');
  assert.equal(checkPolicyDraft({ ...draft, action: 'install', distro: debianLive.id }, distros)?.field, 'distro');
  assert.equal(checkPolicyDraft({ ...draft, timeout: '-1' }, distros)?.field, 'timeout');
  assert.equal(checkPolicyDraft({ ...draft, timeout: '3601' }, distros)?.field, 'timeout');
  assert.equal(checkPolicyDraft({ ...draft, action: 'install', distro: rocky.id }, distros), null);
  assert.deepEqual(policyUpdateOf({ action: 'menu', distro: rocky.id, timeout: ' 30 ' }), {
    newHosts: { action: 'menu', distro: null },
    menu: { timeoutSeconds: 30 },
  });
  assert.deepEqual(policyUpdateOf({ action: 'install', distro: rocky.id, timeout: '0' }).newHosts, { action: 'install', distro: rocky.id });
  assert.ok(needsWipeConfirm(status, { ...draft, action: 'install', distro: rocky.id }));
  assert.ok(!needsWipeConfirm({ newHosts: { action: 'install', distro: rocky.id } }, { ...draft, action: 'install', distro: rocky.id }));
  assert.ok(!needsWipeConfirm(status, { ...draft, action: 'menu' }));
  assert.deepEqual(
    policyFieldErrorOf(new ApiError(400, 'BAD_REQUEST', 'body.menu.timeoutSeconds: too big', { name: 'menu', detail: 'too big' })),
    {
      field: 'timeout',
      text: 'too big',
    },
  );
  assert.equal(policyFieldErrorOf(new ApiError(404, 'DISTRO_NOT_FOUND', 'no such ISO: x'))?.field, 'distro');
  assert.equal(policyFieldErrorOf(new ApiError(400, 'BAD_ARGUMENT', 'New machines cannot install gparted: a whole ISO.'))?.field, 'distro');
  assert.equal(policyFieldErrorOf(new Error('x')), null);
});

test('kernel arguments: trimmed, dirty against the saved ones, the server’s refusal at the input', () => {
  assert.equal(kernelArgsOf('  console=ttyS0,115200n8 nomodeset '), 'console=ttyS0,115200n8 nomodeset');
  assert.ok(!isKernelArgsDirty(null, ' '));
  assert.ok(isKernelArgsDirty('quiet', 'quiet nomodeset'));
  assert.equal(
    kernelArgsErrorOf(
      new ApiError(400, 'BAD_REQUEST', 'body.kernelArgs: one line', { name: 'kernelArgs', detail: 'one line of kernel arguments' }),
    ),
    'one line of kernel arguments',
  );
  assert.equal(
    kernelArgsErrorOf(new ApiError(400, 'BAD_ARGUMENT', 'kernel arguments must be one line, with double quotes only in pairs (key="a b")')),
    'kernel arguments must be one line, with double quotes only in pairs (key="a b")',
  );
  assert.equal(kernelArgsErrorOf(new ApiError(404, 'UNKNOWN_HOST', 'no host')), null);
  assert.equal(kernelArgsErrorOf(new ApiError(400, 'BAD_REQUEST', 'x', { name: 'label', detail: 'x' })), null);
});
