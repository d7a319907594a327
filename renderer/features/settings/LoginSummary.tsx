// First run's view of the credentials installed machines get (finding 1): the admin user and its
// password with Show and Copy; changing them (or adding an SSH key) is done in Settings.
import { useCallback, useEffect, useId, useState } from 'react';
import type { InstallSettingsView } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { AdminPassword } from './AdminPassword.js';

export function LoginSummary() {
  const store = useStore();
  const [view, setView] = useState<InstallSettingsView | null>(null);
  const id = useId();
  const load = useCallback(() => store.api.call('GET /api/settings').then(setView, () => setView(null)), [store]);
  useEffect(() => void load(), [load]);
  if (!view) return null;
  return (
    <section className="login-summary" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Logging in to installed machines</h2>
      <dl className="facts">
        <dt>Admin user</dt>
        <dd className="mono">{view.adminUser}</dd>
        <dt>Admin password</dt>
        <dd>
          <AdminPassword info={view.adminPasswordInfo} onRevealed={() => void load()} />
        </dd>
      </dl>
      <p className="muted">
        Installed machines get these. Once started, set your own password or an SSH key in Settings.
        {view.sshAuthorizedKey.trim() ? ' An SSH key is set.' : ''}
      </p>
    </section>
  );
}
