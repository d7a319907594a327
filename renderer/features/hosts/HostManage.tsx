// Rename and Forget for one machine: a name of the technician's (stored on the host record), and
// deleting the record, confirmed, refused by the server while an install is under way.
import { useId, useState } from 'react';
import type { Host } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { machineWords } from './host-words.js';

export function HostManage({ host, onForgotten }: { host: Host; onForgotten: () => void }) {
  const store = useStore();
  const ids = useId();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (what: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await what();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    const ok = await run(() => store.api.call('PUT /api/hosts/:mac/label', { params: { mac: host.mac }, body: { label: name } }));
    if (ok) setEditing(false);
  };
  const forget = async () => {
    setConfirming(false);
    const ok = await run(() => store.api.call('DELETE /api/hosts/:mac', { params: { mac: host.mac } }));
    if (ok) onForgotten();
  };

  return (
    <div className="host-manage">
      {editing ? (
        <form
          className="rename-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label htmlFor={`${ids}-name`}>Name</label>
          <input
            id={`${ids}-name`}
            type="text"
            value={name}
            maxLength={64}
            onChange={(e) => setName(e.target.value)}
            autoFocus
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.stopPropagation();
                setEditing(false);
              }
            }}
          />
          <button type="submit" disabled={busy}>
            Save name
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="buttons">
          <button
            type="button"
            onClick={() => {
              setName(host.label ?? '');
              setEditing(true);
            }}
          >
            Rename
          </button>
          <button type="button" onClick={() => setConfirming(true)} disabled={busy}>
            Forget
          </button>
        </div>
      )}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {confirming ? (
        <ConfirmDialog
          title="Forget this machine?"
          confirmLabel="Forget machine"
          onConfirm={() => void forget()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Machine: <strong>{machineWords(host)}</strong>
          </p>
          <p>
            Its record leaves the list: name, state and install. Its disk is not touched. If it boots from the network again, it comes back
            as a new machine.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
