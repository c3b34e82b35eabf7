// Time helpers: Mortar keeps every timestamp as UTC microseconds since the epoch (a plain number).

export const US_PER_MS = 1000;
export const US_PER_S = 1_000_000;

export const nowUs = (): number => Date.now() * US_PER_MS;
export const msToUs = (ms: number): number => Math.round(ms * US_PER_MS);
export const usToMs = (us: number): number => Math.floor(us / US_PER_MS);
export const usToIso = (us: number): string => {
  const ms = Math.floor(us / US_PER_MS);
  const frac = String(us - ms * US_PER_MS).padStart(3, '0');
  return `${new Date(ms).toISOString().slice(0, -1)}${frac}Z`;
};

/** Parses durations such as `250ms`, `5s`, `2m`, `1h`, `1d` into milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    m[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return n * unit;
}
