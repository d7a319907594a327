// One log line as the log pane and the host timeline show it, and as text for the clipboard.
import type { KeyboardEvent } from 'react';
import type { EventSource, LogEvent } from '../../../electron/shared/contract.js';
import { formatTime } from '../../components/format.js';

export const SOURCES: readonly EventSource[] = ['dhcp', 'tftp', 'http', 'syslog', 'dns', 'install', 'power', 'core'];

export function lineText(e: LogEvent): string {
  return `${e.time} ${e.source} ${e.level} ${e.mac ?? '-'} ${e.message}`;
}

export interface LogLineProps {
  e: LogEvent;
  showMac: boolean;
  /** Shown whole (wrapped) instead of cut to one row. */
  expanded?: boolean;
  onToggle?: () => void;
  /** The list's one tab stop (roving focus). */
  tabbable?: boolean;
}

/** A row; Enter, Space or a click (not the end of a text selection) expands it to its full text. */
export function LogLine({ e, showMac, expanded = false, onToggle, tabbable = false }: LogLineProps) {
  const onKeyDown = (k: KeyboardEvent) => {
    if (k.key === 'Enter' || k.key === ' ' || (k.key === 'Escape' && expanded)) {
      k.preventDefault();
      onToggle?.();
    }
  };
  return (
    <div
      className={`logline level-${e.level}`}
      data-kind={e.kind}
      data-seq={e.seq}
      role="button"
      tabIndex={tabbable ? 0 : -1}
      aria-expanded={expanded}
      onClick={() => {
        if (!globalThis.getSelection?.()?.toString()) onToggle?.();
      }}
      onKeyDown={onKeyDown}
    >
      <span className="log-time">{formatTime(e.time)}</span>
      <span className={`log-source src-${e.source}`}>{e.source}</span>
      {showMac ? <span className="log-mac mono">{e.mac ?? ''}</span> : null}
      <span className="log-msg">
        {e.message}
        {expanded ? <span className="log-kind"> ({e.kind})</span> : null}
      </span>
    </div>
  );
}

export function filterLines(lines: readonly LogEvent[], source: EventSource | 'all', text: string): readonly LogEvent[] {
  const needle = text.trim().toLowerCase();
  if (source === 'all' && !needle) return lines;
  return lines.filter(
    (e) =>
      (source === 'all' || e.source === source) && (!needle || e.message.toLowerCase().includes(needle) || (e.mac ?? '').includes(needle)),
  );
}

export function SourceSelect({
  value,
  onChange,
  id,
}: {
  value: EventSource | 'all';
  onChange: (v: EventSource | 'all') => void;
  id: string;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as EventSource | 'all')}>
      <option value="all">All sources</option>
      {SOURCES.map((s) => (
        <option key={s} value={s}>
          {s}
        </option>
      ))}
    </select>
  );
}
