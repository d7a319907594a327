// The log views' pure parts, in Node: the arithmetic of a list with one expanded row, Pause's count
// of new lines, and the text Copy and Save produce; and the stream's reconnect cap.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '../../electron/shared/contract.js';
import { backoffMs } from '../../renderer/api/batcher.js';
import { MAX_RETRY_MS } from '../../renderer/api/events.js';
import { logFileName, logText } from '../../renderer/features/logs/log-export.js';
import { NO_EXPANSION, logWindow, rowAt, rowTop, scrollToShow, totalHeight } from '../../renderer/features/logs/log-window.js';
import { countAfter } from '../../renderer/features/logs/pausable.js';

const line = (seq: number, message: string, mac: string | null = null): LogEvent => ({
  type: 'log',
  seq,
  time: '2026-12-07T18:00:00.000Z',
  source: 'syslog',
  level: 'info',
  kind: 'syslog.line',
  mac,
  message,
});

describe('log list with an expanded row', () => {
  const ex = { index: 10, extra: 44 }; // row 10 is three rows tall

  test('without an expansion it is a plain fixed-height list', () => {
    assert.equal(rowTop(5, 22, NO_EXPANSION), 110);
    assert.equal(totalHeight(100, 22, NO_EXPANSION), 2200);
    assert.equal(rowAt(109, 22, 100, NO_EXPANSION), 4);
    assert.deepEqual(logWindow(0, 220, 22, 5000, NO_EXPANSION, 8), { start: 0, end: 19 });
    assert.deepEqual(logWindow(0, 220, 22, 0, NO_EXPANSION), { start: 0, end: 0 });
  });

  test('rows after the expanded one move down by its extra height', () => {
    assert.equal(rowTop(10, 22, ex), 220);
    assert.equal(rowTop(11, 22, ex), 220 + 22 + 44);
    assert.equal(totalHeight(100, 22, ex), 2200 + 44);
    assert.equal(totalHeight(5, 22, ex), 110, 'an expansion past the end (filtered out) adds nothing');
  });

  test('the row at a height: inside the expanded row is that row', () => {
    assert.equal(rowAt(219, 22, 100, ex), 9);
    assert.equal(rowAt(220, 22, 100, ex), 10);
    assert.equal(rowAt(220 + 65, 22, 100, ex), 10);
    assert.equal(rowAt(220 + 66, 22, 100, ex), 11);
    assert.equal(rowAt(1e9, 22, 100, ex), 99, 'clamped');
  });

  test('scrollToShow brings a row into view and leaves a visible one alone', () => {
    assert.equal(scrollToShow(3, 0, 220, 22, NO_EXPANSION), 0);
    assert.equal(scrollToShow(20, 0, 220, 22, NO_EXPANSION), 21 * 22 - 220);
    assert.equal(scrollToShow(2, 200, 220, 22, NO_EXPANSION), 44);
    // The expanded row taller than the view: its top is shown.
    assert.equal(scrollToShow(10, 0, 50, 22, ex), 220);
  });
});

describe('pause and export', () => {
  test('countAfter counts the lines after a seq', () => {
    const lines = [1, 2, 5, 9].map((s) => line(s, `m${s}`));
    assert.equal(countAfter(lines, 9), 0);
    assert.equal(countAfter(lines, 2), 2);
    assert.equal(countAfter(lines, 0), 4);
    assert.equal(countAfter([], 3), 0);
  });

  test('logText: every line, with time, source, level, MAC and message, one a line', () => {
    const text = logText([line(1, 'first', '52:54:00:aa:bb:cc'), line(2, 'second')]);
    assert.equal(text, '2026-12-07T18:00:00.000Z syslog info 52:54:00:aa:bb:cc first\n2026-12-07T18:00:00.000Z syslog info - second\n');
    assert.equal(logText([]), '');
  });

  test('logFileName: a .log name valid on every file system', () => {
    assert.equal(logFileName('bootbench-log', new Date('2026-12-07T18:44:01.123Z')), 'bootbench-log-2026-12-07T18-44-01.log');
    assert.equal(logFileName('host 52:54', new Date('2026-12-07T18:44:01Z')), 'host-52-54-2026-12-07T18-44-01.log');
  });
});

describe('reconnecting to a server on loopback', () => {
  test('the wait between attempts grows to MAX_RETRY_MS (3 s), never more than +20 %', () => {
    assert.equal(MAX_RETRY_MS, 3000);
    assert.equal(
      backoffMs(0, () => 0.5, MAX_RETRY_MS),
      250,
    );
    assert.equal(
      backoffMs(2, () => 0.5, MAX_RETRY_MS),
      1000,
    );
    assert.equal(
      backoffMs(30, () => 0.5, MAX_RETRY_MS),
      3000,
    );
    assert.equal(
      backoffMs(30, () => 1, MAX_RETRY_MS),
      3600,
    );
  });
});
