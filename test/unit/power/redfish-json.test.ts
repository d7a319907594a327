// The Redfish JSON Bootbench reads: DMTF-shaped resources parse, malformed ones are a reason (never
// an exception), and the decisions (reset type, PXE-once patch) follow what the BMC offers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseResetType,
  parseActionInfo,
  parseCollection,
  parseServiceRoot,
  parseSystem,
  planPxeOnce,
  powerStateOf,
  redfishErrorMessage,
  type SystemFacts,
} from '../../../electron/core/power/redfish-json.js';

// As in DMTF's public mockup "public-rackmount1" (Systems/437XR1138R2), trimmed.
const mockupSystem = {
  '@odata.type': '#ComputerSystem.v1_20_0.ComputerSystem',
  '@odata.id': '/redfish/v1/Systems/437XR1138R2',
  Id: '437XR1138R2',
  PowerState: 'On',
  Boot: {
    BootSourceOverrideEnabled: 'Once',
    BootSourceOverrideTarget: 'Pxe',
    'BootSourceOverrideTarget@Redfish.AllowableValues': [
      'None',
      'Pxe',
      'Cd',
      'Usb',
      'Hdd',
      'BiosSetup',
      'Utilities',
      'Diags',
      'SDCard',
      'UefiTarget',
    ],
    BootSourceOverrideMode: 'UEFI',
    'BootSourceOverrideMode@Redfish.AllowableValues': ['Legacy', 'UEFI'],
  },
  Actions: {
    '#ComputerSystem.Reset': {
      target: '/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset',
      'ResetType@Redfish.AllowableValues': [
        'On',
        'ForceOff',
        'GracefulShutdown',
        'GracefulRestart',
        'ForceRestart',
        'Nmi',
        'ForceOn',
        'PushPowerButton',
      ],
    },
  },
};

function facts(json: unknown): SystemFacts {
  const r = parseSystem(json);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.value;
}

test('a ServiceRoot and a collection give the Systems link and the members', () => {
  assert.deepEqual(parseServiceRoot({ Systems: { '@odata.id': '/redfish/v1/Systems' }, RedfishVersion: '1.15.0' }), {
    ok: true,
    value: { systems: '/redfish/v1/Systems' },
  });
  assert.deepEqual(parseCollection({ Members: [{ '@odata.id': '/redfish/v1/Systems/1' }], 'Members@odata.count': 1 }), {
    ok: true,
    value: ['/redfish/v1/Systems/1'],
  });
});

test('malformed resources are a reason that names what is wrong, never a throw', () => {
  for (const [r, words] of [
    [parseServiceRoot({}), /ServiceRoot.*Systems/],
    [parseServiceRoot({ Systems: '/redfish/v1/Systems' }), /Systems/],
    [parseServiceRoot(null), /ServiceRoot/],
    [parseServiceRoot([1, 2]), /ServiceRoot/],
    [parseCollection({ Members: [{ '@odata.id': 7 }] }), /Members\.0\.@odata\.id/],
    [parseSystem({ PowerState: 3 }), /PowerState/],
    [parseSystem({ Actions: { '#ComputerSystem.Reset': { 'ResetType@Redfish.AllowableValues': ['On'] } } }), /target/],
    [parseSystem({ Boot: { 'BootSourceOverrideTarget@Redfish.AllowableValues': 'Pxe' } }), /AllowableValues/],
  ] as const) {
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, words);
  }
});

test('a ComputerSystem: power state, boot override and reset action as the BMC offers them', () => {
  const f = facts(mockupSystem);
  assert.equal(f.powerState, 'On');
  assert.equal(f.boot?.mode, 'UEFI');
  assert.deepEqual(f.boot?.modes, ['Legacy', 'UEFI']);
  assert.equal(f.reset?.target, '/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset');
  assert.ok(f.reset?.types?.includes('ForceRestart'));
  const bare = facts({ PowerState: 'Off' });
  assert.deepEqual(bare, { powerState: 'Off', boot: null, reset: null });
});

test('PowerState maps to on/off/unknown', () => {
  assert.equal(powerStateOf('On'), 'on');
  assert.equal(powerStateOf('PoweringOn'), 'on');
  assert.equal(powerStateOf('Off'), 'off');
  assert.equal(powerStateOf('PoweringOff'), 'off');
  assert.equal(powerStateOf(null), 'unknown');
  assert.equal(powerStateOf('Weird'), 'unknown');
});

test('reset type: the first offered of the preferred ones; a cycle of a machine that is off powers it on', () => {
  const all = ['On', 'ForceOff', 'ForceRestart', 'PowerCycle'];
  assert.deepEqual(chooseResetType('on', 'off', all), { ok: true, value: 'On' });
  assert.deepEqual(chooseResetType('off', 'on', all), { ok: true, value: 'ForceOff' });
  assert.deepEqual(chooseResetType('cycle', 'on', all), { ok: true, value: 'ForceRestart' });
  assert.deepEqual(chooseResetType('cycle', 'on', ['On', 'ForceOff', 'PowerCycle']), { ok: true, value: 'PowerCycle' });
  assert.deepEqual(chooseResetType('cycle', 'off', ['On', 'ForceOff', 'ForceRestart']), { ok: true, value: 'On' });
  assert.deepEqual(chooseResetType('on', 'off', ['ForceOn', 'ForceOff']), { ok: true, value: 'ForceOn' });
  assert.deepEqual(chooseResetType('cycle', 'unknown', null), { ok: true, value: 'ForceRestart' });
  const none = chooseResetType('off', 'on', ['On', 'Nmi']);
  assert.equal(none.ok, false);
  if (!none.ok) assert.match(none.reason, /power off \(offers On, Nmi\)/);
});

test('PXE once: target Pxe, enabled Once, and the mode only where the BMC offers it', () => {
  assert.deepEqual(planPxeOnce(facts(mockupSystem), 'Legacy'), {
    ok: true,
    value: { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once', BootSourceOverrideMode: 'Legacy' } },
  });
  assert.deepEqual(planPxeOnce(facts(mockupSystem), null), {
    ok: true,
    value: { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } },
  });
  const noModes = facts({ Boot: { BootSourceOverrideTarget: 'None', BootSourceOverrideEnabled: 'Disabled' } });
  assert.deepEqual(planPxeOnce(noModes, 'UEFI'), {
    ok: true,
    value: { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } },
  });
  const uefiOnly = facts({ Boot: { BootSourceOverrideMode: 'UEFI', 'BootSourceOverrideMode@Redfish.AllowableValues': ['UEFI'] } });
  // Legacy is not offered: the patch leaves the mode alone rather than be refused.
  assert.deepEqual(planPxeOnce(uefiOnly, 'Legacy'), {
    ok: true,
    value: { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } },
  });
  const noPxe = planPxeOnce(facts({ Boot: { 'BootSourceOverrideTarget@Redfish.AllowableValues': ['None', 'Hdd'] } }), null);
  assert.equal(noPxe.ok, false);
  if (!noPxe.ok) assert.match(noPxe.reason, /PXE is not a boot override target it offers \(None, Hdd\)/);
  assert.equal(planPxeOnce(facts({}), null).ok, false);
});

test('ActionInfo allowable values, and the words of a Redfish error body', () => {
  assert.deepEqual(parseActionInfo({ Parameters: [{ Name: 'ResetType', AllowableValues: ['On', 'ForceOff'] }] }, 'ResetType'), {
    ok: true,
    value: ['On', 'ForceOff'],
  });
  assert.deepEqual(parseActionInfo({ Parameters: [] }, 'ResetType'), { ok: true, value: null });
  assert.equal(
    redfishErrorMessage({
      error: {
        code: 'Base.1.8.GeneralError',
        message: 'A general error has occurred.',
        '@Message.ExtendedInfo': [{ Message: 'The value "X" for ResetType is not supported.' }],
      },
    }),
    'A general error has occurred. The value "X" for ResetType is not supported.',
  );
  assert.equal(redfishErrorMessage({ error: { code: 'Base.1.8.X' } }), 'Base.1.8.X');
  assert.equal(redfishErrorMessage({ nope: 1 }), null);
});
