// Field masks on mined pattern templates, end to end over HTTP: the demo world (operator names in
// attrs.operator, masked `partial` for everyone without view_personal_data) plus console lines
// written for this test and ingested by the real console pipeline: one operator who signs every
// shift handover (a template that keeps the name, constant in all its messages) and 1001
// operators who each log in once (a template whose name varies: more distinct masked values than
// are looked up, so its text is hidden whole from a masked viewer). The same warehouse copied
// into a private ClickHouse server and a two-shard cluster must answer the masked viewer alike.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN_TEMPLATE, TEMPLATE_VALUES_LIMIT } from '../../src/access/masked-templates.ts';
import { LiveTotals } from '../../src/api/live.ts';
import { createApp } from '../../src/api/server.ts';
import type { PatternChangesResponse, PatternDetailResponse, PatternsResponse } from '../../src/api/types.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import {
  DEFAULT_PATTERN_SETTINGS,
  ensurePatternTables,
  minePatternStep,
  newPatternState,
} from '../../src/process/patterns/pattern-processor.ts';
import { maskValue } from '../../src/reports/field-masks.ts';
import { consoleRecord } from '../../src/sim/formats/console.ts';
import { copyWarehouse } from '../../src/warehouse/copy/copyWarehouse.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { ALL_TIME } from '../reports/fixture.ts';
import {
  type ClickHouseCluster,
  type ClickHouseServer,
  startClickHouse,
  startClickHouseCluster,
} from '../support/clickhouse.ts';
import { type AccessWorld, accessWorld, Client } from './signed-in-world.ts';

const [FROM, TO] = ALL_TIME.split('..') as [string, string];
const RANGE = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;
const PARTIAL = { field: 'attrs.operator', mode: 'partial' as const, salt: '' };
/** The one operator of every shift handover: constant in its template. */
const HANDOVER = 'zoltan';
const HANDOVER_TEXT = `Shift handover signed by operator ${HANDOVER} for desk`;
const LOGIN_TEXT = 'Desk login by operator';
const LOGINS = TEMPLATE_VALUES_LIMIT + 1;

let aw: AccessWorld;
let names: string[];

async function mine(wh: Warehouse, batch = 5000): Promise<void> {
  await ensurePatternTables(wh);
  const st = newPatternState();
  // New patterns are reported from 2 minutes after a pipeline's first event: the lines below are.
  while ((await minePatternStep(wh, st, { ...DEFAULT_PATTERN_SETTINGS, batch })).events > 0);
}

beforeAll(async () => {
  aw = await accessWorld(
    'mortar-pattern-masks-',
    `    pd-analyst:
      permissions: [view_cockpit, view_personal_data]
`,
    { ada: { roles: ['admin'] }, ana: { roles: ['analyst'] } },
    '  logins_per_minute: 10000\n  masks:\n    - { field: attrs.operator, mode: partial }\n',
  );
  const { sim } = aw.w;
  // Late in the 3-minute world (after the new-pattern warm-up), on a console of its own.
  const at = Date.parse('2026-03-02T10:02:40Z') * 1000;
  const lines: string[] = [];
  for (let i = 0; i < 6; i++)
    lines.push(consoleRecord(at + i * 1e6, 'INFO', 'op-console-9', 'ShiftDesk', `${HANDOVER_TEXT} ${i + 1}`));
  for (let i = 0; i < LOGINS; i++) {
    const who = `op${String(i).padStart(4, '0')}`;
    lines.push(
      consoleRecord(
        at + 6e6 + i * 1000,
        'INFO',
        'op-console-9',
        'ShiftDesk',
        `${LOGIN_TEXT} ${who} accepted`,
      ),
    );
  }
  mkdirSync(join(sim.dir, 'sim', 'console'), { recursive: true });
  appendFileSync(join(sim.dir, 'sim', 'console', 'op-console-9.log'), `${lines.join('\n')}\n`);
  const ingest = await startIngest(sim.config, sim.warehouse);
  await waitUntilIdle(ingest);
  await ingest.stop();
  await mine(sim.warehouse);
  const rows = await sim.warehouse.query(
    sql`select distinct json_extract_string(attrs, '$.operator') as op from events where json_extract_string(attrs, '$.operator') is not null`,
  );
  names = rows.map((r) => String(r.op));
}, 180_000);

afterAll(async () => {
  await aw?.close();
});

/** The real operator names in a response body (the 1001 login names aside, they are "op" + digits). */
const leaked = (text: string) => names.filter((n) => !/^op\d{4}$/.test(n) && text.includes(n));

async function get<T>(c: Client, path: string): Promise<{ text: string; body: T }> {
  const r = await c.get(path);
  const text = await r.text();
  expect(r.status, `${path}: ${text.slice(0, 300)}`).toBe(200);
  return { text, body: JSON.parse(text) as T };
}

type Listed = { pipeline: string; id: string; template: string; templateHidden?: boolean };
const listed = (r: PatternsResponse): Listed[] =>
  r.sources.flatMap((s) => s.patterns.map((p) => ({ pipeline: s.pipeline, ...p })));
const LIST = `/api/patterns?${RANGE}&limit=500`;
const CHANGES = `/api/patterns/changes?${RANGE}&limit=1000`;

describe('pattern templates under field masks', () => {
  it('the world has a template keeping one operator name, one with more names than are looked up', async () => {
    expect(names).toContain(HANDOVER);
    expect(names.length).toBeGreaterThan(LOGINS);
    const ada = await aw.as('ada');
    const all = listed((await get<PatternsResponse>(ada, LIST)).body);
    expect(all.find((t) => t.template.startsWith(HANDOVER_TEXT))?.template).toBe(`${HANDOVER_TEXT} <*>`);
    expect(all.find((t) => t.template.startsWith(LOGIN_TEXT))?.template).toBe(`${LOGIN_TEXT} <*> accepted`);
  });

  it('the list redacts a constant masked value for the masked viewer and keeps it for the admin', async () => {
    const [ana, ada] = [await aw.as('ana'), await aw.as('ada')];
    const masked = await get<PatternsResponse>(ana, LIST);
    const real = await get<PatternsResponse>(ada, LIST);
    expect(leaked(masked.text)).toEqual([]);
    expect(masked.text).not.toContain(HANDOVER);
    expect(real.text).toContain(HANDOVER);
    const mine = listed(masked.body);
    const theirs = listed(real.body);
    expect(mine.map((t) => t.id)).toEqual(theirs.map((t) => t.id));
    const handover = theirs.find((t) => t.template.startsWith(HANDOVER_TEXT))!;
    const seen = mine.find((t) => t.id === handover.id && t.pipeline === handover.pipeline)!;
    expect(seen.template).toBe(
      `Shift handover signed by operator ${maskValue(PARTIAL, HANDOVER)} for desk <*>`,
    );
    expect(seen.templateHidden).toBeUndefined();
    // More distinct names than are looked up: hidden whole, and said so.
    const login = theirs.find((t) => t.template.startsWith(LOGIN_TEXT))!;
    const hidden = mine.find((t) => t.id === login.id && t.pipeline === login.pipeline)!;
    expect(hidden).toMatchObject({ template: HIDDEN_TEMPLATE, templateHidden: true });
    expect(theirs.every((t) => t.templateHidden === undefined)).toBe(true);
    // Every other template is unchanged, also those whose events carry names that vary (<*>).
    const others = theirs.filter((t) => t.id !== handover.id && t.id !== login.id);
    expect(others.some((t) => t.template === 'Alarm <*> acknowledged by operator <*> after <*> s')).toBe(
      true,
    );
    expect(mine.filter((t) => t.id !== handover.id && t.id !== login.id)).toEqual(others);
  });

  it('changes and detail redact the same way; the admin sees them intact', async () => {
    const [ana, ada] = [await aw.as('ana'), await aw.as('ada')];
    const masked = await get<PatternChangesResponse>(ana, CHANGES);
    const real = await get<PatternChangesResponse>(ada, CHANGES);
    expect(leaked(masked.text)).toEqual([]);
    // A new template's change carries its text as it stood when the change was recorded.
    const newHandover = real.body.changes.find(
      (c) => c.kind === 'new' && c.template.startsWith(HANDOVER_TEXT),
    );
    expect(newHandover?.template).toContain(HANDOVER);
    const seen = masked.body.changes.find((c) => c.id === newHandover!.id && c.kind === 'new')!;
    expect(seen.template).toBe(newHandover!.template.replaceAll(HANDOVER, maskValue(PARTIAL, HANDOVER)!));
    expect(seen.template).toMatch(/^Shift handover signed by operator zo\*\*\* for desk /);
    const login = real.body.changes.find((c) => c.kind === 'new' && c.template.startsWith(LOGIN_TEXT))!;
    expect(masked.body.changes.find((c) => c.id === login.id)).toMatchObject({
      template: HIDDEN_TEMPLATE,
      templateHidden: true,
    });
    expect(masked.body.changes.length).toBe(real.body.changes.length);

    for (const [id, want, hidden] of [
      [
        newHandover!.id,
        `Shift handover signed by operator ${maskValue(PARTIAL, HANDOVER)} for desk <*>`,
        false,
      ],
      [login.id, HIDDEN_TEMPLATE, true],
    ] as const) {
      const path = `/api/patterns/${id}?${RANGE}`;
      const m = await get<PatternDetailResponse>(ana, path);
      expect(leaked(m.text)).toEqual([]);
      expect(m.body.sources.map((s) => [s.template, s.templateHidden ?? false])).toEqual([[want, hidden]]);
      const r = await get<PatternDetailResponse>(ada, path);
      expect(r.body.sources[0]!.template).not.toBe(want);
      expect(r.body.sources[0]!.templateHidden).toBeUndefined();
    }
    expect(
      (await get<PatternDetailResponse>(ada, `/api/patterns/${newHandover!.id}?${RANGE}`)).text,
    ).toContain(HANDOVER);
    // A template without masked values in it reads the same to both.
    const plain = listed((await get<PatternsResponse>(ada, LIST)).body).find(
      (t) => t.template === 'Alarm <*> cleared',
    )!;
    const path = `/api/patterns/${plain.id}?${RANGE}`;
    expect((await get<PatternDetailResponse>(ana, path)).body.sources[0]!.template).toBe('Alarm <*> cleared');
  });

  describe('on ClickHouse', () => {
    let single: ClickHouseServer | undefined;
    let cluster: ClickHouseCluster | undefined;
    const warehouses: { name: string; w: Warehouse }[] = [];

    beforeAll(async () => {
      [single, cluster] = await Promise.all([startClickHouse(), startClickHouseCluster('pattern_masks', 2)]);
      warehouses.push(
        {
          name: 'clickhouse',
          w: await openWarehouse({ type: 'clickhouse', url: single.url, database: 'pattern_masks' }),
        },
        {
          name: 'clickhouse cluster (2 shards)',
          w: await openWarehouse({
            type: 'clickhouse',
            url: cluster.servers[0]!.url,
            database: 'pattern_masks',
            cluster: cluster.name,
            shards: cluster.servers.map((s) => s.url),
          }),
        },
      );
      for (const e of warehouses) {
        expect((await copyWarehouse(aw.w.sim.warehouse, e.w)).ok, e.name).toBe(true);
        await mine(e.w, 700);
      }
    }, 300_000);

    afterAll(async () => {
      for (const e of warehouses) await e.w.close();
      await Promise.all([single?.stop(), cluster?.stop()]);
    });

    it('answers the masked viewer and the admin as DuckDB does', async () => {
      const ids = listed((await get<PatternsResponse>(await aw.as('ada'), LIST)).body).map((t) => t.id);
      const paths = [LIST, CHANGES, ...ids.map((id) => `/api/patterns/${id}?${RANGE}`)];
      const want = new Map<string, string>();
      for (const user of ['ana', 'ada']) {
        const c = await aw.as(user);
        for (const p of paths) want.set(`${user} ${p}`, (await get<unknown>(c, p)).text);
      }
      expect(want.get(`ana ${LIST}`)).toContain(maskValue(PARTIAL, HANDOVER));
      for (const e of warehouses) {
        const app: Hono = createApp({
          config: aw.w.sim.config,
          warehouse: e.w,
          live: await LiveTotals.seed(e.w),
          version: 'test',
          access: aw.access,
        });
        for (const user of ['ana', 'ada']) {
          const c = new Client(app);
          expect((await c.login(user)).status).toBe(200);
          for (const p of paths) {
            const got = JSON.parse((await get<unknown>(c, p)).text);
            expect(got, `${e.name} ${user} ${p}`).toEqual(JSON.parse(want.get(`${user} ${p}`)!));
          }
        }
      }
    }, 300_000);
  });
});
