// React view of the shared pipelines poller (see pipelinesStore.ts).
import { useSyncExternalStore } from 'react';
import { getPipelinesSnapshot, type PipelinesSnapshot, subscribePipelines } from './pipelinesStore.ts';

export function usePipelines(): PipelinesSnapshot {
  return useSyncExternalStore(subscribePipelines, getPipelinesSnapshot);
}
