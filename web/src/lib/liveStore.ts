// The SSE connection to GET /api/live (event `ingest`, a LiveIngest about every second), shared by
// every component that subscribes: opened with the first subscriber, closed with the last. It keeps
// the recent ticks for rates and reconnects with backoff when the stream breaks or goes quiet.
import type { LiveIngest } from '../../../src/api/types.ts';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export interface LiveTick {
  /** Server time of the tick, ms since epoch. */
  at: number;
  /** Events stored so far, all subsystems. */
  total: number;
  /** Events stored since the previous tick, all subsystems. */
  delta: number;
}

export interface LiveSnapshot {
  status: LiveStatus;
  last: LiveIngest | null;
  /** Recent ticks, oldest first. */
  ticks: LiveTick[];
}

const KEEP_TICKS = 60;
const QUIET_MS = 6_000;
const MAX_BACKOFF_MS = 15_000;

let snapshot: LiveSnapshot = { status: 'connecting', last: null, ticks: [] };
const listeners = new Set<() => void>();
let source: EventSource | null = null;
let lastMessageAt = 0;
let backoff = 1_000;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let watchdog: ReturnType<typeof setInterval> | undefined;

function set(next: Partial<LiveSnapshot>): void {
  snapshot = { ...snapshot, ...next };
  for (const l of listeners) l();
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

function onIngest(e: MessageEvent<string>): void {
  let tick: LiveIngest;
  try {
    tick = JSON.parse(e.data) as LiveIngest;
  } catch {
    return;
  }
  lastMessageAt = Date.now();
  backoff = 1_000;
  const entry: LiveTick = { at: Date.parse(tick.at), total: sum(tick.totals), delta: sum(tick.delta) };
  set({ status: 'live', last: tick, ticks: [...snapshot.ticks, entry].slice(-KEEP_TICKS) });
}

function open(): void {
  clearTimeout(retryTimer);
  source?.close();
  const es = new EventSource('/api/live');
  source = es;
  lastMessageAt = Date.now();
  es.addEventListener('ingest', onIngest as EventListener);
  es.onopen = () => {
    lastMessageAt = Date.now();
  };
  es.onerror = () => {
    if (source !== es) return;
    set({ status: 'reconnecting' });
    // CONNECTING: the browser retries by itself; CLOSED (e.g. an HTTP error): retry ourselves.
    if (es.readyState === EventSource.CLOSED) scheduleReopen();
  };
}

function scheduleReopen(): void {
  source?.close();
  source = null;
  clearTimeout(retryTimer);
  retryTimer = setTimeout(open, backoff);
  backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
}

function start(): void {
  open();
  watchdog = setInterval(() => {
    if (source && Date.now() - lastMessageAt > QUIET_MS) {
      set({ status: 'reconnecting' });
      scheduleReopen();
    }
  }, 2_000);
}

function stop(): void {
  clearInterval(watchdog);
  clearTimeout(retryTimer);
  source?.close();
  source = null;
  snapshot = { ...snapshot, status: 'connecting' };
}

export function subscribeLive(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) start();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) stop();
  };
}

export function getLiveSnapshot(): LiveSnapshot {
  return snapshot;
}

/** Events per second over the last `n` ticks (null until two ticks have arrived). */
export function ratePerSecond(ticks: LiveTick[], n = 10): number | null {
  const recent = ticks.slice(-n);
  const first = recent[0];
  const last = recent[recent.length - 1];
  if (!first || !last || last.at <= first.at) return null;
  return Math.max(0, (last.total - first.total) / ((last.at - first.at) / 1000));
}
