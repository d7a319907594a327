// Says when an install finishes or fails, wherever the technician is looking: the window title
// (a background tab or the task bar), a polite aria-live region (screen readers), and a desktop
// notification when they allowed it.
import { useEffect, useRef, useState } from 'react';
import { useLive } from './context.js';
import { activeCount, finishedInstalls, windowTitle, type Finish } from './announce.js';
import { notify } from './notify.js';

export function InstallAnnouncer() {
  const hosts = useLive((s) => s.hosts);
  const seen = useRef(hosts);
  const [last, setLast] = useState<Finish | null>(null);
  const [spoken, setSpoken] = useState('');

  useEffect(() => {
    const done = finishedInstalls(seen.current, hosts);
    seen.current = hosts;
    if (done.length === 0) return;
    setLast(done[done.length - 1] ?? null);
    setSpoken(done.map((f) => f.message).join(' '));
    for (const f of done) notify(`Bootbench: ${f.title}`, f.message);
  }, [hosts]);

  const active = activeCount(hosts);
  useEffect(() => {
    document.title = windowTitle(last, active);
  }, [last, active]);
  useEffect(
    () => () => {
      document.title = windowTitle(null, 0);
    },
    [],
  );

  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="install-announcer">
      {spoken}
    </div>
  );
}
