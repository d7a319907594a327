// The global log: every service's lines (the last LOG_CAP), filterable by source, level and text,
// with Copy, Save and Pause; a row expands to its full text.
import { useDeferredValue, useId, useMemo, useState } from 'react';
import type { EventLevel, EventSource, LogEvent } from '../../../electron/shared/contract.js';
import { useLive } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { LogActions } from './LogActions.js';
import { LogList } from './LogList.js';
import { SourceSelect, filterLines } from './log-line.js';
import { usePausable } from './pausable.js';

const LEVELS: readonly EventLevel[] = ['debug', 'info', 'warn', 'error'];

export function LogPane({ compact = false }: { compact?: boolean }) {
  const logs = useLive((s) => s.logs);
  const [source, setSource] = useState<EventSource | 'all'>('all');
  const [level, setLevel] = useState<EventLevel>('info');
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  // Typing stays responsive under a flood: filtering the list may lag a frame behind the input.
  const deferredText = useDeferredValue(text);
  const pause = usePausable(logs);
  const deferredLogs = useDeferredValue(pause.shown);
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
        <LogActions lines={shown} fileName="bootbench-log" pause={pause} onError={setError} />
      </div>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <LogList items={shown} label="Server log" showMac className="log-list" emptyText="No log lines yet." />
    </section>
  );
}
