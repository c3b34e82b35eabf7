// The HTTP API over a real DuckDB file filled by the real pipelines from simulated logs:
// filters, zero-filled volume series, the SSE stream, and clear 400s for bad parameters.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTotals } from '../src/api/live.ts';
import { createApp } from '../src/api/server.ts';
import type {
  ErrorResponse,
  EventsResponse,
  HealthResponse,
  LiveIngest,
  PipelinesResponse,
  TryResponse,
  VolumeResponse,
} from '../src/api/types.ts';
import { loadConfig } from '../src/config/load.ts';
import { waitUntilIdle } from '../src/pipeline/idle.ts';
import { startIngest } from '../src/pipeline/ingest.ts';
import { simulate } from '../src/sim/simulate.ts';
import { openWarehouse } from '../src/warehouse/open.ts';
import type { Warehouse } from '../src/warehouse/warehouse.ts';

const data = mkdtempSync(join(tmpdir(), 'mortar-api-'));
const start = new Date('2026-03-01T10:00:00Z');
let warehouse: Warehouse;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  await simulate({ outDir: join(data, 'sim'), seed: 3, durationMs: 5 * 60_000, ratePerSecond: 1, start });
  const config = loadConfig(fileURLToPath(new URL('../config/demo/mortar.yaml', import.meta.url)), {
    dataDir: data,
  });
  warehouse = await openWarehouse({ type: 'duckdb', path: join(data, 'mortar.duckdb') });
  const ingest = await startIngest(config, warehouse);
  const live = await LiveTotals.seed(warehouse);
  ingest.events.on('commit', (b) => live.add(b));
  await waitUntilIdle(ingest);
  await ingest.stop();
  app = createApp({ config, warehouse, live, ingest, version: 'test', liveIntervalMs: 50 });
}, 120_000);

afterAll(async () => {
  await warehouse?.close();
});

const get = async <T>(path: string, status = 200): Promise<T> => {
  const res = await app.request(path);
  expect(res.status, `${path}: ${res.status}`).toBe(status);
  return (await res.json()) as T;
};

describe('API', () => {
  it('health reports the stored events', async () => {
    const h = await get<HealthResponse>('/api/health');
    expect(h.warehouse.dialect).toBe('duckdb');
    expect(h.warehouse.events).toBe((await warehouse.counts()).events);
    expect(h.warehouse.events).toBeGreaterThan(500);
  });

  it('events: newest first, filtered by subsystem, time and text, paged', async () => {
    const all = await get<EventsResponse>('/api/events?limit=1000');
    const times = all.rows.map((r) => r.ts);
    expect([...times].sort().reverse()).toEqual(times);
    const video = await get<EventsResponse>('/api/events?subsystem=video&limit=5');
    expect(video.rows.length).toBe(5);
    expect(video.rows.every((r) => r.subsystem === 'video')).toBe(true);
    expect(video.total).toBeLessThan(all.total);
    const id = all.rows.find((r) => r.keys.alarm_id)!.keys.alarm_id!;
    const byText = await get<EventsResponse>(`/api/events?q=${id}`);
    expect(byText.total).toBeGreaterThan(1);
    expect(byText.rows.every((r) => r.raw.includes(id) || r.message.includes(id))).toBe(true);
    const window = await get<EventsResponse>(
      '/api/events?from=2026-03-01T10:01:00Z&to=2026-03-01T10:02:00Z&limit=1000',
    );
    expect(window.total).toBeGreaterThan(0);
    expect(window.rows.every((r) => r.ts >= '2026-03-01T10:01:00' && r.ts < '2026-03-01T10:02:00')).toBe(
      true,
    );
    const page2 = await get<EventsResponse>('/api/events?limit=10&offset=10');
    expect(page2.rows.map((r) => r.id)).toEqual(all.rows.slice(10, 20).map((r) => r.id));
  });

  it('volume: zero-filled buckets per subsystem that add up to the event count', async () => {
    const v = await get<VolumeResponse>(
      '/api/volume?from=2026-03-01T09:59:00Z&to=2026-03-01T10:07:00Z&bucket=60',
    );
    expect(v.points.length).toBe(8);
    expect(v.subsystems).toEqual(['alarm-server', 'console', 'gateway', 'sensors', 'video']);
    expect(v.points[0]!.counts.sensors).toBe(0);
    const sum = v.points.reduce((a, p) => a + Object.values(p.counts).reduce((x, y) => x + y, 0), 0);
    const events = await get<EventsResponse>(
      '/api/events?from=2026-03-01T09:59:00Z&to=2026-03-01T10:07:00Z&limit=1',
    );
    expect(sum).toBe(events.total);
  });

  it('bad parameters get a 400 that names the parameter and the fix; unknown routes 404', async () => {
    const e1 = await get<ErrorResponse>('/api/events?limit=0', 400);
    expect(e1.error.message).toMatch(/limit/);
    expect(e1.error.details?.[0]?.hint).toMatch(/whole number from 1 to 1000/);
    const e2 = await get<ErrorResponse>('/api/events?from=yesterday', 400);
    expect(e2.error.details?.[0]?.hint).toMatch(/ISO 8601/);
    const e3 = await get<ErrorResponse>('/api/volume?from=2026-03-01T10:00:00Z&to=2026-03-01T09:00:00Z', 400);
    expect(e3.error.message).toMatch(/before/);
    const e4 = await get<ErrorResponse>(
      '/api/volume?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&bucket=1',
      400,
    );
    expect(e4.error.message).toMatch(/too many buckets/);
    await get<ErrorResponse>('/api/nope', 404);
  });

  it('metrics: Prometheus text whose counters agree with the warehouse', async () => {
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/text\/plain; version=0.0.4/);
    const text = await res.text();
    const value = (name: string, labels: string) =>
      Number(new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1]);
    const counts = await warehouse.counts();
    expect(value('mortar_stored_events', 'subsystem="video"')).toBe(counts.bySubsystem.video);
    const read = value('mortar_records_read_total', 'pipeline="video"');
    expect(read).toBeGreaterThan(0);
    expect(read).toBe(
      value('mortar_events_total', 'pipeline="video"') +
        value('mortar_dead_letters_total', 'pipeline="video"') +
        value('mortar_filtered_total', 'pipeline="video"'),
    );
    expect(text).toMatch(/^# TYPE mortar_source_lag_bytes gauge$/m);
    // Held bytes are part of the lag, never more than it.
    const held = value('mortar_source_held_bytes', 'pipeline="console"');
    expect(held).toBeGreaterThanOrEqual(0);
    expect(held).toBeLessThanOrEqual(value('mortar_source_lag_bytes', 'pipeline="console"'));
  });

  it('pipelines: counters per pipeline, and a try-out that stores nothing', async () => {
    const list = await get<PipelinesResponse>('/api/pipelines');
    expect(list.pipelines.map((p) => p.name).sort()).toEqual([
      'alarm-server',
      'console',
      'gateway',
      'sensors',
      'video',
    ]);
    const sensors = list.pipelines.find((p) => p.name === 'sensors')!;
    expect(sensors.status!.read).toBe(
      sensors.status!.events + sensors.status!.deadLetters + sensors.status!.filtered,
    );
    const before = (await warehouse.counts()).events;
    const res = await app.request('/api/pipelines/sensors/try', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: '2026-01-01 01:00:04.355;sc-04;ALARM;1004;west-3;10;active;motion in secured area\nnonsense\n',
      }),
    });
    expect(res.status).toBe(200);
    const out = (await res.json()) as TryResponse;
    expect(out.counts).toEqual({ events: 1, deadLetters: 1, filtered: 0 });
    expect(out.results[0]).toMatchObject({
      kind: 'event',
      offset: 0,
      event: { ts: '2026-01-01T00:00:04.355000Z', keys: { evt: '1004' } },
    });
    expect(out.results[1]).toMatchObject({
      kind: 'dead_letter',
      raw: 'nonsense',
      reason: expect.stringMatching(/pattern/),
    });
    expect((await warehouse.counts()).events).toBe(before);
    const bad = await app.request('/api/pipelines/nope/try', { method: 'POST', body: '{}' });
    expect(bad.status).toBe(404);
    const badBody = await app.request('/api/pipelines/sensors/try', { method: 'POST', body: 'x' });
    expect(((await badBody.json()) as ErrorResponse).error.message).toMatch(/expected a JSON body/);
  });

  it('openapi document lists the routes', async () => {
    const doc = await get<{ openapi: string; paths: Record<string, unknown> }>('/api/openapi.json');
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/events', '/api/volume', '/api/live', '/api/health']),
    );
  });

  it('live: SSE ingest ticks with totals per subsystem', async () => {
    const res = await app.request('/api/live');
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while ((text.match(/event: ingest/g) ?? []).length < 2)
      text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const first = JSON.parse(/data: (.*)\n/.exec(text)![1]!) as LiveIngest;
    expect(Object.keys(first.totals).sort()).toEqual([
      'alarm-server',
      'console',
      'gateway',
      'sensors',
      'video',
    ]);
    expect(Object.values(first.totals).reduce((a, b) => a + b, 0)).toBe((await warehouse.counts()).events);
  });
});
