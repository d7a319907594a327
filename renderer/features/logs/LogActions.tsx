// Copy, Save and Pause for a log (the Log view and a host's timeline). Copy and Save take every
// line the filters let through, not only the rows on screen.
import { useEffect, useState } from 'react';
import type { LogEvent } from '../../../electron/shared/contract.js';
import { copyText, logFileName, logText, saveText } from './log-export.js';
import type { Pausable } from './pausable.js';

export interface LogActionsProps {
  lines: readonly LogEvent[];
  /** The start of a saved file's name, e.g. "bootbench-log". */
  fileName: string;
  pause: Pausable<LogEvent>;
  onError: (e: unknown) => void;
}

export function LogActions({ lines, fileName, pause, onError }: LogActionsProps) {
  const [said, setSaid] = useState('');
  useEffect(() => {
    if (!said) return;
    const t = setTimeout(() => setSaid(''), 2000);
    return () => clearTimeout(t);
  }, [said]);
  const n = lines.length;
  const count = `${n} line${n === 1 ? '' : 's'}`;
  const copy = async () => {
    try {
      await copyText(logText(lines));
      setSaid(`Copied ${count}.`);
    } catch (e) {
      onError(e);
    }
  };
  const save = () => {
    try {
      saveText(logText(lines), logFileName(fileName, new Date()));
      setSaid(`Saved ${count}.`);
    } catch (e) {
      onError(e);
    }
  };
  return (
    <span className="log-actions">
      <button type="button" onClick={() => void copy()} disabled={n === 0} title={`Copy the ${count} shown, as text`}>
        Copy
      </button>
      <button type="button" onClick={save} disabled={n === 0} title={`Save the ${count} shown as a .log file`}>
        Save
      </button>
      <button type="button" onClick={pause.toggle}>
        {pause.paused ? 'Resume' : 'Pause'}
      </button>
      {pause.paused ? (
        <span className="log-paused">
          Paused{pause.newLines > 0 ? `: ${pause.newLines} new line${pause.newLines === 1 ? '' : 's'}` : ''}
        </span>
      ) : null}
      <span role="status" className="log-said">
        {said}
      </span>
    </span>
  );
}
