// The application: connects to the core, then shows the first-run flow (state 'setup') or the
// dashboard (state 'serving').
import { useEffect, useMemo } from 'react';
import { createApiClient } from '../api/client.js';
import { takeToken } from '../api/token.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { FirstRun } from '../features/first-run/FirstRun.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { LiveContext, useLive } from './context.js';
import { Dashboard } from './Dashboard.js';
import { LiveStore } from './live.js';

function sessionStore(): Storage | null {
  try {
    return globalThis.sessionStorage;
  } catch {
    return null;
  }
}

export function App() {
  const token = useMemo(() => takeToken(globalThis.location, globalThis.history, sessionStore()), []);
  const store = useMemo(() => (token ? new LiveStore(createApiClient(token)) : null), [token]);
  useEffect(() => {
    store?.start();
    return () => store?.stop();
  }, [store]);
  if (!store) {
    return (
      <main className="first-run">
        <h1>Bootbench</h1>
        <p>
          This page needs the address printed by <code>bootbench serve</code> (it ends in <code>/?token=…</code>): open that address, or run{' '}
          <code>bootbench serve</code> again to see it.
        </p>
      </main>
    );
  }
  return (
    <LiveContext.Provider value={store}>
      <Screen />
    </LiveContext.Provider>
  );
}

function Screen() {
  const status = useLive((s) => s.status);
  const stream = useLive((s) => s.stream);
  const problem = useLive((s) => s.problem);
  if (problem) {
    return (
      <main className="first-run">
        <h1>Bootbench</h1>
        <ErrorNote error={new Error(problem)} />
      </main>
    );
  }
  if (!status) {
    return (
      <main className="first-run" aria-busy="true">
        <h1>Bootbench</h1>
        <p className="muted">{stream === 'reconnecting' ? 'Cannot reach the Bootbench server; retrying…' : 'Connecting…'}</p>
        {stream === 'reconnecting' ? (
          <ErrorNote error={new Error('The server does not answer. Is `bootbench serve` still running?')} />
        ) : null}
      </main>
    );
  }
  if (status.state === 'serving') return <Dashboard />;
  return (
    <>
      <ConnectionBanner />
      <FirstRun />
    </>
  );
}
