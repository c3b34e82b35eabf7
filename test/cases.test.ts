// Parser behaviour cases as data (test/cases/*.yaml): sample lines exactly as each simulated
// subsystem writes them -> the events the demo pipelines must produce. Only the fields a case
// lists are compared, each exactly.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/load.ts';
import { usToIso } from '../src/events/time.ts';
import { buildPipelines } from '../src/pipeline/build.ts';
import { frameText } from '../src/pipeline/frame-text.ts';
import { isDeadLetter, isFiltered } from '../src/pipeline/processor.ts';

interface CaseFile {
  pipeline: string;
  cases: {
    name: string;
    input: string;
    events?: Record<string, unknown>[];
    dead_letters?: number;
    filtered?: number;
  }[];
}

const dir = fileURLToPath(new URL('./cases/', import.meta.url));
const pipelines = buildPipelines(
  loadConfig(fileURLToPath(new URL('../config/demo/mortar.yaml', import.meta.url))),
);
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('parser behaviour cases', () => {
  it('covers every demo pipeline', () => {
    const covered = new Set(files.map((f) => (parse(readFileSync(dir + f, 'utf8')) as CaseFile).pipeline));
    expect([...covered].sort()).toEqual(pipelines.map((p) => p.name).sort());
  });

  for (const file of files) {
    const spec = parse(readFileSync(dir + file, 'utf8')) as CaseFile;
    describe(file, () => {
      for (const c of spec.cases) {
        it(c.name, () => {
          const p = pipelines.find((x) => x.name === spec.pipeline);
          expect(p, `pipeline ${spec.pipeline}`).toBeDefined();
          const outputs = frameText(c.input, p!.config.framing).map((f) => {
            const where = { file: 'case', fileId: 'case', offset: f.offset, endOffset: f.endOffset };
            return f.kind === 'record'
              ? p!.processor.process({ ...where, text: f.text }, 0)
              : p!.processor.reject({ ...where, reason: f.reason, raw: f.raw }, 0);
          });
          const events = outputs.filter((o) => !isDeadLetter(o) && !isFiltered(o));
          const dead = outputs.filter(isDeadLetter);
          expect(outputs.filter(isFiltered).length, 'filtered records').toBe(c.filtered ?? 0);
          expect(dead.length, `dead letters: ${dead.map((d) => d.reason).join('; ')}`).toBe(
            c.dead_letters ?? 0,
          );
          expect(events.length).toBe(c.events?.length ?? 0);
          (c.events ?? []).forEach((want, i) => {
            const got = events[i] as unknown as Record<string, unknown>;
            const actual = Object.fromEntries(
              Object.keys(want).map((k) => [k, k === 'ts' ? usToIso(got.ts as number) : got[k]]),
            );
            const expected = { ...want, ...(want.ts ? { ts: normaliseIso(String(want.ts)) } : {}) };
            expect(actual).toEqual(expected);
          });
        });
      }
    });
  }
});

/** Case files may write milliseconds or microseconds; events compare at microseconds. */
function normaliseIso(s: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(s);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(6, '0')}Z` : s;
}
