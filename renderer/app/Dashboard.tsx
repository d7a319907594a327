// The main screen once serving: header (interface, connection, Open ISO, stop), service status,
// then the machines view, the log or the settings.
import { useCallback, useState } from 'react';
import { DistroList } from '../features/isos/DistroList.js';
import { DropZone } from '../features/isos/DropZone.js';
import { ImportJobs, OpenIsoButton, ServerPathImport } from '../features/isos/IsoImport.js';
import { useImports } from '../features/isos/imports.js';
import { HostList } from '../features/hosts/HostList.js';
import { HostPanel } from '../features/hosts/HostPanel.js';
import { LogPane } from '../features/logs/LogPane.js';
import { Settings } from '../features/settings/Settings.js';
import { ServiceBar } from '../features/status/ServiceBar.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { ConnectionBanner, useConnected } from './ConnectionBanner.js';
import { useLive, useStore } from './context.js';
import { InstallAnnouncer } from './InstallAnnouncer.js';

type View = 'machines' | 'log' | 'settings';
const VIEWS: readonly { id: View; label: string }[] = [
  { id: 'machines', label: 'Machines' },
  { id: 'log', label: 'Log' },
  { id: 'settings', label: 'Settings' },
];

export function Dashboard() {
  const store = useStore();
  const status = useLive((s) => s.status);
  const stream = useLive((s) => s.stream);
  // Without the server every action would fail: the controls that act on it are disabled (a
  // disabled fieldset), while the views and the log (read, copy, save) stay usable.
  const offline = !useConnected();
  const [view, setView] = useState<View>('machines');
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = useCallback(() => void store.refresh().catch(setError), [store]);
  const imports = useImports(store.api, refresh);
  const onFiles = useCallback((files: File[]) => files.forEach((f) => void imports.importFile(f)), [imports]);
  // Closing the panel (Escape, ×) returns focus to the machine's row, where the technician was.
  const closePanel = useCallback(() => {
    const mac = selected;
    setSelected(null);
    if (mac) document.querySelector<HTMLElement>(`tr[data-mac="${CSS.escape(mac)}"] button`)?.focus();
  }, [selected]);

  const stop = async () => {
    if (!globalThis.confirm('Stop serving on this interface? Machines that are installing will lose their server.')) return;
    try {
      await store.api.call('POST /api/stop');
      await store.refresh();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="app">
      <DropZone onFiles={onFiles} />
      <InstallAnnouncer />
      <header className="topbar">
        <span className="brand">Bootbench</span>
        <span className="where" data-testid="serving-on">
          {status?.interface} <span className="mono">{status?.serverIp}</span> · {status?.mode === 'proxy' ? 'proxy DHCP' : 'DHCP'}
          {status?.requestedMode === 'auto' ? ' (auto)' : ''}
        </span>
        <span className={`conn conn-${stream}`} role="status" aria-label={`Live updates: ${stream}`}>
          {stream === 'open' ? 'live' : stream}
        </span>
        <nav aria-label="Views" className="views">
          {VIEWS.map((v) => (
            <button
              key={v.id}
              type="button"
              aria-current={view === v.id ? 'page' : undefined}
              className={view === v.id ? 'current' : ''}
              onClick={() => setView(v.id)}
            >
              {v.label}
            </button>
          ))}
        </nav>
        <fieldset className="guard" disabled={offline}>
          <OpenIsoButton imports={imports} />
          <button type="button" className="subtle" onClick={() => void stop()}>
            Stop
          </button>
        </fieldset>
      </header>
      <ConnectionBanner />
      <ServiceBar />
      {status && status.foreignDhcp.length > 0 ? (
        <div className="note note-warn" role="alert">
          Another DHCP server answers on this network ({status.foreignDhcp.map((f) => f.serverId).join(', ')})
          {status.mode === 'proxy' ? ': Bootbench runs in proxy mode next to it.' : '.'}
        </div>
      ) : null}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {view === 'machines' ? (
        // The guard holds the actions only: a list that scrolls inside a disabled fieldset counts as
        // unreachable by keyboard (axe's scrollable-region-focusable), so the log and the host panel
        // (which guards its own actions) stay outside it.
        <main className={`machines ${selected ? 'with-panel' : ''}`}>
          <div className="column">
            <fieldset className="guard" disabled={offline}>
              <ImportJobs imports={imports} />
              <DistroList />
              <details className="panel">
                <summary>Import an ISO that is already on the server</summary>
                <ServerPathImport imports={imports} />
              </details>
              <HostList selected={selected} onSelect={setSelected} />
            </fieldset>
            <LogPane compact />
          </div>
          {selected ? <HostPanel key={selected} mac={selected} onClose={closePanel} /> : null}
        </main>
      ) : null}
      {view === 'log' ? (
        <main className="log-view">
          <LogPane />
        </main>
      ) : null}
      {view === 'settings' ? (
        <fieldset className="guard" disabled={offline}>
          <Settings />
        </fieldset>
      ) : null}
    </div>
  );
}
