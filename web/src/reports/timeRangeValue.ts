// The value of a report's time-range filter: relative (`now-24h..now`) or absolute (`ISO..ISO`), with
// the presets the picker offers and a readable label.
import { formatTime } from '../lib/format.ts';

export interface TimePreset {
  value: string;
  label: string;
  long: string;
  seconds: number;
}

export const TIME_PRESETS: TimePreset[] = [
  { value: 'now-15m..now', label: '15 min', long: 'last 15 minutes', seconds: 900 },
  { value: 'now-1h..now', label: '1 h', long: 'last hour', seconds: 3600 },
  { value: 'now-6h..now', label: '6 h', long: 'last 6 hours', seconds: 21_600 },
  { value: 'now-24h..now', label: '24 h', long: 'last 24 hours', seconds: 86_400 },
  { value: 'now-7d..now', label: '7 d', long: 'last 7 days', seconds: 604_800 },
  { value: 'now-30d..now', label: '30 d', long: 'last 30 days', seconds: 2_592_000 },
];

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

export type ParsedRange =
  | { kind: 'relative'; seconds: number }
  | { kind: 'absolute'; from: string; to: string }
  | { kind: 'invalid' };

export function parseTimeRange(value: string | undefined): ParsedRange {
  if (!value) return { kind: 'invalid' };
  const rel = /^now-(\d+)([smhdw])\.\.now$/.exec(value);
  if (rel) return { kind: 'relative', seconds: Number(rel[1]) * UNIT_SECONDS[rel[2]!]! };
  const [from, to] = value.split('..');
  if (from && to && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to)))
    return { kind: 'absolute', from, to };
  return { kind: 'invalid' };
}

export function absoluteRange(fromMs: number, toMs: number): string {
  return `${new Date(fromMs).toISOString()}..${new Date(toMs).toISOString()}`;
}

export function timeRangeLabel(value: string | undefined): string {
  const r = parseTimeRange(value);
  if (r.kind === 'relative') {
    const preset = TIME_PRESETS.find((p) => p.seconds === r.seconds);
    return preset ? preset.long : `last ${value?.slice(4, -5)}`;
  }
  if (r.kind === 'absolute') return `${formatTime(r.from, true, false)} – ${formatTime(r.to, true, false)}`;
  return 'any time';
}

/** The window a range covers at `now` (ms), for links to pages that take from/to. */
export function resolveRange(
  value: string | undefined,
  now: number,
): { from: string; to: string } | undefined {
  const r = parseTimeRange(value);
  if (r.kind === 'relative')
    return { from: new Date(now - r.seconds * 1000).toISOString(), to: new Date(now).toISOString() };
  if (r.kind === 'absolute')
    return { from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() };
  return undefined;
}
