// The `preset` option as a user writes it: mistakes are reported with where and what to do, the
// user's parsers run after the preset's and the user's map entries win, and `mortar parse`
// accepts a preset pipeline.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { UserError } from '../../src/events/errors.ts';
import { buildPipelines } from '../../src/pipeline/build.ts';
import { FIXTURES, presetPipeline, runText } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/mortar.js', import.meta.url));

function configErrors(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mortar-preset-cfg-'));
  writeFileSync(join(dir, 'mortar.yaml'), yaml);
  try {
    buildPipelines(loadConfig(join(dir, 'mortar.yaml')));
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as UserError).render();
  }
  return '';
}

const pipeline = (body: string) =>
  `pipelines:\n  web:\n    subsystem: web\n    source: { type: file, include: ["*.log"] }\n${body}`;

describe('preset configuration', () => {
  it('asks for the timezone of a format without offsets, naming the option and an example', () => {
    const text = configErrors(pipeline('    preset: nginx_error\n'));
    expect(text).toMatch(/mortar\.yaml:\d+:\d+ pipelines\.web\.preset: preset nginx_error needs a timezone/);
    expect(text).toMatch(/hint: write preset: \{name: nginx_error, timezone: Europe\/Berlin\}/);
  });

  it('names an unknown zone at preset.timezone', () => {
    expect(configErrors(pipeline('    preset: { name: redis, timezone: Mars/Olympus }\n'))).toMatch(
      /pipelines\.web\.preset\.timezone: unknown time zone "Mars\/Olympus"/,
    );
  });

  it('rejects an unknown preset and a pipeline with neither parsers nor preset', () => {
    expect(configErrors(pipeline('    preset: nginx_acces\n'))).toMatch(/pipelines\.web\.preset/);
    expect(configErrors(pipeline(''))).toMatch(
      /pipelines\.web\.parsers: a pipeline needs at least one parser, or a preset/,
    );
  });

  it('needs no timezone where the format carries offsets', () => {
    expect(configErrors(pipeline('    preset: nginx_access\n'))).toBe('');
  });

  it("chains the user's parsers after the preset's and lets the user's map win", () => {
    const p = presetPipeline(
      '{ name: linux_syslog, timezone: UTC }',
      '    parsers: [{ type: kv, field: message }]\n    map: { type: backup.report, keys: { files: "{files}" } }\n',
    );
    const run = runText(p, 'Nov 26 16:06:03 vm backup[7]: done files=42 size=1.2GB\n');
    expect(run.dead).toEqual([]);
    expect(run.events[0]).toMatchObject({
      type: 'backup.report',
      component: 'vm',
      ts: Date.UTC(2026, 10, 26, 16, 6, 3) * 1000,
      keys: { pid: '7', files: '42' },
      attrs: { size: '1.2GB', app_name: 'backup' },
    });
  });

  it('brings its multiline framing unless the pipeline sets one', () => {
    const p = presetPipeline('{ name: postgresql, timezone: UTC }');
    expect(p.config.framing).toMatchObject({ type: 'multiline' });
    const run = runText(
      p,
      // Debian's prefix '%m [%p] %q%u@%d ', then PostgreSQL's own default '%m [%p] '.
      '2026-11-26 16:06:07.782 UTC [1] u@db STATEMENT:  select 1,\n\t2\n2026-11-26 16:06:07.783 UTC [1] LOG:  next\n',
    );
    expect(run.events.map((e) => e.message)).toEqual(['select 1,\n\t2', 'next']);
    expect(run.events.map((e) => e.keys)).toEqual([{ pid: '1', user: 'u', database: 'db' }, { pid: '1' }]);
  });

  it('runs in mortar parse over a real nginx log: every line an event', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mortar-preset-cli-'));
    writeFileSync(join(dir, 'mortar.yaml'), pipeline('    preset: nginx_access\n'));
    const file = join(FIXTURES, 'nginx_access', 'access.log');
    const r = spawnSync(process.execPath, [BIN, 'parse', '-c', join(dir, 'mortar.yaml'), file], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events).toHaveLength(lines.length);
    expect(r.stderr).toContain(`${lines.length} events, 0 dead letters`);
    expect(events[0]).toMatchObject({ ts: '2026-11-26T15:05:50.000000Z', type: 'http.request' });
  });
});
