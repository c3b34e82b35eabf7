// GET /api/pipelines every 2 s while any page subscribes, shared by the Pipelines list and a pipeline's
// detail, with the history of samples since the pipelines pages were opened: rates and sparklines
// come from successive polls. Moving between list and detail keeps the history (a short grace before
// stopping); leaving the pages for longer starts a fresh one.
import type { PipelineInfo, PipelinesResponse } from '../../../src/api/types.ts';
import { getJson } from '../lib/api.ts';

export type Counters = NonNullable<PipelineInfo['status']>;

export interface Sample {
  /** Client time the answer arrived, ms since epoch. */
  at: number;
  counters: Record<string, Counters>;
}

export interface PipelinesSnapshot {
  data: PipelinesResponse | undefined;
  /** The last poll failed (data, if any, is the previous answer). */
  error: Error | undefined;
  /** Oldest first; at most MAX_SAMPLES. */
  samples: Sample[];
  /** A poll is in flight. */
  loading: boolean;
}

export const POLL_MS = 2_000;
const MAX_SAMPLES = 900; // 30 minutes
const GRACE_MS = 5_000;

let snapshot: PipelinesSnapshot = { data: undefined, error: undefined, samples: [], loading: false };
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | undefined;
let stopTimer: ReturnType<typeof setTimeout> | undefined;
let running = false;
let inFlight: AbortController | null = null;

function set(next: Partial<PipelinesSnapshot>): void {
  snapshot = { ...snapshot, ...next };
  for (const l of listeners) l();
}

async function poll(): Promise<void> {
  clearTimeout(timer);
  if (!running) return;
  // A hidden tab does not poll; the next sample after it returns spans the gap, which rates allow.
  if (document.visibilityState === 'hidden' && snapshot.data) {
    timer = setTimeout(poll, POLL_MS);
    return;
  }
  inFlight?.abort();
  const ctrl = new AbortController();
  inFlight = ctrl;
  set({ loading: true });
  try {
    const data = await getJson<PipelinesResponse>('/api/pipelines', ctrl.signal);
    if (ctrl.signal.aborted) return;
    set({ data, error: undefined, loading: false, samples: addSample(snapshot.samples, data) });
  } catch (err) {
    if (ctrl.signal.aborted) return;
    set({ error: err as Error, loading: false });
  } finally {
    if (inFlight === ctrl) inFlight = null;
  }
  if (running) timer = setTimeout(poll, POLL_MS);
}

function addSample(samples: Sample[], data: PipelinesResponse): Sample[] {
  const counters: Record<string, Counters> = {};
  for (const p of data.pipelines) if (p.status) counters[p.name] = p.status;
  const sample = { at: Date.now(), counters };
  const prev = samples[samples.length - 1];
  // Counters run since the server started: any that went down means a restart, so history restarts.
  const restarted =
    prev !== undefined &&
    Object.entries(counters).some(([name, c]) => {
      const before = prev.counters[name];
      return before !== undefined && c.read < before.read;
    });
  return restarted ? [sample] : [...samples, sample].slice(-MAX_SAMPLES);
}

export function subscribePipelines(listener: () => void): () => void {
  listeners.add(listener);
  clearTimeout(stopTimer);
  if (!running) {
    running = true;
    snapshot = { ...snapshot, samples: [], error: undefined };
    void poll();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    stopTimer = setTimeout(() => {
      running = false;
      clearTimeout(timer);
      inFlight?.abort();
      inFlight = null;
      snapshot = { ...snapshot, loading: false };
    }, GRACE_MS);
  };
}

export function getPipelinesSnapshot(): PipelinesSnapshot {
  return snapshot;
}

/** Polls now (e.g. the "Try again" of an error state). */
export function refreshPipelines(): void {
  if (running) void poll();
}
