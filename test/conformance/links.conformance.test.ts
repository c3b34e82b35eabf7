// Link inference gives the same candidates on every engine: a short demo world ingested by the
// real demo pipelines into a real DuckDB file, copied into a private ClickHouse server and a
// two-shard ClickHouse cluster. Each engine infers links over the same window (DuckDB in SQL,
// ClickHouse by unpivoting pages in TypeScript and aggregating on the server); the candidates,
// explained pairs, their evidence and examples, and the Links page's API answers are compared
// exactly. Decisions (accept, dismiss) are stored on every engine and survive the next run; a run
// over a narrower window replaces the candidates (ClickHouse: new versions, then tombstones).
// Crafted events cover what the demo does not: awkward text in ids, ids nested in attrs, ids
// written as JSON numbers (never ids), and one value first seen in two event types at one instant.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkDecisionResponse, LinksResponse } from '../../src/api/types.ts';
import type { AttrValue, MortarEvent } from '../../src/events/event.ts';
import { acceptedLinks } from '../../src/process/links/link-decisions.ts';
import {
  ensureLinkTables,
  type LinkRunResult,
  processLinks,
} from '../../src/process/links/link-processor.ts';
import { startLinkRunner } from '../../src/process/links/link-runner.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  type EngineApp,
  type EngineWorld,
  engineApps,
  expectSameAnswers,
  simulatedEngines,
} from '../support/engine-world.ts';

const START_US = Date.parse('2026-03-02T10:00:00Z') * 1000;
const WINDOW = { fromUs: START_US - 3600e6, toUs: START_US + 2 * 3600e6 };
const clock = () => START_US + 3 * 3600e6;

let world: EngineWorld;
let all: { name: string; w: Warehouse }[] = [];
let apps: EngineApp[] = [];

beforeAll(async () => {
  world = await simulatedEngines(
    {
      seed: 21,
      durationMs: 12 * 60_000,
      ratePerSecond: 1,
      start: new Date(START_US / 1000),
      scenarios: 'failover:subsystem=alarm-server,clock-skew,corrupt',
    },
    'links',
  );
  all = [{ name: 'duckdb', w: world.sim.warehouse }, ...world.engines];
  await ensureLinkTables(world.sim.warehouse);
  apps = await engineApps(world);
}, 180_000);

afterAll(async () => {
  await world?.close();
});

const withoutMs = (r: LinkRunResult) => ({ edges: r.edges, explained: r.explained });
/** What a decision's answer holds apart from its moment (which differs per engine by a few ms). */
const timeless = (x: unknown) =>
  JSON.parse(JSON.stringify(x), (k, v) => (k === 'decidedAt' || k === 'decidedUs' ? undefined : v));

async function post(app: EngineApp, path: string, body?: unknown): Promise<LinkDecisionResponse> {
  const res = await app.app.request(path, {
    method: 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  expect(res.status, `${app.name} ${path}`).toBe(200);
  return (await res.json()) as LinkDecisionResponse;
}

describe('links on ClickHouse', () => {
  it('infers the same candidates, evidence and examples as DuckDB', async () => {
    const want = withoutMs(await processLinks(world.sim.warehouse, { ...WINDOW, clock }));
    // Not vacuous: the demo's bridges, each with keys, examples and delays, and pairs explained away.
    expect(want.edges.length).toBeGreaterThanOrEqual(3);
    expect(want.explained.length).toBeGreaterThan(0);
    for (const e of want.edges) expect(e.keys[0]!.examples.length).toBeGreaterThan(0);
    for (const e of world.engines) {
      const r = await processLinks(e.w, { ...WINDOW, clock });
      expect(withoutMs(r), e.name).toEqual(want);
    }
  }, 120_000);

  it('serves the same Links page from every engine', async () => {
    await expectSameAnswers(apps, ['/api/links']);
  }, 60_000);

  it('stores decisions on every engine, kept across runs', async () => {
    const links = (await apps[0]!.get('/api/links')) as LinksResponse;
    const [accept, dismiss] = links.candidates;
    expect(dismiss).toBeDefined();
    const key = accept!.keys[accept!.keys.length - 1]!;
    const answers = [];
    for (const a of apps) {
      answers.push(
        timeless(
          await post(a, `/api/links/${accept!.id}/accept`, {
            key: { fromField: key.fromField, toField: key.toField },
          }),
        ),
      );
      await post(a, `/api/links/${dismiss!.id}/dismiss`);
      // Changing one's mind: the newest decision counts.
      await post(a, `/api/links/${dismiss!.id}/accept`);
      await post(a, `/api/links/${dismiss!.id}/dismiss`);
    }
    for (const x of answers.slice(1)) expect(x).toEqual(answers[0]);
    expect(answers[0].candidate.status).toBe('accepted');
    const pages = async () =>
      Promise.all(apps.map(async (a) => timeless(await a.get('/api/links')) as LinksResponse));
    const before = await pages();
    for (const p of before.slice(1)) expect(p).toEqual(before[0]);
    expect(before[0]!.candidates.find((c) => c.id === dismiss!.id)?.status).toBe('dismissed');
    const accepted = await Promise.all(all.map(async (e) => timeless(await acceptedLinks(e.w))));
    for (const x of accepted.slice(1)) expect(x).toEqual(accepted[0]);
    expect(accepted[0]).toHaveLength(1);
    // A new run keeps the decisions.
    for (const e of all) await processLinks(e.w, { ...WINDOW, clock });
    expect(await pages()).toEqual(before);
  }, 120_000);

  it('a run over a narrower window replaces the candidates on every engine', async () => {
    // Ten minutes before the world starts: no shared values, so every candidate goes; the
    // decided links still show (without fresh evidence).
    const empty = { fromUs: START_US - 600e6, toUs: START_US };
    const results = await Promise.all(all.map((e) => processLinks(e.w, { ...empty, clock })));
    for (const r of results) expect(withoutMs(r)).toEqual({ edges: [], explained: [] });
    const pages = await Promise.all(
      apps.map(async (a) => timeless(await a.get('/api/links')) as LinksResponse),
    );
    for (const p of pages.slice(1)) expect(p).toEqual(pages[0]);
    expect(pages[0]!.explained).toEqual([]);
    expect(pages[0]!.candidates.map((c) => [c.status, c.keys.length]).sort()).toEqual([
      ['accepted', 0],
      ['dismissed', 0],
    ]);
  }, 120_000);

  it('runs live through the link runner, behind a gate', async () => {
    const e = world.engines[1]!;
    let open = false;
    const r = startLinkRunner(e.w, {
      intervalMs: 3_600_000,
      firstRunMs: 3_600_000,
      windowUs: 3 * 3600e6,
      gate: async () => open,
    });
    try {
      await r.runOnce();
      expect(r.stats().runs).toBe(0);
      open = true;
      await r.runOnce();
      expect(r.stats().failures, r.stats().lastError).toBe(0);
      expect(r.stats().runs).toBe(1);
      expect(r.stats().candidates).toBeGreaterThanOrEqual(3);
    } finally {
      await r.stop();
    }
  }, 60_000);
});

describe('links on crafted values', () => {
  it('gives the same candidates for awkward texts, nested ids, numbers and ties on every engine', async () => {
    const T0 = START_US + 86_400e6;
    let seq = 0;
    const event = (
      subsystem: string,
      type: string,
      ts: number,
      attrs: Record<string, AttrValue>,
      keys: Record<string, string> = {},
    ): MortarEvent => ({
      id: `c-${++seq}`,
      ts,
      receivedAt: T0,
      subsystem,
      component: `${subsystem}-1`,
      source: 'file',
      kind: 'log',
      type,
      severity: 'info',
      keys,
      attrs,
      message: `${type} ${seq}`,
      raw: '',
      pipeline: subsystem,
      file: `/var/log/${subsystem}.log`,
      offset: seq,
    });
    // Ids with quotes, backslashes, a pipe, the record separator, non-ASCII letters and an emoji.
    const awkward = (i: number) =>
      [`o'k-${i}`, `b\\s-${i}`, `t|b-${i}`, `r\u001es-${i}`, `Zoë-${i}`, `😀-${i}`, `AB-${i}`][i % 7]!;
    const events: MortarEvent[] = [];
    for (let i = 0; i < 140; i++) {
      const t = T0 + i * 5e6;
      events.push(
        // The badge reader logs each card twice at the same instant, in two event types.
        event('badge', i % 2 ? 'badge.read' : 'badge.seen', t, { card: { tx: awkward(i) }, n: 1000 + i }),
        event('badge', i % 2 ? 'badge.seen' : 'badge.read', t, { card: { tx: awkward(i) }, n: 1000 + i }),
        event('access', 'access.granted', t + 30_000 + (i % 5) * 7_000, { n: 1000 + i }, { tx: awkward(i) }),
        event('door', 'door.opened', t + 900_000, { via: awkward(i), count: String(i % 3) }),
      );
    }
    const dir = mkdtempSync(join(tmpdir(), 'mortar-links-crafted-'));
    const opened: Warehouse[] = [];
    try {
      opened.push(await openWarehouse({ type: 'duckdb', path: join(dir, 'w.duckdb') }));
      opened.push(await openWarehouse({ type: 'clickhouse', url: world.single.url, database: 'crafted' }));
      opened.push(
        await openWarehouse({
          type: 'clickhouse',
          url: world.cluster.servers[0]!.url,
          database: 'crafted',
          cluster: world.cluster.name,
          shards: world.cluster.servers.map((x) => x.url),
        }),
      );
      const results = [];
      for (const w of opened) {
        await w.commit({ events, deadLetters: [], positions: [] });
        await ensureLinkTables(w);
        results.push(withoutMs(await processLinks(w, { fromUs: T0, toUs: T0 + 3600e6, clock })));
      }
      const want = results[0]!;
      expect(want.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(['access>door', 'badge>access']);
      expect(want.explained.map((x) => x.reason)).toEqual([
        'access sees these ids in between: badge → access → door',
      ]);
      const key = want.edges.find((e) => e.from === 'badge')!.keys[0]!;
      // The tie at one instant goes to the smaller type name on every engine.
      expect([key.fromField, key.toField, key.fromType, key.shared]).toEqual([
        'attrs.card.tx',
        'keys.tx',
        'badge.read',
        140,
      ]);
      expect(results[1], 'clickhouse').toEqual(want);
      expect(results[2], 'clickhouse cluster (2 shards)').toEqual(want);
    } finally {
      for (const w of opened) await w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
