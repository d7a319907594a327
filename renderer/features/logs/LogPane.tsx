// The global log: every service's lines (the last LOG_CAP), filterable by source, level and text.
import { useDeferredValue, useId, useMemo, useState } from 'react';
import type { EventLevel, EventSource, LogEvent } from '../../../electron/shared/contract.js';
import { useLive } from '../../app/context.js';
import { VirtualList } from '../../components/VirtualList.js';
import { LogLine, SourceSelect, filterLines } from './log-line.js';

const LEVELS: readonly EventLevel[] = ['debug', 'info', 'warn', 'error'];

export function LogPane({ compact = false }: { compact?: boolean }) {
  const logs = useLive((s) => s.logs);
  const [source, setSource] = useState<EventSource | 'all'>('all');
  const [level, setLevel] = useState<EventLevel>('info');
  const [text, setText] = useState('');
  // Typing stays responsive under a flood: filtering the list may lag a frame behind the input.
  const deferredText = useDeferredValue(text);
  const deferredLogs = useDeferredValue(logs);
  const id = useId();
  const shown = useMemo(() => {
    const min = LEVELS.indexOf(level);
    const byLevel = min === 0 ? deferredLogs : deferredLogs.filter((e: LogEvent) => LEVELS.indexOf(e.level) >= min);
    return filterLines(byLevel, source, deferredText);
  }, [deferredLogs, level, source, deferredText]);
  return (
    <section className={`log-pane panel ${compact ? 'compact' : ''}`} aria-labelledby={`${id}-title`}>
      <div className="toolbar">
        <h2 id={`${id}-title`}>Log</h2>
        <label htmlFor={`${id}-src`}>Source</label>
        <SourceSelect id={`${id}-src`} value={source} onChange={setSource} />
        <label htmlFor={`${id}-lvl`}>Level</label>
        <select id={`${id}-lvl`} value={level} onChange={(e) => setLevel(e.target.value as EventLevel)}>
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l} and above
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-q`}>Search</label>
        <input
          id={`${id}-q`}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="text or MAC"
          data-testid="log-search"
        />
        <span className="muted" data-testid="log-count">
          {shown.length} /{' '}
          <span data-testid="log-total" data-last-seq={logs.at(-1)?.seq ?? 0}>
            {logs.length}
          </span>{' '}
          lines
        </span>
      </div>
      <VirtualList
        items={shown}
        rowHeight={22}
        follow
        label="Server log"
        className="log-list"
        rowKey={(e) => e.seq}
        renderRow={(e) => <LogLine e={e} showMac />}
        emptyText="No log lines yet."
      />
    </section>
  );
}
