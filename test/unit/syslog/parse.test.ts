// The syslog parser against lines captured from real senders on Debian 12 (util-linux logger 2.38,
// busybox 1.35 syslogd -R forwarding busybox logger, i.e. what the Debian installer sends), the
// examples of RFC 3164 §5.4 and RFC 5424 §6.5, and malformed input.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SYSLOG_BYTES, parseSyslog } from '../../../electron/core/syslog/parse.js';
import { SyslogFramer } from '../../../electron/core/syslog/tcp-framing.js';

const now = new Date('2026-11-26T10:00:00Z');

describe('syslog parser', () => {
  test('logger --rfc3164: PRI, BSD timestamp, host, tag', () => {
    const r = parseSyslog('<142>Nov 26 09:14:42 vm anaconda: Program started', { now });
    assert.deepEqual(
      { ...r, structuredData: undefined },
      {
        facility: 'local1',
        severity: 'info',
        time: '2026-11-26T09:14:42.000Z',
        hostname: 'vm',
        app: 'anaconda',
        procid: null,
        msgid: null,
        structuredData: undefined,
        message: 'Program started',
        format: 'rfc3164',
        malformed: false,
        truncated: false,
      },
    );
  });

  test('logger --rfc3164 -i: tag with pid', () => {
    const r = parseSyslog('<13>Nov 26 09:14:48 vm anaconda[22546]: with pid', { now });
    assert.equal(r.app, 'anaconda');
    assert.equal(r.procid, '22546');
    assert.equal(r.hostname, 'vm');
    assert.equal(r.message, 'with pid');
    assert.equal(r.facility, 'user');
    assert.equal(r.severity, 'notice');
  });

  test('busybox syslogd -R (Debian installer): glibc format without hostname, LF-terminated', () => {
    const r = parseSyslog(Buffer.from("<14>Nov 26 09:14:42 main-menu: INFO: Menu item 'netcfg' selected\n"), { now });
    assert.equal(r.hostname, null);
    assert.equal(r.app, 'main-menu');
    assert.equal(r.message, "INFO: Menu item 'netcfg' selected");
    assert.equal(r.time, '2026-11-26T09:14:42.000Z');
    assert.equal(r.severity, 'info');
  });

  test('a single-digit day is space-padded; a December line read in January is last year', () => {
    const r = parseSyslog('<30>Dec 31 23:59:58 netcfg[812]: DHCP lease obtained', { now: new Date('2027-01-01T00:00:05Z') });
    assert.equal(r.time, '2026-12-31T23:59:58.000Z');
    // Jan 2 read on Nov 26 is 37 days ahead, nearer than 328 days back: next year.
    assert.equal(parseSyslog('<30>Jan  2 03:04:05 h t: m', { now }).time, '2027-01-02T03:04:05.000Z');
  });

  test('RFC 3164 §5.4 example', () => {
    const r = parseSyslog("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", { now });
    assert.equal(r.facility, 'auth');
    assert.equal(r.severity, 'crit');
    assert.equal(r.hostname, 'mymachine');
    assert.equal(r.app, 'su');
    assert.equal(r.message, "'su root' failed for lonvick on /dev/pts/8");
  });

  test('rsyslog RSYSLOG_ForwardFormat: RFC 3339 timestamp in the 3164 layout', () => {
    const r = parseSyslog('<86>2024-05-02T11:22:33.123456+02:00 localhost anaconda[1794]: Starting installer, one moment...', { now });
    assert.equal(r.time, '2024-05-02T09:22:33.123Z');
    assert.equal(r.hostname, 'localhost');
    assert.equal(r.app, 'anaconda');
    assert.equal(r.procid, '1794');
    assert.equal(r.facility, 'authpriv');
  });

  test('no timestamp and no host: <PRI>tag: msg', () => {
    const r = parseSyslog('<13>preseed: running preseed command preseed/early_command', { now });
    assert.deepEqual([r.time, r.hostname, r.app, r.message], [null, null, 'preseed', 'running preseed command preseed/early_command']);
  });

  test('logger --rfc5424 with structured data and msgid', () => {
    const r = parseSyslog(
      '<28>1 2026-11-26T09:14:48.540922+00:00 vm netcfg - NET [timeQuality tzKnown="1" isSynced="0"][exampleSDID@32473 iut="3" eventSource="Application"] DHCP lease obtained',
    );
    assert.equal(r.format, 'rfc5424');
    assert.equal(r.facility, 'daemon');
    assert.equal(r.severity, 'warning');
    assert.equal(r.time, '2026-11-26T09:14:48.540Z');
    assert.deepEqual([r.hostname, r.app, r.procid, r.msgid], ['vm', 'netcfg', null, 'NET']);
    assert.deepEqual(r.structuredData, [
      { id: 'timeQuality', params: { tzKnown: '1', isSynced: '0' } },
      { id: 'exampleSDID@32473', params: { iut: '3', eventSource: 'Application' } },
    ]);
    assert.equal(r.message, 'DHCP lease obtained');
  });

  test('logger --rfc5424=notq,notime: nil timestamp', () => {
    const r = parseSyslog('<13>1 - vm x - - - no time');
    assert.deepEqual([r.time, r.hostname, r.app, r.message, r.malformed], [null, 'vm', 'x', 'no time', false]);
  });

  test('RFC 5424 §6.5 example 1: BOM before the message', () => {
    const r = parseSyslog(
      Buffer.concat([
        Buffer.from('<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - '),
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from("'su root' failed for lonvick on /dev/pts/8"),
      ]),
    );
    assert.equal(r.message, "'su root' failed for lonvick on /dev/pts/8");
    assert.equal(r.msgid, 'ID47');
    assert.equal(r.time, '2003-10-11T22:14:15.003Z');
  });

  test('RFC 5424: escaped quote, backslash and ] inside a parameter value', () => {
    const r = parseSyslog('<165>1 2003-10-11T22:14:15.003Z host app 42 - [ex@32473 a="x\\]y" b="q\\"r" c="s\\\\t"] msg');
    assert.deepEqual(r.structuredData, [{ id: 'ex@32473', params: { a: 'x]y', b: 'q"r', c: 's\\t' } }]);
    assert.equal(r.procid, '42');
    assert.equal(r.message, 'msg');
  });

  test('a 3164 line whose text starts with a digit is not taken for 5424', () => {
    const r = parseSyslog('<13>1 disk found');
    assert.equal(r.format, 'rfc3164');
    assert.equal(r.message, '1 disk found');
  });

  test('no PRI: user.notice (RFC 3164 §4.3.3), whole text kept, flagged malformed', () => {
    const r = parseSyslog('just some text');
    assert.deepEqual([r.facility, r.severity, r.message, r.malformed], ['user', 'notice', 'just some text', true]);
    assert.equal(parseSyslog('<999>x').malformed, true);
    assert.equal(parseSyslog('').malformed, true);
  });

  test('garbage bytes never throw; an oversized datagram is cut and flagged', () => {
    for (let i = 0; i < 500; i++) {
      const junk = Buffer.from(Array.from({ length: Math.floor(Math.random() * 300) }, () => Math.floor(Math.random() * 256)));
      parseSyslog(Buffer.concat([Buffer.from(i % 2 ? '<13>1 ' : '<13>'), junk]));
    }
    const big = parseSyslog(`<13>Nov 26 09:14:42 host app: ${'x'.repeat(60_000)}`);
    assert.equal(big.truncated, true);
    assert.ok(Buffer.byteLength(big.message) <= MAX_SYSLOG_BYTES);
    assert.equal(big.app, 'app');
  });
});

describe('syslog TCP framing (RFC 6587)', () => {
  test('LF-terminated frames (rsyslog @@), split across chunks', () => {
    const f = new SyslogFramer(100);
    assert.deepEqual(f.push(Buffer.from('<13>Nov 26 09:14:42 h a: one\n<13>Nov 26 09:1')).map(String), ['<13>Nov 26 09:14:42 h a: one']);
    assert.deepEqual(f.push(Buffer.from('4:43 h a: two\n')).map(String), ['<13>Nov 26 09:14:43 h a: two']);
    assert.equal(f.end(), null);
  });

  test('octet-counted frames', () => {
    const f = new SyslogFramer(100);
    const m = '<13>1 - h a - - - hi';
    assert.deepEqual(f.push(Buffer.from(`${m.length} ${m}${m.length} ${m.slice(0, 5)}`)).map(String), [m]);
    assert.deepEqual(f.push(Buffer.from(m.slice(5))).map(String), [m]);
  });

  test('over-long frames are cut and the stream resynchronises', () => {
    const f = new SyslogFramer(10);
    assert.deepEqual(f.push(Buffer.from(`${'y'.repeat(25)}\n<13>ok\n`)).map(String), ['y'.repeat(10), '<13>ok']);
    assert.deepEqual(f.push(Buffer.from(`30 ${'z'.repeat(30)}<13>next\n`)).map(String), ['z'.repeat(10), '<13>next']);
    const tail = new SyslogFramer(10);
    assert.equal(tail.push(Buffer.from('<13>tail')).length, 0);
    assert.equal(String(tail.end()), '<13>tail', 'a last line without LF is delivered when the sender closes');
  });
});
