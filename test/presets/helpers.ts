// Runs a preset over the fixture files written by the real program (scripts/presets/
// make-fixtures.sh), framed as a file would be, and gives the test independent clocks: the
// expected UTC time of a line is computed here from the text the program wrote, with Intl's
// zone data, never with Mortar's own time code.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.ts';
import type { DeadLetter, MortarEvent } from '../../src/events/event.ts';
import { type BuiltPipeline, buildPipelines } from '../../src/pipeline/build.ts';
import { frameText } from '../../src/pipeline/frame-text.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/presets/', import.meta.url));
/** Every program ran with TZ=Europe/Berlin (see the script). */
export const ZONE = 'Europe/Berlin';
/** When the fixtures were read: the year of year-less syslog times is inferred from it. */
export const RECEIVED_AT_US = Date.UTC(2026, 10, 26, 16) * 1000;

export interface PresetRun {
  file: string;
  events: MortarEvent[];
  dead: DeadLetter[];
  /** Records the framing produced (lines, or joined multi-line records). */
  records: number;
}

/** Builds a one-pipeline configuration using `preset` (YAML text) the way a user writes it. */
export function presetPipeline(preset: string, extra = ''): BuiltPipeline {
  const dir = mkdtempSync(join(tmpdir(), 'mortar-preset-'));
  writeFileSync(
    join(dir, 'mortar.yaml'),
    `pipelines:\n  p:\n    subsystem: web\n    source: { type: file, include: ["*.log"] }\n    preset: ${preset}\n${extra}`,
  );
  return buildPipelines(loadConfig(join(dir, 'mortar.yaml')))[0]!;
}

export function runFixtures(name: string, p = presetPipeline(`{ name: ${name}, timezone: ${ZONE} }`)) {
  const dir = join(FIXTURES, name);
  return readdirSync(dir)
    .sort()
    .map((file): PresetRun => runText(p, readFileSync(join(dir, file), 'utf8'), file));
}

export function runText(p: BuiltPipeline, text: string, file = 'sample.log'): PresetRun {
  const run: PresetRun = { file, events: [], dead: [], records: 0 };
  for (const f of frameText(text, p.config.framing, 1_048_576)) {
    run.records++;
    const where = { file, fileId: `fixture:${file}`, offset: f.offset, endOffset: f.endOffset };
    const out =
      f.kind === 'record'
        ? p.processor.process({ ...where, text: f.text }, RECEIVED_AT_US)
        : p.processor.reject({ ...where, reason: f.reason, raw: f.raw }, RECEIVED_AT_US);
    if ('reason' in out) run.dead.push(out);
    else if ('ts' in out) run.events.push(out);
  }
  return run;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const month = (name: string): number => MONTHS.indexOf(name) + 1;

/** Offset of `zone` from UTC at a UTC instant, in ms (from Intl, independent of Mortar). */
function offsetMs(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(utcMs));
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - utcMs;
}

/**
 * UTC microseconds of a wall-clock time: in `offset` ("+0100", "+01:00", "Z") when the line
 * carries one, else in the Berlin zone the programs ran in.
 */
export function utcUs(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  fraction = '',
  offset?: string,
): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  let off: number;
  if (offset === undefined) {
    off = offsetMs(ZONE, wall - offsetMs(ZONE, wall));
  } else if (offset === 'Z') off = 0;
  else {
    const m = /^([+-])(\d\d):?(\d\d)$/.exec(offset)!;
    off = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  }
  return (wall - off) * 1000 + (fraction ? Math.round(Number(`0.${fraction}`) * 1e6) : 0);
}
