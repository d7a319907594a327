// When the event stream is down the server may be gone: say so across the window, at once (the
// socket closes the moment the process dies), and offer to retry now. The dashboard disables its
// actions meanwhile (see `useConnected`).
import { Banner } from '../components/Banner.js';
import { useLive, useStore } from './context.js';

/** Whether the server is reachable now (the stream is open); false while connecting or retrying. */
export function useConnected(): boolean {
  return useLive((s) => s.stream === 'open');
}

export function ConnectionBanner() {
  const store = useStore();
  const lost = useLive((s) => s.stream === 'reconnecting' || s.stream === 'closed');
  if (!lost) return null;
  return (
    <Banner
      tone="error"
      action={
        <button type="button" onClick={() => store.retryNow()}>
          Retry now
        </button>
      }
    >
      <strong>Lost the connection to the Bootbench server.</strong> Retrying by itself; actions are disabled and the service states are
      unknown until it answers again. If it was stopped, start it again with the same data folder.
    </Banner>
  );
}
