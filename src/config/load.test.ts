// Loading reports every problem at once, with file, line and path; includes merge; unknown keys fail.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../events/errors.ts';
import { buildPipelines } from '../pipeline/build.ts';
import { loadConfig } from './load.ts';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'mortar-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

function errorsOf(fn: () => unknown): { where: string; message: string; hint?: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e.details;
    throw e;
  }
  throw new Error('expected a UserError');
}

const pipeline = `
    subsystem: gw
    source: { type: file, include: ["gw/*.log"] }
    parsers: [{ type: json }]
`;

describe('loadConfig', () => {
  it('merges included files and applies defaults', () => {
    const d = dir({
      'mortar.yaml': 'include: ["more-*.yaml"]\nsubsystems:\n  gw: {}\n',
      'more-a.yaml': `pipelines:\n  gateway:${pipeline}`,
    });
    const c = loadConfig(join(d, 'mortar.yaml'));
    expect(Object.keys(c.pipelines)).toEqual(['gateway']);
    expect(c.pipelines.gateway!.framing).toEqual({ type: 'lines' });
    expect(c.pipelines.gateway!.source).toMatchObject({ start_at: 'beginning', poll_interval: '250ms' });
    expect(c.dataDir).toBe(join(d, 'data'));
    expect(c.origins.gateway).toBe(join(d, 'more-a.yaml'));
  });

  it('reports all schema errors at once with file, line and path', () => {
    const d = dir({
      'mortar.yaml': 'include: ["p.yaml"]\nserver:\n  port: "eighty"\n',
      'p.yaml': `pipelines:\n  gw:\n    subsystem: gw\n    source: { type: file, include: ["x"], bogus: 1 }\n    parsers: [{ type: regexp, pattern: "x" }]\n`,
    });
    const errors = errorsOf(() => loadConfig(join(d, 'mortar.yaml')));
    const text = errors.map((e) => `${e.where}: ${e.message}`).join('\n');
    expect(errors.length).toBe(3);
    expect(text).toMatch(/mortar\.yaml:3:\d+ server\.port: .*number/);
    expect(text).toMatch(/p\.yaml:4:\d+ pipelines\.gw\.source\.bogus: unknown key "bogus"/);
    expect(text).toMatch(/p\.yaml:5:\d+ pipelines\.gw\.parsers\[0\]\.type/);
  });

  it('names both files when a pipeline is declared twice, and reports YAML syntax errors', () => {
    const d = dir({
      'mortar.yaml': `include: ["a.yaml", "b.yaml"]\n`,
      'a.yaml': `pipelines:\n  gw:${pipeline}`,
      'b.yaml': `pipelines:\n  gw:${pipeline}`,
    });
    expect(errorsOf(() => loadConfig(join(d, 'mortar.yaml')))[0]!.message).toMatch(
      /already declared in .*a\.yaml/,
    );
    const bad = dir({ 'mortar.yaml': 'pipelines: [\n' });
    expect(errorsOf(() => loadConfig(join(bad, 'mortar.yaml')))[0]!.where).toMatch(/mortar\.yaml:\d+:\d+/);
  });

  it('building reports component problems with their paths: regex, zone, format, field references', () => {
    const d = dir({
      'mortar.yaml': `subsystems: { gw: {} }
pipelines:
  gw:
    subsystem: gw
    source: { type: file, include: ["x"] }
    parsers:
      - { type: regex, pattern: "(?<ts>\\\\S+) (?<msg" }
  s2:
    subsystem: sensors
    source: { type: file, include: ["x"] }
    parsers: [{ type: regex, pattern: "(?<t>\\\\S+) (?<m>.*)" }]
    map:
      ts: { from: t, format: "%Y-%m-%d %H:%M:%S" }
      message: "{msg}"
`,
    });
    const c = loadConfig(join(d, 'mortar.yaml'));
    const errors = errorsOf(() => buildPipelines(c));
    const text = errors.map((e) => `${e.where}: ${e.message} (${e.hint ?? ''})`).join('\n');
    expect(text).toMatch(/pipelines\.gw\.parsers\[0\]\.pattern: invalid regular expression/);
    expect(text).toMatch(/pipelines\.s2\.subsystem: subsystem "sensors" is not declared/);
    expect(text).toMatch(/pipelines\.s2\.map\.ts\.format: .*no offset.*timezone/);
    expect(text).toMatch(/pipelines\.s2\.map\.message: field "msg" is not produced by any parser/);
    expect(errors.length).toBe(4);
  });

  it('says what to do when the file does not exist', () => {
    expect(() => loadConfig('/nonexistent/mortar.yaml')).toThrow(/not found/);
  });
});
