// Field masks end to end: a simulated world in a real DuckDB file, access control on, and the
// operator names (attrs.operator, also written into console messages and raw lines) masked for
// everyone without view_personal_data. Every path that shows values is asked over HTTP whether
// it leaks a real name to the analyst; the same path must show the names to a user with the
// permission (so the test cannot pass by showing nothing). The names come from direct SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DeadLettersResponse,
  EventsResponse,
  FlowAlertResponse,
  FlowAlertsResponse,
  NewTokenResponse,
  ReportFilterValuesResponse,
  ReportRunResult,
  VolumeResponse,
} from '../../src/api/types.ts';
import { ensureCatalogTables, processCatalog } from '../../src/process/catalog/catalog-processor.ts';
import {
  ensurePatternTables,
  minePatternStep,
  newPatternState,
} from '../../src/process/patterns/pattern-processor.ts';
import { maskValue } from '../../src/reports/field-masks.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { ALL_TIME } from '../reports/fixture.ts';
import { type AccessWorld, accessWorld, Client } from './signed-in-world.ts';

const T = `f.time=${encodeURIComponent(ALL_TIME)}`;
const [FROM, TO] = ALL_TIME.split('..') as [string, string];
const RANGE = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;
const PARTIAL = { field: 'attrs.operator', mode: 'partial' as const, salt: '' };

let aw: AccessWorld;
/** The real operator names, and how many events carry each (direct SQL). */
let names: Map<string, number>;

const OPS_REPORT = `id: ops
title: Events by operator
dataset: events
dimensions: [attrs.operator]
measures: [events]
filters:
  - { id: time, kind: time_range, dimension: ts }
  - { id: operator, kind: multi_select, dimension: attrs.operator }
  - { id: text, kind: text, dimension: message }
`;

beforeAll(async () => {
  aw = await accessWorld(
    'mortar-masks-',
    `    pd-analyst:
      permissions: [view_cockpit, view_reports, edit_reports, view_raw, export, view_dead_letters, view_personal_data]
`,
    { ada: { roles: ['admin'] }, ana: { roles: ['analyst'] }, pia: { roles: ['pd-analyst'] } },
    '  logins_per_minute: 10000\n  masks:\n    - { field: attrs.operator, mode: partial }\n',
  );
  const wh = aw.w.sim.warehouse;
  await ensureCatalogTables(wh);
  await processCatalog(wh, { settleUs: 0 });
  await ensurePatternTables(wh);
  const st = newPatternState();
  while ((await minePatternStep(wh, st)).events > 0);
  const rows = await wh.query(
    sql`select json_extract_string(attrs, '$.operator') as op, count(*) as n from events where json_extract_string(attrs, '$.operator') is not null group by 1`,
  );
  names = new Map(rows.map((r) => [String(r.op), Number(r.n)]));
  const ada = await aw.as('ada');
  expect((await ada.req('PUT', '/api/reports/ops', { yaml: OPS_REPORT })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await aw?.close();
});

/** The real names that occur in a response body. */
const leaked = (text: string) => [...names.keys()].filter((n) => text.includes(n));

async function body(c: Client, path: string): Promise<string> {
  const r = await c.get(path);
  const text = await r.text();
  expect(r.status, `${path}: ${text.slice(0, 300)}`).toBe(200);
  return text;
}

describe('field masks', () => {
  it('the world has operator names, in attributes and in messages', () => {
    expect(names.size).toBeGreaterThanOrEqual(2);
    expect([...names.values()].every((n) => n > 0)).toBe(true);
  });

  it('a report shows, groups and exports the masked value only; the permission shows the real one', async () => {
    const [ana, pia] = [await aw.as('ana'), await aw.as('pia')];
    const run = `/api/reports/ops/run?${T}&limit=1000`;
    const masked = await body(ana, run);
    expect(leaked(masked)).toEqual([]);
    const r = JSON.parse(masked) as ReportRunResult;
    const shown = new Set(r.rows.map((row) => row[0]));
    for (const n of names.keys()) expect(shown).toContain(maskValue(PARTIAL, n));
    // grouping happens on the masked value: names sharing a mask share a row
    const byMask = new Map<string, number>();
    for (const [n, k] of names)
      byMask.set(maskValue(PARTIAL, n)!, (byMask.get(maskValue(PARTIAL, n)!) ?? 0) + k);
    for (const row of r.rows) if (row[0] !== null) expect(row[1]).toBe(byMask.get(String(row[0])));

    const real = await body(pia, run);
    expect(leaked(real).sort()).toEqual([...names.keys()].sort());

    const csv = await body(ana, `/api/reports/ops/export.csv?${T}`);
    expect(leaked(csv)).toEqual([]);
    expect(csv).toContain(maskValue(PARTIAL, [...names.keys()][0]!));
    expect(leaked(await body(pia, `/api/reports/ops/export.csv?${T}`)).length).toBe(names.size);
    // Parquet holds the same rows: the masked ones
    const pq = Buffer.from(await (await ana.get(`/api/reports/ops/export.parquet?${T}`)).arrayBuffer());
    expect(leaked(pq.toString('latin1'))).toEqual([]);
  });

  it('filtering by a real value is refused; filter values and text filters see masked values only', async () => {
    const [ana, pia] = [await aw.as('ana'), await aw.as('pia')];
    const [name, count] = [...names].find(([n]) => maskValue(PARTIAL, n) !== '***')!;
    // refused exactly as a name that does not exist is: no oracle for which names exist
    const refusal = async (v: string) => {
      const res = await ana.get(`/api/reports/ops/run?${T}&f.operator=${encodeURIComponent(v)}`);
      expect(res.status).toBe(400);
      return (await res.text()).replaceAll(v, '<v>');
    };
    expect(await refusal(name)).toBe(await refusal('nobody-at-all'));
    const ok = await pia.json<ReportRunResult>(`/api/reports/ops/run?${T}&f.operator=${name}`);
    expect(ok.rows).toEqual([[name, count]]);

    const values = await body(ana, `/api/reports/ops/filters/operator/values?${T}`);
    expect(leaked(values)).toEqual([]);
    const listed = (JSON.parse(values) as ReportFilterValuesResponse).values.map((v) => v.value);
    expect(listed).toContain(maskValue(PARTIAL, name));
    // the list's own search runs on the masked value too
    const searched = await ana.json<ReportFilterValuesResponse>(
      `/api/reports/ops/filters/operator/values?${T}&q=${encodeURIComponent(name.slice(2))}`,
    );
    expect(searched.values).toEqual([]);

    // a text filter on the message cannot find rows by a name it shows masked
    const byText = await ana.json<ReportRunResult>(`/api/reports/ops/run?${T}&f.text=${name}`);
    expect(byText.rows).toEqual([]);
    const piaText = await pia.json<ReportRunResult>(`/api/reports/ops/run?${T}&f.text=${name}`);
    expect(piaText.rows.length).toBeGreaterThan(0);
    // the built-in report grouping by message shows redacted messages
    const msgs = await body(ana, `/api/reports/top-message-patterns/run?${T}&f.subsystem=console&limit=1000`);
    expect(leaked(msgs)).toEqual([]);
    expect(msgs).toContain(`operator ${maskValue(PARTIAL, name)}`);
  });

  it('event search masks attributes, messages and raw lines, and cannot find a row by a masked value', async () => {
    const [ana, pia] = [await aw.as('ana'), await aw.as('pia')];
    const page = `/api/events?${RANGE}&subsystem=console&limit=1000`;
    const text = await body(ana, page);
    expect(leaked(text)).toEqual([]);
    const rows = (JSON.parse(text) as EventsResponse).rows;
    const withOp = rows.filter((e) => e.attrs.operator !== undefined);
    expect(withOp.length).toBeGreaterThan(0);
    for (const e of withOp) expect(String(e.attrs.operator)).toMatch(/\*\*\*$/);
    expect(rows.some((e) => e.raw.includes('***') && e.raw.length > 10)).toBe(true);
    expect(leaked(await body(pia, page)).length).toBe(names.size);

    const [name] = [...names.keys()];
    const found = await ana.json<EventsResponse>(`/api/events?${RANGE}&q=${name}`);
    expect(found.total).toBe(0);
    expect((await pia.json<EventsResponse>(`/api/events?${RANGE}&q=${name}`)).total).toBeGreaterThan(0);
    const volume = await ana.json<VolumeResponse>(`/api/volume?${RANGE}&bucket=3600&q=${name}`);
    expect(volume.points.flatMap((p) => Object.values(p.counts)).every((n) => n === 0)).toBe(true);
    // what the analyst sees can be searched: the masked spelling finds the rows
    const masked = maskValue(PARTIAL, name)!;
    const again = await ana.json<EventsResponse>(`/api/events?${RANGE}&q=${encodeURIComponent(masked)}`);
    expect(again.total).toBeGreaterThan(0);
    expect(leaked(JSON.stringify(again))).toEqual([]);
  });

  it('catalog, pattern and link examples never show a real name to the analyst', async () => {
    const [ana, pia] = [await aw.as('ana'), await aw.as('pia')];
    const catalog = await body(ana, '/api/catalog');
    expect(leaked(catalog)).toEqual([]);
    expect(catalog).toMatch(/"examples":\["[^"]{2}\*\*\*"/);
    expect(leaked(await body(pia, '/api/catalog')).length).toBeGreaterThan(0);

    const list = JSON.parse(await body(pia, `/api/patterns?${RANGE}&subsystem=console&limit=500`)) as {
      sources: { patterns: { id: string }[] }[];
    };
    const ids = list.sources.flatMap((s) => s.patterns.map((p) => p.id));
    let piaSaw = 0;
    for (const id of ids) {
      expect(leaked(await body(ana, `/api/patterns/${id}?${RANGE}`))).toEqual([]);
      piaSaw += leaked(await body(pia, `/api/patterns/${id}?${RANGE}`)).length;
    }
    expect(piaSaw).toBeGreaterThan(0);
    // templates are redacted by their events' masked values (test/access/pattern-masks.test.ts)
    expect(leaked(await body(ana, `/api/patterns?${RANGE}&limit=500`))).toEqual([]);
    expect(leaked(await body(ana, `/api/patterns/changes?${RANGE}`))).toEqual([]);
    expect(leaked(await body(ana, '/api/links'))).toEqual([]);
  });

  it('drill-down of an alert shows its events masked', async () => {
    const [ana, pia] = [await aw.as('ana'), await aw.as('pia')];
    const alerts = await pia.json<FlowAlertsResponse>(`/api/flows/alarm/alerts?${RANGE}&limit=50`);
    const acked = alerts.rows.filter((a) => a.steps.some((s) => s.step === 'operator-ack'));
    expect(acked.length).toBeGreaterThan(0);
    for (const a of acked.slice(0, 5)) {
      const path = `/api/flows/alarm/alerts/${encodeURIComponent(a.root)}`;
      const text = await body(ana, path);
      expect(leaked(text)).toEqual([]);
      const step = (JSON.parse(text) as FlowAlertResponse).steps.find((s) => s.step === 'operator-ack');
      expect(String(step?.event?.attrs.operator)).toMatch(/\*\*\*$/);
      expect(leaked(await body(pia, path)).length).toBeGreaterThan(0);
    }
  });

  it('dead letters hide their raw lines from a masked identity (no field can be found in them)', async () => {
    const [ana, pia] = [await aw.as('ana'), await aw.as('pia')];
    const a = await ana.json<DeadLettersResponse>('/api/dead-letters?limit=100');
    const p = await pia.json<DeadLettersResponse>('/api/dead-letters?limit=100');
    expect(a.total).toBe(p.total);
    expect(a.rows.length).toBeGreaterThan(0);
    expect(a.rows.every((d) => d.raw === '')).toBe(true);
    expect(p.rows.every((d) => d.raw.length > 0)).toBe(true);
    // A reason may quote the failed input: its quoted part is hidden from the masked identity.
    const quoting = p.rows.filter((d) => /".*"/s.test(d.reason));
    expect(quoting.length).toBeGreaterThan(0);
    for (const d of quoting) {
      const seen = a.rows.find((x) => x.id === d.id)!;
      expect(seen.reason).toContain('"***"');
      expect(seen.reason).toBe(d.reason.replace(/"[\s\S]*"/, '"***"'));
    }
    const report = await ana.json<ReportRunResult>('/api/reports/dead-letters-by-pipeline/run');
    expect(report.rows.length).toBeGreaterThan(0);
  });

  it('a token without view_personal_data sees masks even when its user has the permission', async () => {
    const pia = await aw.as('pia');
    const res = await pia.req('POST', '/api/auth/tokens', {
      name: 'no-pd',
      permissions: ['view_reports', 'export'],
    });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as NewTokenResponse;
    const bearer = new Client(aw.app, { headers: { authorization: `Bearer ${token}` } });
    expect(leaked(await body(bearer, `/api/reports/ops/export.csv?${T}`))).toEqual([]);
    const full = await pia.req('POST', '/api/auth/tokens', {
      name: 'pd',
      permissions: ['view_reports', 'export', 'view_personal_data'],
    });
    const withPd = new Client(aw.app, {
      headers: { authorization: `Bearer ${((await full.json()) as NewTokenResponse).token}` },
    });
    expect(leaked(await body(withPd, `/api/reports/ops/export.csv?${T}`)).length).toBe(names.size);
  });
});
