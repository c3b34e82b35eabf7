// The report API over HTTP on a real DuckDB file: list and describe, run with filters in the URL
// (domain errors are 400s that name the filter), linked filter values, CSV and Parquet exports
// equal to the view's rows, validation with positions and a preview, user reports and views.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ErrorResponse,
  ReportDetail,
  ReportFilterValuesResponse,
  ReportRunResult,
  ReportsResponse,
  ReportValidateResponse,
  ReportViewsResponse,
} from '../../src/api/types.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { ALL_TIME, type ReportWorld, reportWorld } from './fixture.ts';

let w: ReportWorld;

beforeAll(async () => {
  w = await reportWorld('mortar-reports-api-');
}, 240_000);

afterAll(async () => {
  await w?.sim.warehouse.close();
});

const T = `f.time=${encodeURIComponent(ALL_TIME)}`;

async function get<T>(path: string, status = 200): Promise<T> {
  const res = await w.app.request(path);
  const body = await res.json();
  expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(status);
  return body as T;
}

async function send<T>(method: string, path: string, body: unknown, status = 200): Promise<T> {
  const res = await w.app.request(path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBe(status);
  return json as T;
}

/** RFC 4180 parser for the test's own use. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('list and describe', () => {
  it('lists reports with summaries and searches them', async () => {
    const all = await get<ReportsResponse>('/api/reports');
    expect(all.reports.length).toBeGreaterThanOrEqual(10);
    expect(all.reports[0]).toEqual({
      id: expect.any(String),
      title: expect.any(String),
      description: expect.any(String),
      dataset: expect.any(String),
      visual: expect.any(String),
      source: 'builtin',
      tags: expect.any(Array),
    });
    // Reports declared in the configuration (config/demo/reports/) are listed as such.
    expect(all.reports.find((r) => r.id === 'alarms-by-zone')?.source).toBe('config');
    const latency = await get<ReportsResponse>('/api/reports?q=ALERT%20latency');
    expect(latency.reports.map((r) => r.id).sort()).toEqual([
      'alert-latency-by-hop',
      'alert-latency-by-hour',
    ]);
  });

  it('describes a report: filters with links and defaults, columns with units, drill-down, refresh', async () => {
    const d = await get<ReportDetail>('/api/reports/event-volume-by-subsystem');
    expect(d.filters.find((f) => f.id === 'component')).toEqual({
      id: 'component',
      label: 'Component',
      kind: 'multi_select',
      dimension: 'component',
      dependsOn: ['subsystem'],
    });
    expect(d.filters.find((f) => f.id === 'time')?.default).toBe('now-1h..now');
    expect(d.columns.map((c) => [c.name, c.type, c.role])).toEqual([
      ['minute', 'time', 'dimension'],
      ['subsystem', 'string', 'dimension'],
      ['events', 'number', 'measure'],
    ]);
    expect(d).toMatchObject({
      refreshSeconds: 10,
      editable: false,
      drilldown: { events: true, bind: { subsystem: 'subsystem' } },
    });
    expect(d.yaml).toContain('id: event-volume-by-subsystem');
    const hop = await get<ReportDetail>('/api/reports/alert-latency-by-hop');
    expect(hop.columns.find((c) => c.name === 'latency_p95')).toMatchObject({ unit: 'ms', role: 'measure' });
    const missing = await get<ErrorResponse>('/api/reports/no-such-report', 404);
    expect(missing.error.message).toContain('no-such-report');
  });
});

describe('run', () => {
  it('takes repeated multi_select values and sort from the URL', async () => {
    const r = await get<ReportRunResult>(
      `/api/reports/event-volume-by-type/run?${T}&f.subsystem=gateway&f.subsystem=video&sort=events&dir=asc&limit=500`,
    );
    expect(new Set(r.rows.map((row) => row[0]))).toEqual(new Set(['gateway', 'video']));
    const events = r.rows.map((row) => Number(row[2]));
    expect(events).toEqual([...events].sort((a, b) => a - b));
    expect(r).toMatchObject({ total: r.rows.length, truncated: false, generatedAt: expect.any(String) });
    expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ['f.subsystem=gateway&f.subsystem=atlantis', 'subsystem', 'atlantis'],
    ['f.time=now-3x..now', 'time', 'now-3x'],
    ['f.time=2026-03-02..2026-03-01', 'time', 'empty'],
    ['f.colour=red', 'colour', 'unknown filter'],
    ['sort=nope', 'sort', 'nope'],
  ])('rejects %s with a 400 naming the filter and the fix', async (query, name, text) => {
    const e = await get<ErrorResponse>(`/api/reports/event-volume-by-subsystem/run?${query}`, 400);
    expect(e.error.message).toContain(name);
    expect(e.error.message).toContain(text);
    expect(e.error.details?.[0]?.hint).toBeTruthy();
  });

  it('hostile filter values are data, never SQL', async () => {
    const hostile = [
      `'; drop table events; --`,
      `x' or '1'='1`,
      `") union select * from dead_letters --`,
      '\u202e🚨%_\\',
    ];
    for (const h of hostile) {
      const r = await get<ReportRunResult>(
        `/api/reports/event-volume-by-subsystem/run?${T}&f.text=${encodeURIComponent(h)}`,
      );
      expect(r.rows).toEqual([]);
      const e = await get<ErrorResponse>(
        `/api/reports/event-volume-by-subsystem/run?${T}&f.subsystem=${encodeURIComponent(h)}`,
        400,
      );
      expect(e.error.message).toContain('subsystem');
    }
    expect((await w.sim.warehouse.counts()).events).toBeGreaterThan(5000);
  });

  it('number ranges filter a numeric dimension', async () => {
    const yaml = `id: slow-hops
title: Slow hops
dataset: flow_hops
dimensions: [hop]
measures: [hops, latency_max, { name: fastest, agg: min, of: latency_ms }]
filters:
  - { id: latency, kind: number_range, dimension: latency_ms, min: 0 }
`;
    await send('PUT', '/api/reports/slow-hops', { yaml });
    const r = await get<ReportRunResult>('/api/reports/slow-hops/run?f.latency=100..1000');
    expect(r.rows.length).toBeGreaterThan(0);
    for (const row of r.rows) {
      expect(Number(row[3])).toBeGreaterThanOrEqual(100);
      expect(Number(row[2])).toBeLessThanOrEqual(1000);
    }
    await get<ErrorResponse>('/api/reports/slow-hops/run?f.latency=-5..10', 400);
    await get<ErrorResponse>('/api/reports/slow-hops/run?f.latency=abc', 400);
  });
});

describe('linked filter values', () => {
  it('lists values with counts, narrowed by the filters the filter depends on', async () => {
    const all = await get<ReportFilterValuesResponse>(
      `/api/reports/event-volume-by-subsystem/filters/component/values?${T}`,
    );
    const gw = await get<ReportFilterValuesResponse>(
      `/api/reports/event-volume-by-subsystem/filters/component/values?${T}&f.subsystem=gateway`,
    );
    const rows = await w.sim.warehouse.query(
      sql`select component, count(*) as n from events where subsystem = 'gateway' group by component`,
    );
    expect(new Map(gw.values.map((v) => [v.value, v.count]))).toEqual(
      new Map(rows.map((r) => [String(r.component), Number(r.n)])),
    );
    expect(all.values.length).toBeGreaterThan(gw.values.length);
    const q = await get<ReportFilterValuesResponse>(
      `/api/reports/event-volume-by-subsystem/filters/component/values?${T}&q=op-con`,
    );
    expect(q.values.map((v) => v.value).sort()).toEqual(['op-console-1', 'op-console-2']);
    // The list follows the time range: nothing was seen in 2020.
    const before = await get<ReportFilterValuesResponse>(
      '/api/reports/event-volume-by-subsystem/filters/component/values?f.time=2020-01-01..2020-01-02',
    );
    expect(before.values).toEqual([]);
    await get<ErrorResponse>('/api/reports/event-volume-by-subsystem/filters/nope/values', 404);
  });
});

describe('export', () => {
  const query = `${T}&f.subsystem=console&f.subsystem=gateway&sort=events&dir=desc`;

  it('CSV holds exactly the rows of the view, in order', async () => {
    const view = await get<ReportRunResult>(
      `/api/reports/event-volume-by-subsystem/run?${query}&limit=10000`,
    );
    const res = await w.app.request(`/api/reports/event-volume-by-subsystem/export.csv?${query}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="event-volume-by-subsystem.csv"',
    );
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(view.columns.map((c) => c.name));
    expect(rows).toEqual(view.rows.map((r) => r.map((v) => (v === null ? '' : String(v)))));
    expect(rows.length).toBeGreaterThan(10);
  });

  it('Parquet holds exactly the rows of the view, typed', async () => {
    const view = await get<ReportRunResult>(`/api/reports/alert-latency-by-hour/run?${T}&limit=10000`);
    const res = await w.app.request(`/api/reports/alert-latency-by-hour/export.parquet?${T}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('alert-latency-by-hour.parquet');
    const dir = mkdtempSync(join(tmpdir(), 'mortar-parquet-'));
    const file = join(dir, 'r.parquet');
    writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const reader = await c.runAndReadAll(
      "select strftime(hour, '%Y-%m-%dT%H:%M:%S.%fZ') as hour, hop, hops, latency_p50, latency_p95, typeof(hour) as t from read_parquet($1)",
      [file],
    );
    const got = reader.getRowObjectsJS();
    c.closeSync();
    expect(got.length).toBe(view.rows.length);
    expect(got[0]!.t).toBe('TIMESTAMP');
    got.forEach((g, i) => {
      const v = view.rows[i]!;
      expect([g.hour, g.hop, g.hops, g.latency_p50, g.latency_p95]).toEqual(v);
    });
  });
});

describe('definitions from the editor', () => {
  const GOOD = `id: my-volume
title: My volume
dataset: events
dimensions: [subsystem]
measures: [events]
filters:
  - { id: subsystem, kind: multi_select, dimension: subsystem }
visual: { type: pie, x: subsystem, y: events }
`;

  it('validate: errors carry path, line and column; a valid one comes with a preview', async () => {
    const bad = await send<ReportValidateResponse>('POST', '/api/reports/validate', {
      yaml: 'id: x\ntitle: X\ndataset: events\ndimensions: [subsystem, planet]\nmeasures: [events]\n',
    });
    expect(bad.ok).toBe(false);
    expect(bad.errors).toEqual([
      expect.objectContaining({ path: 'dimensions[1]', line: 4, col: expect.any(Number) }),
    ]);
    const good = await send<ReportValidateResponse>('POST', '/api/reports/validate', { yaml: GOOD });
    expect(good.ok).toBe(true);
    expect(good.preview?.rows.length).toBe(5);
    await send<ErrorResponse>('POST', '/api/reports/validate', { nope: 1 }, 400);
  });

  it('save, list, run, refuse to overwrite built-ins, delete', async () => {
    const bad = await send<ErrorResponse>(
      'PUT',
      '/api/reports/my-volume',
      { yaml: GOOD.replace('[events]', '[eventz]') },
      400,
    );
    expect(bad.error.details?.[0]?.where).toContain('measures[0]');
    await send<ErrorResponse>('PUT', '/api/reports/other-id', { yaml: GOOD }, 400);
    const saved = await send<ReportDetail>('PUT', '/api/reports/my-volume', { yaml: GOOD });
    expect(saved).toMatchObject({
      id: 'my-volume',
      source: 'user',
      editable: true,
      visual: { type: 'pie', y: ['events'] },
    });
    const listed = await get<ReportsResponse>('/api/reports?q=my volume');
    expect(listed.reports.map((r) => [r.id, r.source])).toEqual([['my-volume', 'user']]);
    const r = await get<ReportRunResult>('/api/reports/my-volume/run?f.subsystem=video');
    expect(r.rows).toEqual([['video', (await w.sim.warehouse.counts()).bySubsystem.video]]);
    await send<ErrorResponse>(
      'PUT',
      '/api/reports/data-catalog',
      { yaml: GOOD.replace('my-volume', 'data-catalog') },
      409,
    );
    await send<ErrorResponse>('DELETE', '/api/reports/data-catalog', {}, 403);
    await send('DELETE', '/api/reports/my-volume', {});
    await get<ErrorResponse>('/api/reports/my-volume', 404);
  });

  it('saved views per report', async () => {
    expect((await get<ReportViewsResponse>('/api/reports/data-catalog/views')).views).toEqual([]);
    await send('POST', '/api/reports/data-catalog/views', {
      name: 'gateway only',
      query: 'f.subsystem=gateway',
    });
    await send('POST', '/api/reports/data-catalog/views', {
      name: 'gateway only',
      query: 'f.subsystem=gateway&sort=events',
    });
    const v = await get<ReportViewsResponse>('/api/reports/data-catalog/views');
    expect(v.views).toEqual([{ name: 'gateway only', query: 'f.subsystem=gateway&sort=events' }]);
    await send<ErrorResponse>('POST', '/api/reports/data-catalog/views', { name: '' }, 400);
  });
});
