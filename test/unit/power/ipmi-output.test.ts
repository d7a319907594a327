// ipmitool 1.8.19's words as it printed them against OpenIPMI's ipmi_sim (-I lanplus -v).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bootdevRefusal, classifyFailure, parsePowerStatus, powerControlAccepted } from '../../../electron/core/power/ipmi-output.js';
import { ipmitoolArgs } from '../../../electron/core/power/ipmitool.js';

describe('ipmitool output', () => {
  test('power status', () => {
    assert.equal(parsePowerStatus('Loading IANA PEN Registry...\nChassis Power is on\n'), 'on');
    assert.equal(parsePowerStatus('Chassis Power is off\n'), 'off');
    assert.equal(parsePowerStatus('something else'), null);
  });

  test('a wrong password and an unknown user are refused credentials', () => {
    for (const stderr of [
      'Loading IANA PEN Registry...\n> RAKP 2 HMAC is invalid\nError: Unable to establish IPMI v2 / RMCP+ session\n',
      'RAKP 2 message indicates an error : unauthorized name\nError: Unable to establish IPMI v2 / RMCP+ session\n',
    ])
      assert.equal(classifyFailure(stderr).kind, 'refused');
  });

  test('nothing answering is no answer', () => {
    const stderr =
      'Loading IANA PEN Registry...\nGet Auth Capabilities error\nError issuing Get Channel Authentication Capabilities request\nError: Unable to establish IPMI v2 / RMCP+ session\n';
    assert.equal(classifyFailure(stderr).kind, 'no-answer');
  });

  test('a cipher suite the BMC does not offer is an error that says so', () => {
    const r = classifyFailure(
      'Error in open session response message : invalid authentication algorithm\n\nError: Unable to establish IPMI v2 / RMCP+ session',
    );
    assert.equal(r.kind, 'failed');
    assert.match(r.detail, /cipher suite/);
  });

  test('bootdev exits 0 when the BMC refuses a parameter: the words say it', () => {
    assert.match(
      bootdevRefusal(
        'Set Chassis Boot Parameter 4 failed: Invalid data field in request\nSet Chassis Boot Parameter 5 failed: Invalid data field in request\n',
      ) ?? '',
      /boot parameter 4 \(Invalid data field in request\)/,
    );
    assert.equal(bootdevRefusal('Set Boot Device to pxe\n'), null);
  });

  test('control accepted', () => {
    assert.ok(powerControlAccepted('Chassis Power Control: Up/On\n'));
    assert.ok(!powerControlAccepted(''));
  });

  test('the password is never an argument: -E and the environment carry it', () => {
    const args = ipmitoolArgs({ address: '10.0.0.5', port: 623, user: 'admin', password: 'hunter2-secret', cipherSuite: 17 }, [
      'chassis',
      'power',
      'status',
    ]);
    assert.ok(!args.some((a) => a.includes('hunter2')));
    assert.ok(args.includes('-E'));
    assert.ok(!args.includes('-P'));
    assert.deepEqual(args.slice(args.indexOf('-C'), args.indexOf('-C') + 2), ['-C', '17']);
    assert.deepEqual(args.slice(-3), ['chassis', 'power', 'status']);
  });
});
