// The `otlp` source: the OTLP/HTTP JSON sample from opentelemetry-proto through a real pipeline
// (json parser + map) into DuckDB; a retried export is stored once; protobuf is refused with 415.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { buildPipelines } from '../pipeline/build.ts';
import { startIngest } from '../pipeline/ingest.ts';
import { openWarehouse } from '../warehouse/open.ts';
import type { HttpIntake } from './net/http-intake.ts';
import { otlpLogTexts } from './net/otlp-logs.ts';

const kv = (key: string, value: object) => ({ key, value });

/** opentelemetry-proto examples/logs.json, plus a second record with only an observed time. */
const SAMPLE = {
  resourceLogs: [
    {
      resource: { attributes: [kv('service.name', { stringValue: 'my.service' })] },
      scopeLogs: [
        {
          scope: { name: 'my.library', version: '1.0.0' },
          logRecords: [
            {
              timeUnixNano: '1544712660300000000',
              observedTimeUnixNano: '1544712660300000000',
              severityNumber: 10,
              severityText: 'Information',
              traceId: '5B8EFFF798038103D269B633813FC60C',
              spanId: 'EEE19B7EC3C1B174',
              body: { stringValue: 'Example log record' },
              attributes: [
                kv('string.attribute', { stringValue: 'some string' }),
                kv('boolean.attribute', { boolValue: true }),
                kv('int.attribute', { intValue: '10' }),
                kv('double.attribute', { doubleValue: 637.704 }),
                kv('array.attribute', {
                  arrayValue: { values: [{ stringValue: 'many' }, { stringValue: 'values' }] },
                }),
                kv('map.attribute', {
                  kvlistValue: { values: [kv('some.map.key', { stringValue: 'some value' })] },
                }),
              ],
            },
            {
              observedTimeUnixNano: 1544712661000000000,
              severityText: 'WARN',
              body: { kvlistValue: { values: [kv('event', { stringValue: 'disk' })] } },
              attributes: [
                kv('service.name', { stringValue: 'override' }),
                kv('time', { stringValue: 'mine' }),
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe('otlp source', () => {
  it('flattens each log record to one JSON object', () => {
    const texts = otlpLogTexts(SAMPLE) as string[];
    expect(texts.map((t) => JSON.parse(t))).toEqual([
      {
        time: '2018-12-13T14:51:00.300000000Z',
        observed_time: '2018-12-13T14:51:00.300000000Z',
        severity: 'INFO',
        severity_text: 'Information',
        severity_number: 10,
        body: 'Example log record',
        trace_id: '5b8efff798038103d269b633813fc60c',
        span_id: 'eee19b7ec3c1b174',
        scope: 'my.library',
        scope_version: '1.0.0',
        'service.name': 'my.service',
        'string.attribute': 'some string',
        'boolean.attribute': true,
        'int.attribute': 10,
        'double.attribute': 637.704,
        'array.attribute': ['many', 'values'],
        'map.attribute': { 'some.map.key': 'some value' },
      },
      {
        time: '2018-12-13T14:51:01.000000000Z',
        observed_time: '2018-12-13T14:51:01.000000000Z',
        severity: 'WARN',
        severity_text: 'WARN',
        body: { event: 'disk' },
        scope: 'my.library',
        scope_version: '1.0.0',
        'service.name': 'override',
        'attributes.time': 'mine',
      },
    ]);
    expect(otlpLogTexts({ resourceLogs: {} })).toMatch(/must be an array/);
  });

  it('stores exports through a json pipeline, answers after commit, once per retried export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mortar-otlp-'));
    writeFileSync(
      join(dir, 'mortar.yaml'),
      `
data_dir: .
ingest: { batch_rows: 1000, batch_interval: 100ms }
pipelines:
  otel:
    subsystem: apps
    source: { type: otlp, listen: "127.0.0.1:0", token: otel-secret }
    parsers: [{ type: json }]
    map:
      ts: { from: time, format: iso8601 }
      component: "{service.name}"
      severity: "{severity}"
      message: "{body}"
      keys: { trace_id: "{trace_id}" }
`,
    );
    const cfg = loadConfig(join(dir, 'mortar.yaml'));
    const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'm.duckdb') });
    let source: HttpIntake | undefined;
    const pipelines = buildPipelines(cfg).map((p) => ({
      ...p,
      createSource: (pos: Parameters<typeof p.createSource>[0]) => {
        source = p.createSource(pos) as HttpIntake;
        return source;
      },
    }));
    const ingest = await startIngest(cfg, warehouse, { pipelines });
    try {
      while (!source) await sleep(5);
      const url = `http://127.0.0.1:${(await source.listening).port}/v1/logs`;
      const headers = { authorization: 'Bearer otel-secret', 'content-type': 'application/json' };
      const body = gzipSync(JSON.stringify(SAMPLE));
      const send = () =>
        fetch(url, { method: 'POST', body, headers: { ...headers, 'content-encoding': 'gzip' } });
      const res = await send();
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
      const rows = (await warehouse.events({ limit: 10, offset: 0 })).rows.sort((a, b) => a.ts - b.ts);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        source: 'otlp',
        ts: 1544712660300000,
        component: 'my.service',
        severity: 'info',
        message: 'Example log record',
        keys: { trace_id: '5b8efff798038103d269b633813fc60c' },
        attrs: {
          'int.attribute': 10,
          'map.attribute': { 'some.map.key': 'some value' },
          span_id: 'eee19b7ec3c1b174',
        },
      });
      expect(rows[1]).toMatchObject({
        component: 'override',
        severity: 'warning',
        message: '{"event":"disk"}',
      });

      // An exporter retries with the same body: same identity, answered without storing again.
      expect((await send()).status).toBe(200);
      expect((await warehouse.counts()).events).toBe(2);

      const proto = await fetch(url, {
        method: 'POST',
        body: 'x',
        headers: { ...headers, 'content-type': 'application/x-protobuf' },
      });
      expect(proto.status).toBe(415);
      expect(await proto.json()).toMatchObject({
        code: 12,
        message: expect.stringMatching(/encoding: json/),
      });
      const noToken = await fetch(url, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(noToken.status).toBe(401);
    } finally {
      await ingest.stop();
      await warehouse.close();
    }
  });
});
