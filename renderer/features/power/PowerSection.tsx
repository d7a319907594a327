// A host's power (issue 14): its method and last state, the actions the method can do (Power off
// and Power cycle confirm first: they cut a running system), each with its progress and its result
// or error in words, a changed Redfish certificate to accept, and the power settings form.
import { useCallback, useEffect, useId, useState } from 'react';
import type { Host } from '../../../electron/shared/contract.js';
import type { PowerAction, PowerActionResult, PowerSettingsView } from '../../../electron/shared/power.js';
import { useStore } from '../../app/context.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useNow } from '../../components/useNow.js';
import { machineWords } from '../hosts/host-words.js';
import { BmcForm } from './BmcForm.js';
import { CertificateNote } from './CertificateNote.js';
import { ACTION_BUSY, ACTION_LABEL, actionsOf, latestReading, methodWords, needsConfirm, powerStateWords } from './power-words.js';

export function PowerSection({ host }: { host: Host }) {
  const store = useStore();
  const ids = useId();
  const now = useNow(5000);
  const [view, setView] = useState<PowerSettingsView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [running, setRunning] = useState<PowerAction | null>(null);
  const [result, setResult] = useState<PowerActionResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState<PowerAction | null>(null);
  const [editing, setEditing] = useState(false);

  const load = useCallback(
    () =>
      store.api.call('GET /api/hosts/:mac/power', { params: { mac: host.mac } }).then(
        (v) => {
          setView(v);
          setLoadError(null);
          return v;
        },
        (e: unknown) => {
          setLoadError(e);
          return null;
        },
      ),
    [store, host.mac],
  );
  useEffect(() => {
    void load().then((v) => {
      // Nothing set yet: the form is what the technician needs first.
      if (v && !v.method) setEditing(true);
    });
  }, [load]);
  // The live host says when the method changed elsewhere (the CLI, an inventory import): reload.
  useEffect(() => {
    if (view && (host.powerMethod ?? null) !== view.method) void load();
  }, [host.powerMethod]); // only when the method changes, not on every view update

  const run = async (action: PowerAction) => {
    setConfirming(null);
    setRunning(action);
    setResult(null);
    setError(null);
    try {
      setResult(await store.api.call('POST /api/hosts/:mac/power/:action', { params: { mac: host.mac, action } }));
      // A Redfish BMC may have presented a new certificate, and the reading changed: show both.
      void load();
    } catch (e) {
      setError(e);
      void load();
    } finally {
      setRunning(null);
    }
  };

  const method = view ? view.method : (host.powerMethod ?? null);
  const reading = latestReading(host.power, view?.power);
  const actions = actionsOf(method);
  return (
    <section className="power-section" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>Power</h3>
      <dl className="facts">
        <dt>Method</dt>
        <dd data-testid="power-method">{methodWords(method)}</dd>
        {method ? (
          <>
            <dt>State</dt>
            <dd data-testid="power-state">{powerStateWords(reading, method, now)}</dd>
          </>
        ) : null}
      </dl>
      {!method && view ? (
        <p className="muted">No power settings: Bootbench cannot switch this machine on. Set Wake-on-LAN or its BMC below.</p>
      ) : null}
      <ErrorNote error={loadError} />
      {actions.length > 0 ? (
        <div className="buttons power-actions">
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              onClick={() => (needsConfirm(a) ? setConfirming(a) : void run(a))}
              disabled={running !== null}
              aria-busy={running === a || undefined}
            >
              {running === a ? ACTION_BUSY[a] : ACTION_LABEL[a]}
            </button>
          ))}
        </div>
      ) : null}
      <p className="power-result" role="status" aria-live="polite">
        {running ? ACTION_BUSY[running] : result ? `${ACTION_LABEL[result.action]}: ${result.message}` : ''}
      </p>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {view ? <CertificateNote mac={host.mac} view={view} onAccepted={setView} /> : null}
      <details className="bmc-details" open={editing} onToggle={(e) => setEditing((e.target as HTMLDetailsElement).open)}>
        <summary>Power settings (BMC, Wake-on-LAN)</summary>
        {view ? <BmcForm view={view} onSaved={setView} /> : loadError ? null : <p className="muted">Loading…</p>}
      </details>
      {confirming ? (
        <ConfirmDialog
          title={confirming === 'off' ? 'Power off this machine?' : 'Power-cycle this machine?'}
          confirmLabel={confirming === 'off' ? 'Power off' : 'Power cycle'}
          onConfirm={() => void run(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>
            Machine: <strong>{machineWords(host)}</strong>
          </p>
          <p>
            {confirming === 'off'
              ? 'The power is cut at once, as with a long press of its power button: a running system loses what it has not saved.'
              : 'The machine is switched off and on again at once: a running system loses what it has not saved. It boots from the network first.'}
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
