// /metrics for network sources: an HTTP push pipeline receives NDJSON (good lines, a broken line,
// a request with a wrong token) and the Prometheus text counts what it received (records, bytes),
// what became events and dead letters, and what was refused, labelled with pipeline and source.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveTotals } from '../../src/api/live.ts';
import { prometheusText } from '../../src/api/metrics.ts';
import { loadConfig } from '../../src/config/load.ts';
import { buildPipelines } from '../../src/pipeline/build.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import type { HttpIntake } from '../../src/sources/net/http-intake.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { removeTempDataDirs, tempDataDir } from './ingest-harness.ts';

afterAll(removeTempDataDirs);

const TOKEN = 'metrics-token-0123456789';

describe('network source metrics', () => {
  it('counts received records, bytes, events, dead letters and refusals per pipeline', async () => {
    const dir = tempDataDir('mortar-netmetrics-');
    writeFileSync(
      join(dir, 'mortar.yaml'),
      `data_dir: .
ingest: { batch_rows: 100, batch_interval: 20ms, workers: 1 }
pipelines:
  push:
    subsystem: gw
    source: { type: http, listen: "127.0.0.1:0", path: /in, token: ${TOKEN} }
    parsers: [{ type: json }]
    map: { type: "gw.{event}" }
`,
    );
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
    while (!source) await sleep(5);
    const { port } = await source.listening;
    const body = '{"event":"a"}\n{"event":"b"}\n{"event":\n{"event":"c"}\n';
    const post = (token: string) =>
      fetch(`http://127.0.0.1:${port}/in`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      });
    expect((await post(TOKEN)).status).toBe(200);
    expect((await post('wrong')).status).toBe(401);
    const text = prometheusText(ingest.status(), new LiveTotals());
    await ingest.stop();
    await warehouse.close();

    const value = (name: string) => {
      const m = new RegExp(`^${name}\\{pipeline="push",source="http"\\} (\\d+)$`, 'm').exec(text);
      return m ? Number(m[1]) : undefined;
    };
    expect(value('mortar_source_received_records_total')).toBe(4);
    expect(value('mortar_source_events_total')).toBe(3);
    expect(value('mortar_source_dead_letters_total')).toBe(1);
    expect(value('mortar_source_received_bytes_total')).toBe(Buffer.byteLength(body));
    expect(value('mortar_source_refused_total')).toBe(1);
    expect(text).toMatch(/^mortar_parse_workers 1$/m);
  }, 60_000);
});
