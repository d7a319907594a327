// The admin password installed machines get (finding 1): the generated one, masked, with Show and
// Copy (read from the server only when asked, which records that someone has seen it), or, once the
// user set their own, only when they did: just a hash is kept then.
import { useState } from 'react';
import type { AdminPasswordState } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';

const MASK = '••••••••••••••••';

export function AdminPassword({ info, onRevealed }: { info: AdminPasswordState; onRevealed?: () => void }) {
  const store = useStore();
  const [password, setPassword] = useState<string | null>(null);
  const [visible, setVisible] = useState(false);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (info.source === 'own') {
    return <span data-testid="admin-password">Your password{info.setAt ? ` (set ${new Date(info.setAt).toLocaleString()})` : ''}</span>;
  }

  const fetchPassword = async (): Promise<string | null> => {
    if (password !== null) return password;
    try {
      const shown = await store.api.call('POST /api/settings/initial-password');
      setPassword(shown.password);
      onRevealed?.();
      return shown.password;
    } catch (e) {
      setError(e);
      return null;
    }
  };
  const toggle = async () => {
    if (visible) return setVisible(false);
    if ((await fetchPassword()) !== null) setVisible(true);
  };
  const copy = async () => {
    setCopied(false);
    const p = await fetchPassword();
    if (p === null) return;
    try {
      await navigator.clipboard.writeText(p);
      setCopied(true);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <span className="admin-password">
      <code data-testid="admin-password" className="password-value">
        {visible && password !== null ? (
          password
        ) : (
          <>
            <span aria-hidden="true">{MASK}</span>
            <span className="visually-hidden">hidden</span>
          </>
        )}
      </code>
      <button type="button" className="small" onClick={() => void toggle()} aria-pressed={visible}>
        Show password
      </button>
      <button type="button" className="small" onClick={() => void copy()}>
        Copy password
      </button>
      <span role="status" className="muted">
        {copied ? 'Copied.' : ''}
      </span>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </span>
  );
}
