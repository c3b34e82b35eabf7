// React view of the shared live connection (see liveStore.ts).
import { useSyncExternalStore } from 'react';
import { getLiveSnapshot, type LiveSnapshot, subscribeLive } from './liveStore.ts';

export function useLive(): LiveSnapshot {
  return useSyncExternalStore(subscribeLive, getLiveSnapshot);
}
