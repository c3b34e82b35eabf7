// Regex safety on the onboarding paths: the web try-out box (POST /api/pipelines/:name/try) and
// `mortar parse` run sample lines in the parse workers under `ingest.record_budget`, like ingest.
// A catastrophically backtracking pattern turns its line into a `regex_timeout` dead letter, the
// other lines keep their results in order (filtered ones named by step), and the server answers
// other requests while the bad line is being given up on.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveTotals } from '../../src/api/live.ts';
import { createApp } from '../../src/api/server.ts';
import type { HealthResponse, TryResponse } from '../../src/api/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { removeTempDataDirs, tempDataDir } from './ingest-harness.ts';

const BIN = fileURLToPath(new URL('../../bin/mortar.js', import.meta.url));
const EVIL_INPUT = `${'a'.repeat(33)}!`;
const SAMPLE = ['aaa', 'skip', EVIL_INPUT, 'aa', ''].join('\n');

let warehouse: Warehouse | undefined;
afterAll(async () => {
  await warehouse?.close();
  removeTempDataDirs();
});

function writeEvilConfig(dir: string): string {
  const file = join(dir, 'mortar.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      data_dir: '.',
      ingest: { workers: 1, record_budget: '300ms' },
      pipelines: {
        evil: {
          subsystem: 'evil',
          source: { type: 'file', include: ['logs/evil.log'] },
          parsers: [{ type: 'regex', pattern: '^(?<word>(a+|skip)+)$' }],
          transforms: [{ type: 'filter', drop: { field: 'word', equals: 'skip' } }],
          map: { message: '{word}' },
        },
      },
    }),
  );
  return file;
}

describe('regex safety when trying pipelines out', () => {
  it('try-out endpoint: the evil line is a regex_timeout dead letter and the server keeps answering', async () => {
    const dir = tempDataDir('mortar-try-redos-');
    const config = loadConfig(writeEvilConfig(dir));
    warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
    const app = createApp({ config, warehouse, live: await LiveTotals.seed(warehouse), version: 'test' });

    let tried = false;
    const trying = Promise.resolve(
      app.request('/api/pipelines/evil/try', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: SAMPLE }),
      }),
    ).then(async (res) => {
      tried = true;
      return { status: res.status, body: (await res.json()) as TryResponse };
    });
    // While a worker backtracks on the evil line, health is answered (the main thread is free).
    const health = await app.request('/api/health');
    expect(health.status).toBe(200);
    expect(((await health.json()) as HealthResponse).status).toBe('ok');
    expect(tried).toBe(false);

    const { status, body } = await trying;
    expect(status).toBe(200);
    expect(body.counts).toEqual({ events: 2, deadLetters: 1, filtered: 1 });
    expect(body.results.map((r) => [r.kind, r.offset])).toEqual([
      ['event', 0],
      ['filtered', 4],
      ['dead_letter', 9],
      ['event', 44],
    ]);
    expect(body.results[1]).toMatchObject({ stage: 'transforms[0]' });
    expect(body.results[2]).toMatchObject({
      stage: 'parse[0]',
      raw: EVIL_INPUT,
      reason: expect.stringMatching(/^regex_timeout: pipeline "evil" parse\[0\] \(regex parser\)/),
    });
    expect(body.results[3]).toMatchObject({ event: { message: 'aa' } });

    // The pipeline still answers after its worker was restarted.
    const again = await app.request('/api/pipelines/evil/try', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'aaaa\n' }),
    });
    expect(((await again.json()) as TryResponse).counts).toEqual({ events: 1, deadLetters: 0, filtered: 0 });
  }, 60_000);

  it('mortar parse: prints the evil line as a regex_timeout dead letter on stderr and exits 0', async () => {
    const dir = tempDataDir('mortar-parse-redos-');
    const file = writeEvilConfig(dir);
    const child = spawn(process.execPath, [BIN, 'parse', '-c', file, '-p', 'evil'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(SAMPLE);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { message: string }).message),
    ).toEqual(['aaa', 'aa']);
    const lines = stderr.trim().split('\n');
    const dead = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l).dead_letter);
    expect(dead).toEqual([
      {
        offset: 9,
        stage: 'parse[0]',
        raw: EVIL_INPUT,
        reason: expect.stringMatching(/^regex_timeout: pipeline "evil" parse\[0\]/),
      },
    ]);
    expect(lines.at(-1)).toBe('evil: 2 events, 1 dead letters, 1 filtered');
  }, 60_000);
});
