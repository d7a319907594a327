// Redfish over HTTPS: the BMC's certificate is pinned on first use. Its fingerprint is shown, and
// when the BMC presents another one, both, with "Accept new certificate" (confirmed): a changed
// certificate is either a replaced BMC certificate or someone in the middle, and only a person
// who can check the BMC can tell.
import { useState } from 'react';
import type { PowerSettingsView } from '../../../electron/shared/power.js';
import { useStore } from '../../app/context.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { certificateChange } from './power-draft.js';

export function CertificateNote({
  mac,
  view,
  onAccepted,
}: {
  mac: string;
  view: PowerSettingsView;
  onAccepted: (v: PowerSettingsView) => void;
}) {
  const store = useStore();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (view.method !== 'redfish' || !view.redfish) return null;
  const change = certificateChange(view);

  const accept = async (fingerprint: string) => {
    setConfirming(false);
    setBusy(true);
    setError(null);
    try {
      onAccepted(await store.api.call('POST /api/hosts/:mac/power/accept-certificate', { params: { mac }, body: { fingerprint } }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="certificate">
      <p>
        <span className="muted">BMC certificate (SHA-256): </span>
        <code className="fingerprint" data-testid="pinned-fingerprint">
          {view.redfish.pinnedFingerprint ?? 'not pinned yet: pinned at the first contact'}
        </code>
      </p>
      {change ? (
        <div className="note note-warn" role="alert">
          <div>
            <p>
              <strong>The BMC presented a different certificate.</strong> Bootbench refuses it until you accept it. Accept it only if the
              BMC’s certificate was really replaced (check the fingerprint on the BMC itself).
            </p>
            <p>
              Pinned: <code className="fingerprint">{change.pinned ?? 'none'}</code>
            </p>
            <p>
              Presented:{' '}
              <code className="fingerprint" data-testid="presented-fingerprint">
                {change.presented}
              </code>
            </p>
            <button type="button" onClick={() => setConfirming(true)} disabled={busy}>
              Accept new certificate
            </button>
          </div>
        </div>
      ) : null}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {confirming && change ? (
        <ConfirmDialog
          title="Trust the BMC’s new certificate?"
          confirmLabel="Accept new certificate"
          onConfirm={() => void accept(change.presented)}
          onCancel={() => setConfirming(false)}
        >
          <p>
            From now on Bootbench trusts only <code className="fingerprint">{change.presented}</code> for {view.redfish.url}.
          </p>
          <p>If you did not replace the BMC’s certificate, someone may be between Bootbench and the BMC: cancel and check it.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
