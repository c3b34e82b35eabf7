// The parse workers' two entries: the in-memory bundle (what runs by default) and the tsx loader
// (the fallback). Both must parse alike: the same events and dead letters from the same records,
// through real worker threads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import type { RawRecord } from '../sources/source.ts';
import { ParsePool } from './parse-pool.ts';
import { bundledWorkerEntry, parseWorkerEntry, tsxWorkerEntry, type WorkerEntry } from './worker-entry.ts';

const dir = mkdtempSync(join(tmpdir(), 'mortar-worker-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pipelineConfig() {
  const file = join(dir, 'mortar.yaml');
  writeFileSync(
    file,
    `pipelines:
  web:
    subsystem: web
    source: { type: file, include: ["x.log"] }
    parsers:
      - type: regex
        pattern: '^(?<ts>\\S+) (?<host>\\S+) status=(?<status>\\d+)$'
        types: { status: int }
    map:
      ts: { from: ts, format: iso8601 }
      component: "{host}"
      type: "http.{status}"
`,
  );
  return loadConfig(file).pipelines.web!;
}

const LINES = [
  '2026-11-27T10:00:00.000Z gw-1 status=200',
  'not a web line',
  '2026-11-27T10:00:01.500Z gw-2 status=503',
  '2026-13-45T99:00:00Z gw-3 status=200',
];

const records: RawRecord[] = LINES.map((text, i) => ({
  text,
  file: '/logs/x.log',
  fileId: 'f1',
  offset: i * 100,
  endOffset: i * 100 + text.length + 1,
}));

async function parseWith(entry: WorkerEntry) {
  const pool = new ParsePool({ size: 1, entry });
  try {
    pool.define('web#1', 'web', pipelineConfig());
    return await pool.parse('web#1', records, 1_764_237_600_000_000);
  } finally {
    await pool.close();
  }
}

describe('parse worker entry', () => {
  it('is an in-memory bundle that imports nothing but node: modules', () => {
    const entry = parseWorkerEntry();
    expect(entry.fallbackReason).toBeUndefined();
    expect(entry.url.protocol).toBe('data:');
    const code = Buffer.from(entry.url.href.slice(entry.url.href.indexOf(',') + 1), 'base64').toString();
    expect(code).toContain('workerData');
    expect(code).not.toMatch(/from\s*"tsx/);
  });

  it('parses the same records into the same events and dead letters as the tsx entry', async () => {
    const bundled = await parseWith(bundledWorkerEntry());
    const viaTsx = await parseWith(tsxWorkerEntry('test'));
    expect(bundled.events.map((e) => [e.component, e.type, e.ts])).toEqual([
      ['gw-1', 'http.200', Date.parse('2026-11-27T10:00:00.000Z') * 1000],
      ['gw-2', 'http.503', Date.parse('2026-11-27T10:00:01.500Z') * 1000],
    ]);
    expect(bundled.deadLetters.map((d) => d.offset)).toEqual([100, 300]);
    expect(bundled).toEqual(viaTsx);
  });
});
