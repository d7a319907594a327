// A host's live timeline: its persisted history (GET /api/hosts/:mac/timeline), then its lines from
// the event stream as they arrive; virtualised, following the tail, filterable; rows expand; Copy, Save and Pause.
import { useEffect, useId, useMemo, useState } from 'react';
import type { EventSource, LogEvent } from '../../../electron/shared/contract.js';
import { useStore } from '../../app/context.js';
import { appendCapped } from '../../app/state.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { LogActions } from '../logs/LogActions.js';
import { LogList } from '../logs/LogList.js';
import { SourceSelect, filterLines } from '../logs/log-line.js';
import { usePausable } from '../logs/pausable.js';

const CAP = 5000;

export function Timeline({ mac }: { mac: string }) {
  const store = useStore();
  const [lines, setLines] = useState<readonly LogEvent[]>([]);
  const [source, setSource] = useState<EventSource | 'all'>('all');
  const [error, setError] = useState<unknown>(null);
  const sourceId = useId();

  useEffect(() => {
    let last = 0;
    let live: LogEvent[] = [];
    let loaded = false;
    setLines([]);
    const add = (more: readonly LogEvent[]) => {
      const fresh = more.filter((e) => e.seq > last);
      if (fresh.length === 0) return;
      last = fresh[fresh.length - 1]!.seq;
      setLines((ls) => appendCapped(ls, fresh, CAP));
    };
    // Live lines that arrive while the history loads are kept and merged after it.
    const off = store.onBatch((events) => {
      const mine = events.filter((e): e is LogEvent => e.type === 'log' && e.mac === mac);
      if (loaded) add(mine);
      else live.push(...mine);
    });
    store.api
      .call('GET /api/hosts/:mac/timeline', { params: { mac }, query: { limit: 1000 } })
      .then((h) => {
        loaded = true;
        add(h);
        add(live);
        live = [];
      })
      .catch((e: unknown) => {
        loaded = true;
        setError(e);
      });
    return off;
  }, [store, mac]);

  const pause = usePausable(lines);
  const shown = useMemo(() => filterLines(pause.shown, source, ''), [pause.shown, source]);

  return (
    <section className="timeline" aria-labelledby={`${sourceId}-title`}>
      <div className="toolbar">
        <h3 id={`${sourceId}-title`}>Timeline</h3>
        <label htmlFor={sourceId}>Source</label>
        <SourceSelect id={sourceId} value={source} onChange={setSource} />
        <span className="muted">{shown.length} lines</span>
        <LogActions lines={shown} fileName={`bootbench-${mac.replace(/:/g, '')}`} pause={pause} onError={setError} />
      </div>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <LogList
        items={shown}
        label={`Timeline of ${mac}`}
        showMac={false}
        className="log-list timeline-list"
        emptyText="Nothing yet: this host's DHCP, TFTP, HTTP and installer lines appear here."
      />
    </section>
  );
}
