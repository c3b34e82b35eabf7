// Timestamp parsing: strptime-style formats compiled once into a regex + assembler, plus the named
// formats iso8601 and epoch_s/ms/us/ns. Results are UTC microseconds. A format without an offset
// (%z) needs a configured IANA zone, so local times are never silently taken as UTC.
import { checkZone, localToUtcMs } from './zone.ts';

export type TimestampParser = (text: string) => number | undefined;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface Directive {
  re: string;
  set?: (p: Parts, v: string) => void;
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  pm?: boolean;
  offsetMs?: number;
}

const num = (k: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second') => (p: Parts, v: string) => {
  p[k] = Number(v);
};

const DIRECTIVES: Record<string, Directive> = {
  Y: { re: '(\\d{4})', set: num('year') },
  y: {
    re: '(\\d{2})',
    set: (p, v) => {
      p.year = 2000 + Number(v);
    },
  },
  m: { re: '(\\d{1,2})', set: num('month') },
  d: { re: '(\\d{1,2})', set: num('day') },
  e: { re: ' ?(\\d{1,2})', set: num('day') },
  H: { re: '(\\d{1,2})', set: num('hour') },
  I: { re: '(\\d{1,2})', set: num('hour') },
  M: { re: '(\\d{2})', set: num('minute') },
  S: { re: '(\\d{2})', set: num('second') },
  f: {
    re: '(\\d{1,9})',
    set: (p, v) => {
      p.micros = fractionMicros(v);
    },
  },
  b: {
    re: '([A-Za-z]{3})',
    set: (p, v) => {
      p.month = MONTHS.indexOf(v.toLowerCase()) + 1;
    },
  },
  p: {
    re: '([AaPp][Mm])',
    set: (p, v) => {
      p.pm = v.toLowerCase() === 'pm';
    },
  },
  a: { re: '[A-Za-z]{3}' },
  z: {
    re: '(Z|[+-]\\d{2}:?\\d{2})',
    set: (p, v) => {
      if (v === 'Z') p.offsetMs = 0;
      else {
        const sign = v[0] === '-' ? -1 : 1;
        const digits = v.slice(1).replace(':', '');
        p.offsetMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
      }
    },
  },
  '%': { re: '%' },
};
const ALIASES: Record<string, string> = { T: '%H:%M:%S', F: '%Y-%m-%d', D: '%m/%d/%y', R: '%H:%M' };
DIRECTIVES.B = { re: '([A-Za-z]{3})[A-Za-z]*', set: DIRECTIVES.b!.set };
DIRECTIVES.A = { re: '[A-Za-z]+' };

export class TimestampFormatError extends Error {}

/** Compiles a format; throws TimestampFormatError with a message meant for the configuration's author. */
export function compileTimestamp(format: string, zone?: string): TimestampParser {
  if (zone !== undefined) {
    try {
      checkZone(zone);
    } catch {
      throw new TimestampFormatError(
        `unknown time zone "${zone}"; use an IANA name such as Europe/Berlin or UTC`,
      );
    }
  }
  switch (format) {
    case 'iso8601':
      return isoParser(zone);
    case 'epoch_s':
      return epochParser(1e6);
    case 'epoch_ms':
      return epochParser(1e3);
    case 'epoch_us':
      return epochParser(1);
    case 'epoch_ns':
      return epochParser(1e-3);
  }
  const expanded = format.replace(/%([TFDR])/g, (_, c: string) => ALIASES[c]!);
  const setters: NonNullable<Directive['set']>[] = [];
  let re = '^';
  let hasOffset = false;
  let hasYear = false;
  for (let i = 0; i < expanded.length; i++) {
    const c = expanded[i]!;
    if (c !== '%') {
      re += /\s/.test(c) ? '\\s+' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const d = expanded[++i];
    const dir = d === undefined ? undefined : DIRECTIVES[d];
    if (!dir)
      throw new TimestampFormatError(
        `unsupported directive %${d ?? ''} in "${format}"; supported: %Y %y %m %d %e %H %I %M %S %f %z %b %B %a %A %p %T %F %D %R %%`,
      );
    if (d === 'z') hasOffset = true;
    if (d === 'Y' || d === 'y') hasYear = true;
    re += dir.re;
    if (dir.set) setters.push(dir.set);
  }
  if (!hasYear)
    throw new TimestampFormatError(
      `format "${format}" has no year (%Y); formats without a year come with the syslog parser`,
    );
  if (!hasOffset && zone === undefined) {
    throw new TimestampFormatError(
      `format "${format}" has no offset (%z): set timezone (an IANA zone such as Europe/Berlin, or UTC)`,
    );
  }
  const rx = new RegExp(`${re}$`);
  return (text) => {
    const m = rx.exec(text.trim());
    if (!m) return undefined;
    const p: Parts = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, micros: 0 };
    for (let g = 0; g < setters.length; g++) setters[g]!(p, m[g + 1]!);
    if (p.pm !== undefined) p.hour = (p.hour % 12) + (p.pm ? 12 : 0);
    return assemble(p, zone);
  };
}

/** Digits after the decimal point as microseconds, truncated (rounding could roll into the next second). */
function fractionMicros(digits: string): number {
  return Number(digits.padEnd(6, '0').slice(0, 6));
}

/** The wall-clock fields as if they were UTC, in ms; unlike Date.UTC, years 0-99 stay years 0-99. */
function utcWallMs(p: Parts): number {
  const d = new Date(0);
  d.setUTCFullYear(p.year, p.month - 1, p.day);
  d.setUTCHours(p.hour, p.minute, p.second, 0);
  return d.getTime();
}

function assemble(p: Parts, zone: string | undefined): number | undefined {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > 31 || p.hour > 23 || p.minute > 59 || p.second > 60)
    return undefined;
  const wall = utcWallMs(p);
  if (new Date(wall).getUTCDate() !== p.day) return undefined; // 31 February and friends
  const utcMs =
    p.offsetMs !== undefined
      ? wall - p.offsetMs
      : zone === undefined || zone === 'UTC'
        ? wall
        : localToUtcMs(zone, wall);
  return utcMs * 1000 + p.micros;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function isoParser(zone: string | undefined): TimestampParser {
  return (text) => {
    const m = ISO.exec(text.trim());
    if (!m) return undefined;
    const p: Parts = {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6] ?? 0),
      micros: m[7] ? fractionMicros(m[7]) : 0,
    };
    if (m[8]) DIRECTIVES.z!.set!(p, m[8].toUpperCase());
    else if (zone === undefined) return undefined; // no offset and no zone: refuse to guess
    return assemble(p, zone);
  };
}

function epochParser(toMicros: number): TimestampParser {
  return (text) => {
    const t = text.trim();
    if (!/^\d+(\.\d+)?$/.test(t)) return undefined;
    if (toMicros < 1 && !t.includes('.') && t.length > 15) {
      // Nanoseconds exceed 2^53; drop the last three digits as text to stay exact.
      return Number(t.slice(0, -3));
    }
    return Math.round(Number(t) * toMicros);
  };
}
