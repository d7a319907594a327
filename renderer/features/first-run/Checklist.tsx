import type { CheckReport, CheckStatus } from '../../../electron/shared/contract.js';

const ICON: Readonly<Record<CheckStatus, string>> = { ok: '✓', warn: '!', fail: '✗' };
const WORD: Readonly<Record<CheckStatus, string>> = { ok: 'OK', warn: 'Warning', fail: 'Failed' };

export function Checklist({ report }: { report: CheckReport }) {
  return (
    <ul className="checklist" aria-label={`Preflight checks for ${report.interface}`}>
      {report.checks.map((c) => (
        <li key={c.id} className={`check-${c.status}`} data-check={c.id}>
          <span className="check-icon" aria-label={WORD[c.status]} role="img">
            {ICON[c.status]}
          </span>
          <span>
            {c.message}
            {c.fix ? <span className="fix"> Fix: {c.fix}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
