// The power and boot-chain UI's pure parts (renderer/features/power/power-words.ts, power-draft.ts,
// renderer/features/hosts/chain-words.ts): what is said, what is sent, and that a stored secret is
// never part of the form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Host } from '../../electron/shared/contract.js';
import type { PowerSettingsView } from '../../electron/shared/power.js';
import { ApiError } from '../../renderer/api/client.js';
import {
  certificateChange,
  checkDraft,
  draftOf,
  isDirty,
  NO_SECRETS,
  powerFieldErrorOf,
  secretPlaceholder,
  secretSet,
  updateOf,
} from '../../renderer/features/power/power-draft.js';
import {
  actionsOf,
  latestReading,
  needsConfirm,
  nowChoiceWords,
  powerStateWords,
  queuedWords,
} from '../../renderer/features/power/power-words.js';
import { chainSourceWords, hostChainWords, secureBootWords } from '../../renderer/features/hosts/chain-words.js';

const MAC = '52:54:00:aa:bb:01';
const NOW = Date.parse('2026-01-01T10:10:00.000Z');

const view = (over: Partial<PowerSettingsView> = {}): PowerSettingsView => ({
  mac: MAC,
  method: null,
  wol: null,
  ipmi: null,
  redfish: null,
  power: null,
  ...over,
});
const ipmiView = view({
  method: 'ipmi',
  ipmi: { address: '10.0.0.5', port: 623, user: 'admin', passwordSet: true, cipherSuite: 3 },
});
const redfishView = (pinned: string | null, presented: string | null) =>
  view({
    method: 'redfish',
    redfish: {
      url: 'https://10.0.0.6',
      user: 'root',
      passwordSet: true,
      allowHttp: false,
      pinnedFingerprint: pinned,
      presentedFingerprint: presented,
    },
  });

test('actionsOf: Wake-on-LAN only powers on; a BMC does all four; nothing without settings', () => {
  assert.deepEqual(actionsOf(null), []);
  assert.deepEqual(actionsOf(undefined), []);
  assert.deepEqual(actionsOf('wol'), ['on']);
  assert.deepEqual(actionsOf('ipmi'), ['on', 'off', 'cycle', 'status']);
  assert.deepEqual(actionsOf('redfish'), ['on', 'off', 'cycle', 'status']);
  assert.equal(needsConfirm('off'), true);
  assert.equal(needsConfirm('cycle'), true);
  assert.equal(needsConfirm('on'), false);
  assert.equal(needsConfirm('status'), false);
});

test('powerStateWords and latestReading: the newest reading, with when', () => {
  const older = { state: 'off' as const, at: '2026-01-01T10:00:00.000Z' };
  const newer = { state: 'on' as const, at: '2026-01-01T10:08:00.000Z' };
  assert.deepEqual(latestReading(older, newer), newer);
  assert.deepEqual(latestReading(null, older, undefined), older);
  assert.equal(latestReading(null, undefined), null);
  assert.equal(powerStateWords(newer, 'ipmi', NOW), 'on (2 min ago)');
  assert.equal(powerStateWords(null, 'ipmi', NOW), 'not read yet');
  assert.match(powerStateWords(null, 'wol', NOW), /Wake-on-LAN cannot read it/);
});

test('queuedWords: without power settings a queued machine that does not poll says "reboot this machine to start"', () => {
  const h = (over: Partial<Host>) => ({ state: 'queued' as const, lastPolledAt: null, powerMethod: null, ...over });
  assert.equal(queuedWords(h({}), NOW), 'reboot this machine to start');
  assert.equal(queuedWords(h({ lastPolledAt: '2026-01-01T10:00:00.000Z' }), NOW), 'reboot this machine to start', 'polled 10 min ago');
  assert.match(queuedWords(h({ lastPolledAt: '2026-01-01T10:09:55.000Z' }), NOW) ?? '', /starting/, 'polling: it starts by itself');
  assert.match(queuedWords(h({ powerMethod: 'ipmi' }), NOW) ?? '', /Power cycle starts it/);
  assert.match(queuedWords(h({ powerMethod: 'wol' }), NOW) ?? '', /Power on wakes it/);
  assert.equal(queuedWords(h({ state: 'discovered' } as Partial<Host>), NOW), null);
  assert.equal(nowChoiceWords('ipmi', true), 'Reinstall now (power-cycle through the BMC)');
  assert.equal(nowChoiceWords('wol', false), 'Install now (wake it with Wake-on-LAN)');
});

test('the form never holds a stored secret: the draft has no password, the placeholder says set / not set', () => {
  const draft = draftOf(ipmiView);
  assert.deepEqual(draft, {
    method: 'ipmi',
    wolMac: MAC,
    ipmiAddress: '10.0.0.5',
    ipmiPort: '623',
    ipmiUser: 'admin',
    cipherSuite: '3',
    redfishUrl: '',
    redfishUser: '',
    allowHttp: false,
  });
  assert.equal(secretSet(ipmiView, 'ipmi'), true);
  assert.equal(secretSet(ipmiView, 'redfish'), false);
  assert.equal(secretPlaceholder(true), 'set — leave empty to keep');
  assert.equal(secretPlaceholder(false), 'not set');
  assert.equal(isDirty(ipmiView, draft, NO_SECRETS), false);
  assert.equal(isDirty(ipmiView, draft, { ...NO_SECRETS, ipmiPassword: 'x' }), true);
  assert.equal(isDirty(ipmiView, { ...draft, ipmiUser: 'root' }, NO_SECRETS), true);
});

test('updateOf: only the chosen method; a secret only when typed (empty keeps the stored one)', () => {
  const draft = draftOf(ipmiView);
  assert.deepEqual(updateOf(draft, NO_SECRETS), {
    method: 'ipmi',
    ipmi: { address: '10.0.0.5', port: 623, user: 'admin', cipherSuite: 3 },
  });
  assert.deepEqual(updateOf(draft, { ...NO_SECRETS, ipmiPassword: 'n3w' }), {
    method: 'ipmi',
    ipmi: { address: '10.0.0.5', port: 623, user: 'admin', cipherSuite: 3, password: 'n3w' },
  });
  assert.deepEqual(updateOf({ ...draft, method: 'none' }, { ...NO_SECRETS, ipmiPassword: 'ignored' }), { method: null });
  assert.deepEqual(updateOf({ ...draft, method: 'wol', wolMac: '52-54-00-AA-BB-02' }, { ...NO_SECRETS, secureOn: 'aa:bb:cc:dd:ee:ff' }), {
    method: 'wol',
    wol: { mac: '52:54:00:aa:bb:02', secureOn: 'aa:bb:cc:dd:ee:ff' },
  });
  assert.deepEqual(updateOf(draftOf(redfishView(null, null)), { ...NO_SECRETS, ipmiPassword: 'not this one' }), {
    method: 'redfish',
    redfish: { url: 'https://10.0.0.6', user: 'root', allowHttp: false },
  });
});

test('checkDraft: each refusal names its input', () => {
  const ipmi = draftOf(ipmiView);
  assert.equal(checkDraft(ipmi), null);
  assert.equal(checkDraft({ ...ipmi, ipmiAddress: ' ' })?.field, 'ipmiAddress');
  assert.equal(checkDraft({ ...ipmi, ipmiPort: '70000' })?.field, 'ipmiPort');
  assert.equal(checkDraft({ ...ipmi, ipmiPort: '62a' })?.field, 'ipmiPort');
  assert.equal(checkDraft({ ...ipmi, cipherSuite: '18' })?.field, 'cipherSuite');
  const rf = draftOf(redfishView(null, null));
  assert.equal(checkDraft(rf), null);
  assert.equal(checkDraft({ ...rf, redfishUrl: 'bmc.example' })?.field, 'redfishUrl');
  assert.match(checkDraft({ ...rf, redfishUrl: 'http://10.0.0.6' })?.text ?? '', /in clear/, 'plain http is refused unless allowed');
  assert.equal(checkDraft({ ...rf, redfishUrl: 'http://10.0.0.6', allowHttp: true }), null);
  assert.equal(checkDraft({ ...rf, method: 'wol', wolMac: 'nope' })?.field, 'wolMac');
  assert.equal(checkDraft({ ...rf, method: 'none' }), null);
  const wol = { ...rf, method: 'wol' as const, wolMac: MAC };
  assert.equal(checkDraft(wol, { ...NO_SECRETS, secureOn: '01:02:03:04:05:06' }), null);
  assert.equal(checkDraft(wol, { ...NO_SECRETS, secureOn: 'hunter2' })?.field, 'secureOn');
});

test('powerFieldErrorOf: the server’s field name, with or without the method, maps to the input', () => {
  const err = (name: string) => new ApiError(400, 'BAD', 'bad', { name, detail: 'is wrong' });
  assert.deepEqual(powerFieldErrorOf(err('address'), 'ipmi'), { field: 'ipmiAddress', text: 'is wrong' });
  assert.deepEqual(powerFieldErrorOf(err('ipmi.password'), 'ipmi'), { field: 'ipmiPassword', text: 'is wrong' });
  assert.deepEqual(powerFieldErrorOf(err('redfish.password'), 'redfish'), { field: 'redfishPassword', text: 'is wrong' });
  assert.deepEqual(powerFieldErrorOf(err('url'), 'redfish'), { field: 'redfishUrl', text: 'is wrong' });
  assert.deepEqual(powerFieldErrorOf(err('redfishUrl'), 'redfish'), { field: 'redfishUrl', text: 'is wrong' });
  assert.deepEqual(powerFieldErrorOf(err('secureOn'), 'wol'), { field: 'secureOn', text: 'is wrong' });
  assert.equal(powerFieldErrorOf(err('somethingElse'), 'ipmi'), null);
  // The control API's zod refusal names the top-level key; the message has the path.
  const zod = new ApiError(400, 'BAD_REQUEST', 'body.ipmi.address: a host name or IP address like 10.0.0.5', {
    name: 'ipmi',
    detail: 'a host name or IP address like 10.0.0.5',
  });
  assert.deepEqual(powerFieldErrorOf(zod, 'ipmi'), { field: 'ipmiAddress', text: 'a host name or IP address like 10.0.0.5' });
  assert.equal(powerFieldErrorOf(new Error('x'), 'ipmi'), null);
});

test('certificateChange: only a presented fingerprint that differs from the pinned one', () => {
  assert.equal(certificateChange(redfishView('AA:BB', null)), null);
  assert.equal(certificateChange(redfishView('AA:BB', 'AA:BB')), null);
  assert.deepEqual(certificateChange(redfishView('AA:BB', 'CC:DD')), { pinned: 'AA:BB', presented: 'CC:DD' });
  assert.equal(certificateChange(ipmiView), null);
  assert.equal(certificateChange(null), null);
});

test('chain words: a UEFI host’s chain, where it comes from; a distro’s Secure Boot verdict with the reason', () => {
  assert.equal(hostChainWords({ firmware: 'uefi', chain: 'signed' }), 'Signed (Secure Boot)');
  assert.equal(hostChainWords({ firmware: 'uefi', chain: 'ipxe' }), 'iPXE');
  assert.equal(hostChainWords({ firmware: 'bios', chain: 'ipxe' }), null);
  assert.equal(hostChainWords({ firmware: 'uefi' }), null);
  assert.equal(hostChainWords({ firmware: 'unknown', chain: 'ipxe' }), null, 'never seen booting: not in the list');
  assert.equal(hostChainWords({ firmware: 'uefi-http', chain: 'signed' }), 'Signed (Secure Boot)');
  assert.match(chainSourceWords({ chainOverride: 'ipxe' }, 'auto'), /^Set for this machine: iPXE/);
  assert.match(chainSourceWords({ chainOverride: null }, 'auto'), /^Follows the global setting: Auto/);
  assert.deepEqual(secureBootWords({ secureBoot: true, secureBootReason: null }), { yes: true, why: null });
  assert.deepEqual(secureBootWords({ secureBoot: true, secureBootReason: 'its own signed chain' }), {
    yes: true,
    why: 'its own signed chain',
  });
  assert.deepEqual(secureBootWords({ secureBoot: false, secureBootReason: null }), {
    yes: false,
    why: 'no signed boot chain found on this ISO',
  });
  assert.deepEqual(secureBootWords({ secureBoot: false, secureBootReason: 'unsigned loader' }), { yes: false, why: 'unsigned loader' });
  assert.equal(secureBootWords({}), null);
});
