// The live store, handed down through context; components read slices of it.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { LiveStore } from './live.js';
import type { LiveState } from './state.js';

export const LiveContext = createContext<LiveStore | null>(null);

export function useStore(): LiveStore {
  const store = useContext(LiveContext);
  if (!store) throw new Error('LiveContext is missing');
  return store;
}

/** A slice of the live state; the component re-renders when that slice changes identity. */
export function useLive<T>(select: (s: LiveState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
