// The `mortar` command as a user runs it (through bin/, as npx does): exit codes, where output
// goes, and error messages that name file, line and fix.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/mortar.js', import.meta.url));
const DEMO = fileURLToPath(new URL('../config/demo/mortar.yaml', import.meta.url));
const mortar = (args: string[], input?: string) =>
  spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000 });

describe('mortar CLI', () => {
  it('check: the demo configuration is valid', () => {
    const r = mortar(['check', '-c', DEMO]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ok \(5 pipelines, 5 subsystems, 1 flow\)/);
  });

  it('check: every problem at once with file:line:col, path and hint; exit 2', () => {
    const d = mkdtempSync(join(tmpdir(), 'mortar-cli-'));
    writeFileSync(
      join(d, 'mortar.yaml'),
      'pipelines:\n  gw:\n    subsystem: gw\n    source: { type: file, include: ["x"], colour: red }\n    parsers: [{ type: json }]\n    map: { ts: { from: t, format: "%Y-%m-%d" } }\n',
    );
    const r = mortar(['check', '-c', join(d, 'mortar.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/mortar\.yaml:4:\d+ pipelines\.gw\.source\.colour: unknown key "colour"/);
    expect(r.stderr).toMatch(/hint: /);
  });

  it('parse: events on stdout, dead letters with reasons on stderr, exit 0', () => {
    const lines =
      '2026-01-01 01:00:04.355;sc-04;ALARM;1004;west-3;10;active;motion in secured area\nnot a sensor line\n';
    const r = mortar(['parse', '-c', DEMO, '-p', 'sensors'], lines);
    expect(r.status).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      ts: '2026-01-01T00:00:04.355000Z',
      component: 'sc-04',
      keys: { evt: '1004' },
    });
    const dead = r.stderr.trim().split('\n')[0]!;
    expect(JSON.parse(dead).dead_letter).toMatchObject({ raw: 'not a sensor line', stage: 'parse[0]' });
    expect(r.stderr).toMatch(/1 events, 1 dead letters/);
  });

  it('ingest --once backfills to the end, then a second run reads nothing', () => {
    const d = mkdtempSync(join(tmpdir(), 'mortar-cli-'));
    expect(mortar(['simulate', '--out', join(d, 'sim'), '--duration', '5m']).status).toBe(0);
    const first = mortar(['ingest', '-c', DEMO, '--data', d, '--once']);
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/100%/);
    const read = [...first.stdout.matchAll(/read (\d+), events (\d+), dead letters (\d+), filtered (\d+)/g)];
    expect(read).toHaveLength(5);
    for (const m of read) expect(Number(m[1])).toBe(Number(m[2]) + Number(m[3]) + Number(m[4]));
    const second = mortar(['ingest', '-c', DEMO, '--data', d, '--once']);
    expect([...second.stdout.matchAll(/read (\d+)/g)].map((m) => m[1])).toEqual(['0', '0', '0', '0', '0']);
  });

  it('reprocess rebuilds the flow tables over the stored events, with progress', () => {
    const d = mkdtempSync(join(tmpdir(), 'mortar-cli-'));
    expect(mortar(['simulate', '--out', join(d, 'sim'), '--duration', '10m']).status).toBe(0);
    expect(mortar(['ingest', '-c', DEMO, '--data', d, '--once']).status).toBe(0);
    const r = mortar(['reprocess', '-c', DEMO, '--data', d, '--slice', '2m']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/100%\s+slice (\d+)\/\1 /);
    const complete = Number(/(\d+) complete/.exec(r.stdout)?.[1]);
    expect(complete).toBeGreaterThan(500);
  });

  it('unknown commands and flags say what to do', () => {
    expect(mortar(['frobnicate']).stderr).toMatch(/unknown command "frobnicate"[\s\S]*usage: mortar/);
    const r = mortar(['bench', '--scale', 'lots']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--scale must be a number/);
  });
});
