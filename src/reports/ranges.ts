// The text forms of filter values on the wire and in definitions: time ranges (`now-24h..now`,
// `ISO..ISO`) and number ranges (`min..max`, either side may be empty). Parsing returns an error
// message instead of throwing, so callers can attach the filter's path.

export interface TimeRange {
  fromUs: number;
  toUs: number;
}

const UNIT_US: Record<string, number> = { s: 1e6, m: 60e6, h: 3600e6, d: 86_400e6, w: 604_800e6 };
const RELATIVE = /^now(?:([+-])(\d{1,6})([smhdw]))?$/;
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function point(text: string, nowUs: number): number | undefined {
  const rel = RELATIVE.exec(text);
  if (rel) {
    if (!rel[1]) return nowUs;
    const delta = Number(rel[2]) * UNIT_US[rel[3]!]!;
    return rel[1] === '-' ? nowUs - delta : nowUs + delta;
  }
  if (!ISO.test(text)) return undefined;
  // A date or time without an offset is read as UTC: the warehouse keeps UTC only.
  const withZone = /T/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : ms * 1000;
}

export const TIME_RANGE_HINT =
  'use now-24h..now (units s m h d w) or 2026-01-01T00:00:00Z..2026-01-02T00:00:00Z';

export function parseTimeRange(text: string, nowUs: number): TimeRange | string {
  const parts = text.trim().split('..');
  if (parts.length !== 2) return `"${text}" is not a time range`;
  const fromUs = point(parts[0]!.trim(), nowUs);
  const toUs = point(parts[1]!.trim(), nowUs);
  if (fromUs === undefined) return `"${parts[0]}" is not a time (start of "${text}")`;
  if (toUs === undefined) return `"${parts[1]}" is not a time (end of "${text}")`;
  if (fromUs >= toUs) return `"${text}" is empty: the start must be before the end`;
  return { fromUs, toUs };
}

export interface NumberRange {
  min?: number;
  max?: number;
}

export const NUMBER_RANGE_HINT = 'use min..max, e.g. 100..500, 100.. or ..500';

export function parseNumberRange(text: string): NumberRange | string {
  const parts = text.trim().split('..');
  if (parts.length !== 2) return `"${text}" is not a number range`;
  const out: NumberRange = {};
  for (const [i, p] of parts.entries()) {
    const s = p.trim();
    if (s === '') continue;
    const n = Number(s);
    if (!Number.isFinite(n) || !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(s)) return `"${s}" is not a number`;
    if (i === 0) out.min = n;
    else out.max = n;
  }
  if (out.min === undefined && out.max === undefined) return `"${text}" has no bound`;
  if (out.min !== undefined && out.max !== undefined && out.min > out.max)
    return `"${text}" is empty: min is greater than max`;
  return out;
}
