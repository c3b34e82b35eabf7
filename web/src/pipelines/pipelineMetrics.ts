// Figures derived from successive samples of one pipeline's counters: rates per second, series for
// sparklines, and its status (healthy / lagging / errors) from the lag and the dead-letter share.
import { formatBytes } from '../lib/format.ts';
import type { Counters, Sample } from './pipelinesStore.ts';

export interface Rates {
  read: number;
  events: number;
  deadLetters: number;
  filtered: number;
  bytes: number;
}

type Pair = { at: number; c: Counters };

/** The samples that have counters for `name`, oldest first. */
function history(samples: Sample[], name: string): Pair[] {
  const out: Pair[] = [];
  for (const s of samples) {
    const c = s.counters[name];
    if (c) out.push({ at: s.at, c });
  }
  return out;
}

function ratesBetween(a: Pair, b: Pair): Rates {
  const dt = (b.at - a.at) / 1000;
  const r = (x: number, y: number) => (dt > 0 ? Math.max(0, (y - x) / dt) : 0);
  return {
    read: r(a.c.read, b.c.read),
    events: r(a.c.events, b.c.events),
    deadLetters: r(a.c.deadLetters, b.c.deadLetters),
    filtered: r(a.c.filtered, b.c.filtered),
    bytes: r(a.c.bytesRead, b.c.bytesRead),
  };
}

/** Rates between the last two polls; null until two have arrived. */
export function latestRates(samples: Sample[], name: string): Rates | null {
  const h = history(samples, name);
  const a = h[h.length - 2];
  const b = h[h.length - 1];
  return a && b ? ratesBetween(a, b) : null;
}

/** One rate per interval between polls, oldest first (for a sparkline). */
export function rateSeries(samples: Sample[], name: string, field: keyof Rates): number[] {
  const h = history(samples, name);
  const out: number[] = [];
  for (let i = 1; i < h.length; i++) out.push(ratesBetween(h[i - 1]!, h[i]!)[field]);
  return out;
}

/** Seconds the history of `name` covers. */
export function historySeconds(samples: Sample[], name: string): number {
  const h = history(samples, name);
  return h.length < 2 ? 0 : (h[h.length - 1]!.at - h[0]!.at) / 1000;
}

/**
 * Lag bytes not read yet: the lag minus what is read and held in a record still open (multiline,
 * or a line without its newline), which is no backlog.
 */
export function unreadBytes(c: { bytesBehind: number; bytesHeld?: number }): number {
  return c.bytesBehind - (c.bytesHeld ?? 0);
}

export type HealthState = 'healthy' | 'lagging' | 'errors' | 'stopped';

export interface PipelineHealth {
  state: HealthState;
  /** One sentence on why, for a tooltip and the detail page. */
  reason: string;
}

/** Status is judged over about the last minute of polls. */
const WINDOW_MS = 60_000;
/** A share of dead letters among the records read in the window that means "errors". */
const DEAD_SHARE = 0.02;
/** At least this many dead letters in the window, so one bad line among few does not flip it. */
const DEAD_MIN = 3;
/** Behind by this much is lagging whatever the trend. */
const LAG_BYTES = 1 << 20;
/** Behind by this much and not catching up over the window is lagging too. */
const LAG_GROWING_BYTES = 64 << 10;

export function pipelineHealth(
  samples: Sample[],
  name: string,
  current: Counters | undefined,
): PipelineHealth {
  if (!current) return { state: 'stopped', reason: 'Not running in this server: no counters.' };
  const h = history(samples, name);
  const last = h[h.length - 1];
  const first = last ? (h.find((p) => last.at - p.at <= WINDOW_MS) ?? last) : undefined;
  // Over the window when there is one, else since the server started.
  const span = first && last && first !== last;
  const read = span ? last.c.read - first.c.read : current.read;
  const dead = span ? last.c.deadLetters - first.c.deadLetters : current.deadLetters;
  const when = span ? 'in the last minute' : 'since the server started';
  if (dead >= DEAD_MIN && read > 0 && dead / read >= DEAD_SHARE) {
    return {
      state: 'errors',
      reason: `${dead} of ${read} records ${when} became dead letters (${Math.round((dead / read) * 100)} %).`,
    };
  }
  const behind = unreadBytes(current);
  const held = current.bytesHeld ?? 0;
  const notCatchingUp = span && behind >= LAG_GROWING_BYTES && behind >= unreadBytes(first.c);
  if (behind >= LAG_BYTES || notCatchingUp) {
    return {
      state: 'lagging',
      reason: `${formatBytes(behind)} written but not read yet${notCatchingUp ? ', not catching up' : ''}.`,
    };
  }
  const lag =
    behind > 0
      ? `${formatBytes(behind)} behind.`
      : held > 0
        ? `Caught up; ${formatBytes(held)} held in a record still open.`
        : 'Caught up.';
  const note =
    dead > 0
      ? `${dead} dead letter${dead === 1 ? '' : 's'} ${when}, a small share.`
      : `No dead letters ${when}.`;
  return { state: 'healthy', reason: `${lag} ${note}` };
}
