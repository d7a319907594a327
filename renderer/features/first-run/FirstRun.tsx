// First run: no interface is served yet (status.state 'setup'). Pick the port plugged into the lab
// switch, read the preflight checklist, choose the DHCP mode, start.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { isDhcpMode, type CheckReport, type DhcpMode, type NicInfo } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { desktopBridge } from '../../app/desktop.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { LoginSummary } from '../settings/LoginSummary.js';
import { fieldErrorOf } from '../settings/settings-draft.js';
import { Checklist } from './Checklist.js';
import { KIND_LABELS, caveatOf, orderInterfaces } from './nic-order.js';

const MODES: readonly { value: DhcpMode; label: string; hint: string }[] = [
  { value: 'auto', label: 'Automatic', hint: 'Full DHCP on an isolated switch; proxy mode if another DHCP server answers.' },
  { value: 'dhcp', label: 'DHCP server', hint: 'Bootbench hands out addresses (isolated switch only).' },
  { value: 'proxy', label: 'Proxy (PXE only)', hint: 'Next to the network’s own DHCP server: Bootbench only answers PXE clients.' },
];

export function FirstRun() {
  const store = useStore();
  const [nics, setNics] = useState<NicInfo[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [mode, setMode] = useState<DhcpMode>('auto');
  const [pool, setPool] = useState('');
  const [report, setReport] = useState<CheckReport | null>(null);
  const [checking, setChecking] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [poolError, setPoolError] = useState<string | null>(null);
  const poolInput = useRef<HTMLInputElement>(null);
  const poolId = useId();

  useEffect(() => {
    store.api.call('GET /api/interfaces').then((list) => {
      const ordered = orderInterfaces(list);
      setNics(ordered);
      setChosen((c) => c ?? ordered.find((n) => caveatOf(n) === null)?.name ?? null);
    }, setError);
    void desktopBridge()
      ?.getSetting('mode')
      .then((m) => {
        if (isDhcpMode(m)) setMode(m);
      });
  }, [store]);

  const runCheck = useCallback(
    (name: string) => {
      setChecking(true);
      setReport(null);
      store.api
        .call('GET /api/check', { query: { interface: name } })
        .then(setReport, setError)
        .finally(() => setChecking(false));
    },
    [store],
  );
  useEffect(() => {
    if (chosen) runCheck(chosen);
  }, [chosen, runCheck]);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    setStarting(true);
    setError(null);
    setPoolError(null);
    try {
      await store.api.call('POST /api/serve', { body: { interface: chosen, mode, ...(pool.trim() ? { pool: pool.trim() } : {}) } });
      const bridge = desktopBridge();
      await Promise.all([
        bridge?.setSetting('interface', chosen),
        bridge?.setSetting('mode', mode),
        bridge?.setSetting('pool', pool.trim()),
      ]);
      await store.refresh();
    } catch (err) {
      // A refused pool is marked at the pool field, in the UI's words (the CLI's name --pool).
      const field = fieldErrorOf(err);
      if (field?.field === 'pool') {
        setPoolError(field.text);
        poolInput.current?.focus();
        poolInput.current?.scrollIntoView({ block: 'center' });
      } else setError(err);
    } finally {
      setStarting(false);
    }
  };

  return (
    <main className="first-run" aria-labelledby="first-run-title">
      <h1 id="first-run-title">Set up Bootbench</h1>
      <p className="muted">Plug this computer into the lab switch (nothing else on it should hand out addresses), then choose that port.</p>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <form onSubmit={start}>
        <fieldset>
          <legend>Network interface</legend>
          {nics === null ? <p className="muted">Looking for interfaces…</p> : null}
          {nics?.length === 0 ? <p>No network interfaces found.</p> : null}
          <div className="nic-list">
            {nics?.map((n) => {
              const caveat = caveatOf(n);
              return (
                <label key={n.name} className={`nic ${chosen === n.name ? 'nic-chosen' : ''} ${caveat ? 'nic-caveat' : ''}`}>
                  <input type="radio" name="nic" value={n.name} checked={chosen === n.name} onChange={() => setChosen(n.name)} />
                  <span className="nic-name">{n.name}</span>
                  <span className={`tag tag-${n.kind}`}>{KIND_LABELS[n.kind]}</span>
                  <span className="nic-detail">
                    {n.ipv4.map((a) => `${a.address}/${a.prefix}`).join(', ') || 'no IPv4'} · {n.up ? 'link up' : 'link down'}
                    {n.speedMbps ? ` · ${n.speedMbps} Mb/s` : ''}
                    {n.mac ? ` · ${n.mac}` : ''}
                  </span>
                  {caveat ? <span className="nic-caveat-text">{caveat}</span> : null}
                </label>
              );
            })}
          </div>
        </fieldset>

        <section aria-labelledby="check-title" className="check">
          <h2 id="check-title">
            Preflight {chosen ? <span className="muted">for {chosen}</span> : null}
            {chosen ? (
              <button type="button" className="small" onClick={() => runCheck(chosen)} disabled={checking}>
                Check again
              </button>
            ) : null}
          </h2>
          {checking ? (
            <p className="muted" aria-live="polite">
              Checking…
            </p>
          ) : null}
          {report ? <Checklist report={report} /> : null}
        </section>

        <fieldset>
          <legend>DHCP mode</legend>
          {MODES.map((m) => (
            <div key={m.value} className="mode">
              <label>
                <input
                  type="radio"
                  name="mode"
                  value={m.value}
                  checked={mode === m.value}
                  onChange={() => setMode(m.value)}
                  aria-describedby={`${poolId}-${m.value}`}
                />
                <strong>{m.label}</strong>
              </label>{' '}
              <span id={`${poolId}-${m.value}`} className="muted">
                {m.hint}
              </span>
            </div>
          ))}
          <label htmlFor={poolId} className="field">
            Address pool <span className="muted">(optional, e.g. 10.0.0.100-10.0.0.199; default: a range of the interface’s subnet)</span>
          </label>
          <input
            id={poolId}
            ref={poolInput}
            className="pool-input"
            type="text"
            value={pool}
            onChange={(e) => {
              setPool(e.target.value);
              setPoolError(null);
            }}
            placeholder="first-last"
            disabled={mode === 'proxy'}
            spellCheck={false}
            aria-invalid={poolError ? true : undefined}
            aria-describedby={poolError ? `${poolId}-error` : undefined}
          />
          {poolError ? (
            <p id={`${poolId}-error`} className="field-error">
              {poolError}
            </p>
          ) : null}
        </fieldset>

        <LoginSummary />

        <button type="submit" className="primary" disabled={!chosen || starting}>
          {starting ? 'Starting…' : `Start on ${chosen ?? '…'}`}
        </button>
        {report && !report.ok ? <p className="muted">Some checks failed: starting may fail until they are fixed.</p> : null}
      </form>
    </main>
  );
}
