// Boot a host into something other than an install (issue 13): a live or rescue system, a whole
// ISO, memtest or its local disk, at its next boot script. Nothing here touches a disk, so nothing
// asks for confirmation. Its last such boot is shown, wherever it was chosen (at the machine's
// menu or here).
import { useId, useMemo, useState } from 'react';
import type { Host } from '../../../electron/shared/contract.js';
import { useLive, useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { bootChoices, lastBootWords } from '../boot/boot-words.js';

export function BootOnce({ host }: { host: Host }) {
  const store = useStore();
  const distros = useLive((s) => s.distros);
  const ids = useId();
  const choices = useMemo(() => bootChoices(distros.values()), [distros]);
  const [entry, setEntry] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<string | null>(null);
  const chosen = choices.find((c) => c.entry === (entry || choices[0]?.entry));
  const last = lastBootWords(host.lastBoot);

  const boot = async () => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    setSent(null);
    try {
      await store.api.call('POST /api/hosts/:mac/boot', { params: { mac: host.mac }, body: { entry: chosen.entry } });
      setSent(`${chosen.label}: at its next network boot.`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="boot-once">
      {last ? (
        <p className="last-boot" data-testid="last-boot">
          {last}
        </p>
      ) : null}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void boot();
        }}
      >
        <label htmlFor={`${ids}-entry`}>Boot without installing</label>
        <select id={`${ids}-entry`} value={chosen?.entry ?? ''} onChange={(e) => setEntry(e.target.value)}>
          {choices.map((c) => (
            <option key={c.entry} value={c.entry}>
              {c.label}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy || !chosen}>
          {busy ? 'Sending…' : (chosen?.action ?? 'Boot')}
        </button>
      </form>
      <p className="muted boot-once-status" role="status">
        {sent ?? ''}
      </p>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </div>
  );
}
