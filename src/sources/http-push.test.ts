// The `http` push source end to end: real listener on loopback, real pipeline, real DuckDB file.
// 200 comes only after the batch's rows are committed; a retried batch id is stored once (also
// across a restart) and, without the dedup window, yields the same event ids; 401/413/503.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { buildPipelines } from '../pipeline/build.ts';
import { startIngest } from '../pipeline/ingest.ts';
import { openWarehouse } from '../warehouse/open.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { HttpIntake } from './net/http-intake.ts';

const TOKEN = 'test-token-0123456789';

const config = (source: string, ingest = '{ batch_rows: 1000, batch_interval: 200ms }') => `
data_dir: .
ingest: ${ingest}
pipelines:
  gw:
    subsystem: gateway
    source: { type: http, listen: "127.0.0.1:0", path: /ingest/gw, token: ${TOKEN}, ${source} }
    parsers: [{ type: json }]
    map: { message: "{msg}", component: "{_peer}", keys: { batch: "{_batch_id}" } }
`;

interface Running {
  url: string;
  warehouse: Warehouse;
  commits: { at: number; events: number }[];
  stop(): Promise<void>;
}

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

async function start(dir: string, yaml: string): Promise<Running> {
  writeFileSync(join(dir, 'mortar.yaml'), yaml);
  const cfg = loadConfig(join(dir, 'mortar.yaml'));
  const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'm.duckdb') });
  let source: HttpIntake | undefined;
  const pipelines = buildPipelines(cfg).map((p) => ({
    ...p,
    createSource: (positions: Parameters<typeof p.createSource>[0]) => {
      source = p.createSource(positions) as HttpIntake;
      return source;
    },
  }));
  const ingest = await startIngest(cfg, warehouse, { pipelines });
  const commits: Running['commits'] = [];
  ingest.events.on('commit', (b) => commits.push({ at: performance.now(), events: b.events.length }));
  while (!source) await sleep(5);
  const { port } = await source.listening;
  let stopped: Promise<void> | undefined;
  const r: Running = {
    url: `http://127.0.0.1:${port}/ingest/gw`,
    warehouse,
    commits,
    stop: () => {
      stopped ??= ingest.stop().then(() => warehouse.close());
      return stopped;
    },
  };
  running.push(r);
  return r;
}

function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson', ...headers },
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'mortar-http-'));

describe('http push source', () => {
  it('refuses a missing or wrong token (401), other paths (404) and methods (405)', async () => {
    const r = await start(tmp(), config('max_body_bytes: 4096'));
    expect((await post(r.url, '{}', { authorization: '' })).status).toBe(401);
    const wrong = await post(r.url, '{}', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect(await wrong.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await post(r.url.replace('/gw', '/other'), '{}')).status).toBe(404);
    expect((await fetch(r.url)).status).toBe(405);
    expect((await r.warehouse.counts()).events).toBe(0);
  });

  it('NDJSON and gzip JSON arrays; 200 only once the rows are committed', async () => {
    const r = await start(tmp(), config('max_body_bytes: 4096'));
    const sent = performance.now();
    const res = await post(r.url, '{"msg":"one"}\n{"msg":"two"}\r\nnot json\n', { 'idempotency-key': 'b1' });
    const answered = performance.now();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ batch_id: 'b1', records: 3, rejected: 0, duplicate: false });
    // Committed before the answer: visible at once, and the commit happened in between.
    const page = await r.warehouse.events({ limit: 10, offset: 0 });
    expect(page.rows.map((e) => e.message).sort()).toEqual(['one', 'two']);
    expect(page.rows[0]).toMatchObject({
      source: 'http',
      file: 'http:/ingest/gw',
      component: '127.0.0.1',
      keys: { batch: 'b1' },
    });
    expect((await r.warehouse.deadLetters({ limit: 10, offset: 0 })).rows[0]).toMatchObject({
      raw: 'not json',
      offset: 2,
    });
    expect(r.commits.some((c) => c.events === 2 && c.at > sent && c.at < answered)).toBe(true);

    const array = gzipSync(JSON.stringify(['{"msg":"three"}', { msg: 'four', n: 4 }]));
    const res2 = await post(r.url, array, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'idempotency-key': 'b2',
    });
    expect(res2.status).toBe(200);
    const four = (await r.warehouse.events({ limit: 10, offset: 0, text: 'four' })).rows[0];
    expect(four).toMatchObject({ message: 'four', attrs: { n: 4 }, raw: '{"msg":"four","n":4}', offset: 1 });
  });

  it('a retried batch is stored once, also after a restart; its records keep their ids', async () => {
    const dir = tmp();
    const body = '{"msg":"a"}\n{"msg":"b"}\n';
    let r = await start(dir, config('max_body_bytes: 4096'));
    expect(await (await post(r.url, body, { 'idempotency-key': 'batch-7' })).json()).toMatchObject({
      duplicate: false,
    });
    // A retry (the client never saw the 200) is answered without storing again.
    expect(await (await post(`${r.url}?batch_id=batch-7`, body)).json()).toMatchObject({ duplicate: true });
    await r.stop();
    r = await start(dir, config('max_body_bytes: 4096'));
    const again = await post(r.url, body, { 'idempotency-key': 'batch-7' });
    expect(await again.json()).toMatchObject({ batch_id: 'batch-7', duplicate: true });
    expect((await r.warehouse.counts()).events).toBe(2);
    await r.stop();

    // Without the window a retry is stored again, with the same ids: duplicates can be found.
    r = await start(tmp(), config('dedup_window: 0'));
    await post(r.url, body, { 'idempotency-key': 'batch-7' });
    await post(r.url, body, { 'idempotency-key': 'batch-7' });
    const rows = (await r.warehouse.events({ limit: 10, offset: 0 })).rows;
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((e) => e.id)).size).toBe(2);
  });

  it('503 with Retry-After while too many records wait for their commit; 413 for oversize bodies', async () => {
    const r = await start(
      tmp(),
      config('max_body_bytes: 4096, max_pending: 3', '{ batch_rows: 1000, batch_interval: 1s }'),
    );
    const first = post(r.url, '{"msg":"1"}\n{"msg":"2"}\n{"msg":"3"}\n', { 'idempotency-key': 'full-1' });
    await sleep(300);
    const refused = await post(r.url, '{"msg":"4"}\n', { 'idempotency-key': 'full-2' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await first).status).toBe(200);
    expect((await post(r.url, '{"msg":"4"}\n', { 'idempotency-key': 'full-2' })).status).toBe(200);

    expect((await post(r.url, `${'{"msg":"x"}\n'.repeat(500)}`)).status).toBe(413);
    // Small on the wire, too large unpacked.
    const bomb = gzipSync(Buffer.alloc(100_000, 0x20));
    expect(bomb.length).toBeLessThan(4096);
    expect((await post(r.url, bomb, { 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await post(r.url, 'x', { 'content-encoding': 'br' })).status).toBe(415);
    expect((await r.warehouse.counts()).events).toBe(4);
  });
});
