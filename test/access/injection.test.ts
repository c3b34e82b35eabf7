// SQL-injection fuzz: every query parameter (and path parameter) of every GET route, with seeded
// random strings and a corpus of classic payloads (quotes, comments, stacked statements, unicode,
// NUL, very long values), sent by a signed-in analyst whose role is row-scoped. No answer is a 5xx,
// no data answer holds a row outside the scope, and the DuckDB file is intact afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DeadLettersResponse,
  EventsResponse,
  ReportDetail,
  VolumeResponse,
} from '../../src/api/types.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { ALL_TIME } from '../reports/fixture.ts';
import { type AccessWorld, accessWorld, type Client } from './signed-in-world.ts';

const ALLOWED = new Set(['video', 'console']);
const ALLOWED_PIPELINES = new Set(['video']);
const REPORT = 'event-volume-by-subsystem';

const CORPUS = [
  "' or 1=1 --",
  '" or ""="',
  "'; drop table events; --",
  "video'); delete from events; --",
  "video' union select * from dead_letters --",
  "gateway' or subsystem <> '",
  '1; drop table dead_letters',
  '/* */ or /* */ 1=1',
  '-- comment',
  '%',
  '_',
  '\\',
  "\\' or 1=1 #",
  'video\u0000gateway',
  '\u0000',
  '𝕏ünïcødé ✓ \u202e',
  '{user.site}',
  '$1',
  '?',
  '-1',
  '1e309',
  'NaN',
  "2026-03-02T10:00:00Z' or '1'='1",
  '2026-03-02T10:00:00Z..2026-03-02T10:00:00Z',
  'video,gateway',
  `a${'x'.repeat(20_000)}`,
];

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const ALPHABET = 'abcvideo0123456789\'"`;-/*#%_\\()[]{},.=<>|&!? \t\n\u0000éß漢🙂\u200b';
const random = (next: () => number) => {
  const n = 1 + Math.floor(next() * 40);
  let s = '';
  for (let i = 0; i < n; i++) s += [...ALPHABET][Math.floor(next() * [...ALPHABET].length)];
  return s;
};

/** Parameters any route may read (the union over the API), fuzzed on every route. */
const GENERIC = [
  'from',
  'to',
  'at',
  'limit',
  'offset',
  'bucket',
  'subsystem',
  'pipeline',
  'component',
  'source',
  'state',
  'level',
  'change',
  'q',
  'sort',
  'dir',
];

let aw: AccessWorld;
let analyst: Client;
let before: Record<string, number>;

const counts = async () => {
  const out: Record<string, number> = {};
  const tables = await aw.w.sim.warehouse.query(
    sql`select table_name from information_schema.tables where table_schema = 'main' order by 1`,
  );
  for (const t of tables) {
    const name = String(t.table_name);
    const [r] = await aw.w.sim.warehouse.query(sql`select count(*) as n from ${sql.id(name)}`);
    out[name] = Number(r!.n);
  }
  return out;
};

beforeAll(async () => {
  aw = await accessWorld(
    'mortar-injection-',
    `    field-analyst:
      permissions: [view_cockpit, view_reports, edit_reports, view_raw, export, view_dead_letters]
      scopes: {events: ["subsystem in [video, console]"], dead_letters: ["pipeline = video"]}
`,
    { fay: { roles: ['field-analyst'] } },
  );
  analyst = await aw.as('fay');
  // the report store creates its tables on first use: let it, so "before" has them
  await analyst.json(`/api/reports/${REPORT}/views`);
  before = await counts();
}, 120_000);

afterAll(async () => {
  await aw?.close();
});

/** Checks a data answer holds no row outside the scope; returns what was checked. */
async function inScope(path: string, res: Response): Promise<string | undefined> {
  const p = path.split('?')[0]!;
  if (res.status !== 200) return undefined;
  if (p === '/api/events') {
    const b = (await res.json()) as EventsResponse;
    for (const r of b.rows) expect(ALLOWED, `${path}: row of ${r.subsystem}`).toContain(r.subsystem);
    return 'events';
  }
  if (p === '/api/dead-letters') {
    const b = (await res.json()) as DeadLettersResponse;
    for (const r of b.rows) expect(ALLOWED_PIPELINES, `${path}`).toContain(r.pipeline);
    return 'dead letters';
  }
  if (p === '/api/volume') {
    const b = (await res.json()) as VolumeResponse;
    for (const pt of b.points)
      for (const [k, n] of Object.entries(pt.counts)) if (n > 0) expect(ALLOWED, path).toContain(k);
    return 'volume';
  }
  if (p === `/api/reports/${REPORT}/run`) {
    const b = (await res.json()) as { columns: { name: string }[]; rows: unknown[][] };
    const i = b.columns.findIndex((c) => c.name === 'subsystem');
    for (const r of b.rows) expect(ALLOWED, path).toContain(String(r[i]));
    return 'report';
  }
  if (p === `/api/reports/${REPORT}/filters/subsystem/values`) {
    const b = (await res.json()) as { values: { value: string }[] };
    for (const v of b.values) expect(ALLOWED, path).toContain(v.value);
    return 'filter values';
  }
  if (p === `/api/reports/${REPORT}/export.csv`) {
    const lines = (await res.text()).trim().split('\n');
    const i = lines[0]!.split(',').indexOf('subsystem');
    for (const l of lines.slice(1)) expect(ALLOWED, path).toContain(l.split(',')[i]);
    return 'csv';
  }
  return undefined;
}

describe('SQL-injection fuzz', () => {
  it('no 5xx and no row outside the scope on any parameter of any GET route', async () => {
    const next = rng(20261126);
    const detail = await analyst.json<ReportDetail>(`/api/reports/${REPORT}`);
    const reportParams = detail.filters.map((f) => `f.${f.id}`);
    const routes = [
      ...new Set(
        aw.app.routes
          .filter((r) => r.method === 'GET' && (r.path.startsWith('/api/') || r.path === '/metrics'))
          .map((r) => r.path),
      ),
    ];
    expect(routes.length).toBeGreaterThan(30);
    const failures: string[] = [];
    const checked = new Map<string, number>();
    let requests = 0;
    const concrete = (pattern: string, fuzz?: [string, string]) =>
      pattern.replace(/:([A-Za-z]+)/g, (_, name: string) =>
        fuzz?.[0] === `:${name}`
          ? encodeURIComponent(fuzz[1])
          : ({ id: REPORT, filterId: 'subsystem', name: 'alarm', root: 'x' }[name] ?? 'x'),
      );
    const send = async (pattern: string, fuzz: [string, string]) => {
      const params = new URLSearchParams();
      if (pattern.startsWith('/api/reports/:id')) params.set('f.time', ALL_TIME);
      if (!fuzz[0].startsWith(':')) params.set(fuzz[0], fuzz[1]);
      const path = `${concrete(pattern, fuzz)}?${params}`;
      const res = await analyst.get(path);
      requests++;
      if (res.status >= 500)
        failures.push(`${res.status} ${path.slice(0, 200)}: ${(await res.text()).slice(0, 200)}`);
      else if (pattern === '/api/live') await res.body?.cancel();
      else {
        const what = await inScope(path, res);
        if (what) checked.set(what, (checked.get(what) ?? 0) + 1);
        else await res.body?.cancel().catch(() => undefined);
      }
    };
    for (const pattern of routes) {
      const names = [
        ...GENERIC,
        ...(pattern.startsWith('/api/reports/:id') ? reportParams : []),
        ...[...pattern.matchAll(/:([A-Za-z]+)/g)].map((m) => `:${m[1]}`),
      ];
      for (const name of names) {
        // two corpus payloads (rotating) and one random string per parameter
        for (const value of [
          CORPUS[Math.floor(next() * CORPUS.length)]!,
          CORPUS[Math.floor(next() * CORPUS.length)]!,
          random(next),
        ])
          await send(pattern, [name, value]);
      }
    }
    // the scoped data routes each take the whole corpus on their row-selecting parameters
    for (const [pattern, name] of [
      ['/api/events', 'subsystem'],
      ['/api/events', 'q'],
      ['/api/volume', 'subsystem'],
      ['/api/dead-letters', 'pipeline'],
      [`/api/reports/:id/run`, 'f.subsystem'],
      [`/api/reports/:id/filters/:filterId/values`, 'q'],
      [`/api/reports/:id/export.csv`, 'f.subsystem'],
    ] as const)
      for (const value of CORPUS) await send(pattern, [name, value]);

    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(1000);
    for (const what of ['events', 'dead letters', 'volume', 'report', 'filter values', 'csv'])
      expect(checked.get(what) ?? 0, `${what} answers checked for scope`).toBeGreaterThan(0);
  }, 120_000);

  it('the DuckDB file is intact afterwards: same tables, same row counts', async () => {
    const after = await counts();
    expect(after).toEqual(before);
    expect(before.events).toBeGreaterThan(1000);
    expect(before.dead_letters).toBeGreaterThan(0);
  });

  it('an injected filter value is a plain value: it matches nothing and is named in the 400', async () => {
    const res = await analyst.get(
      `/api/reports/${REPORT}/run?f.time=${encodeURIComponent(ALL_TIME)}&f.subsystem=${encodeURIComponent("video' or 1=1 --")}`,
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      "video' or 1=1 --",
    );
    const ev = await analyst.json<EventsResponse>(
      `/api/events?subsystem=${encodeURIComponent("x' or '1'='1")}`,
    );
    expect(ev.total).toBe(0);
  });
});
