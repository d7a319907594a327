// One host: what it is, its install (distro, per-host settings, Install / Cancel / Reinstall, now
// through its power settings), its power and boot chain, booting without installing, its wait policy
// and kernel arguments (issue 13), the answer file it would get, and its live timeline.
import { useEffect, useId, useState } from 'react';
import type { Host } from '../../../electron/shared/contract.js';
import { useConnected } from '../../app/ConnectionBanner.js';
import { useLive, useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { StateBadge } from '../../components/StateBadge.js';
import { formatTime } from '../../components/format.js';
import { useNow } from '../../components/useNow.js';
import { usePanelFocus } from '../../components/usePanelFocus.js';
import { PowerSection } from '../power/PowerSection.js';
import { queuedWords } from '../power/power-words.js';
import { isInstaller } from '../boot/boot-words.js';
import { InstallLoginWarning } from '../settings/InstallLoginWarning.js';
import { AnswerFilePreview } from './AnswerFilePreview.js';
import { ChainControl } from './ChainControl.js';
import { HostBootSection } from './HostBootSection.js';
import { InstallProgress } from './InstallProgress.js';
import { HostManage } from './HostManage.js';
import { InstallConfirm } from './InstallConfirm.js';
import { firstBootWords } from './host-words.js';
import { Timeline } from './Timeline.js';
import { vendorOf } from './oui.js';
import { parseOverrides } from './overrides.js';

const ACTIVE: ReadonlySet<Host['state']> = new Set(['queued', 'booting', 'installing']);

export function HostPanel({ mac, onClose }: { mac: string; onClose: () => void }) {
  const store = useStore();
  const host = useLive((s) => s.hosts.get(mac));
  const distros = useLive((s) => s.distros);
  const [distro, setDistro] = useState('');
  const [overrides, setOverrides] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const offline = !useConnected();
  const now = useNow(5000);
  const ids = useId();
  // Focus lands on the installer choice, two Tabs before Install; Escape closes the panel.
  const focus = usePanelFocus<HTMLElement>(!!host, '.install-form select', onClose);

  // Default to the host's last distro, else the first installer that is usable (a live system or a
  // whole ISO has no unattended install: it is booted from the Boot section instead).
  useEffect(() => {
    setDistro(
      (d) => d || host?.install?.distro || host?.distro || [...distros.values()].find((x) => x.status === 'ok' && isInstaller(x))?.id || '',
    );
  }, [host?.install?.distro, host?.distro, distros]);

  if (!host) return null;
  const active = ACTIVE.has(host.state);
  const vendor = vendorOf(host.mac);

  const act = async (what: 'install' | 'cancel', startNow = false) => {
    setBusy(true);
    setError(null);
    try {
      if (what === 'install') {
        const settings = parseOverrides(overrides);
        await store.api.call('POST /api/hosts/:mac/install', {
          params: { mac },
          body: { distro, ...(Object.keys(settings).length ? { settings } : {}), ...(startNow ? { now: true } : {}) },
        });
      } else {
        await store.api.call('POST /api/hosts/:mac/cancel', { params: { mac } });
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const installLabel = host.state === 'installed' || host.state === 'failed' ? 'Reinstall' : 'Install';
  const chosen = distros.get(distro);
  const waitingFor = queuedWords(host, now);
  const firstBoot = firstBootWords(host);
  return (
    <aside
      ref={focus.ref}
      onKeyDown={focus.onKeyDown}
      tabIndex={-1}
      className="host-panel panel"
      aria-labelledby={`${ids}-title`}
      data-mac={mac}
    >
      <header className="host-head">
        <h2 id={`${ids}-title`} className="mono">
          {host.mac}
        </h2>
        <StateBadge state={host.state} />
        <button type="button" className="link close" onClick={onClose} aria-label="Close host panel">
          ×
        </button>
      </header>
      <dl className="facts">
        {host.label || host.hostname ? (
          <>
            <dt>Name</dt>
            <dd>
              {host.label ?? host.hostname}
              {host.label && host.hostname ? <span className="muted"> (installs as {host.hostname})</span> : null}
            </dd>
          </>
        ) : null}
        <dt>Vendor</dt>
        <dd>{vendor ?? 'unknown'}</dd>
        <dt>Firmware</dt>
        <dd>
          {host.firmware} / {host.arch}
          {host.clientArch !== null ? <span className="muted"> (arch {host.clientArch})</span> : null}
        </dd>
        <dt>IP</dt>
        <dd className="mono">{host.ip ?? '—'}</dd>
        {host.install ? (
          <>
            <dt>Install</dt>
            <dd>
              {host.install.distro} · {host.install.template} · since {formatTime(host.install.stageSince)}
              {host.install.lastStep ? <div className="muted">Last step: {host.install.lastStep}</div> : null}
            </dd>
          </>
        ) : null}
        {firstBoot ? (
          <>
            <dt>First boot</dt>
            {firstBoot.at ? (
              <dd data-testid="first-boot">confirmed {formatTime(firstBoot.at)}: the installed system booted from its disk</dd>
            ) : (
              <dd className="warn-text" data-testid="first-boot">
                Not reported: the installed system may not boot from its disk. Check its boot order and its console (the install itself is
                not failed).
              </dd>
            )}
          </>
        ) : null}
        {host.failureReason ? (
          <>
            <dt>Failure</dt>
            <dd className="error-text">{host.failureReason}</dd>
          </>
        ) : null}
      </dl>
      {host.install && active ? <InstallProgress install={host.install} /> : null}
      {waitingFor ? (
        <p className={host.powerMethod ? 'muted' : 'note note-warn'} data-testid="queued-words">
          Queued: {waitingFor}.
        </p>
      ) : null}
      <InstallLoginWarning />

      {/* Offline, its actions are disabled; the timeline and preview stay out of the fieldset: lists that scroll stay keyboard-reachable (axe). */}
      <fieldset className="guard" disabled={offline}>
        <form
          className="install-form"
          onSubmit={(e) => {
            e.preventDefault();
            // It erases a disk: confirmed first, naming the machine and the disk.
            setConfirming(true);
          }}
        >
          <label htmlFor={`${ids}-distro`}>Installer</label>
          <select id={`${ids}-distro`} value={distro} onChange={(e) => setDistro(e.target.value)} required>
            <option value="" disabled>
              {distros.size === 0 ? 'Import an ISO first' : 'Choose…'}
            </option>
            {[...distros.values()].filter(isInstaller).map((d) => (
              <option key={d.id} value={d.id} disabled={d.status !== 'ok'}>
                {d.name} {d.version} ({d.arch})
              </option>
            ))}
          </select>
          <details>
            <summary>Settings for this machine</summary>
            <label htmlFor={`${ids}-over`}>One KEY=value per line (e.g. hostnamePattern=web-01), over the global settings</label>
            <textarea id={`${ids}-over`} rows={3} value={overrides} onChange={(e) => setOverrides(e.target.value)} spellCheck={false} />
          </details>
          <div className="buttons">
            {/* Reinstall erases a working system: never the filled, default-looking button. */}
            <button type="submit" className={installLabel === 'Install' ? 'primary' : undefined} disabled={busy || !distro || active}>
              {installLabel}
            </button>
            <button type="button" onClick={() => void act('cancel')} disabled={busy || !active}>
              Cancel install
            </button>
            <button type="button" onClick={() => setPreview((p) => !p)} disabled={!distro} aria-expanded={preview}>
              {preview ? 'Hide answer file' : 'Preview answer file'}
            </button>
          </div>
        </form>
        <ErrorNote error={error} onDismiss={() => setError(null)} />
        <PowerSection host={host} />
        <ChainControl host={host} />
        <HostBootSection host={host} />
        <HostManage host={host} onForgotten={onClose} />
      </fieldset>
      {confirming ? (
        <InstallConfirm
          host={host}
          reinstall={installLabel === 'Reinstall'}
          installer={chosen ? `${chosen.name} ${chosen.version} (${chosen.arch})` : distro}
          diskOverride={parseOverrides(overrides).targetDisk}
          busy={busy}
          onConfirm={(startNow) => {
            setConfirming(false);
            void act('install', startNow);
          }}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
      {preview && distro ? <AnswerFilePreview mac={mac} distro={distro} /> : null}
      <Timeline mac={mac} />
    </aside>
  );
}
