// Conformance: the same behaviour asserted against every engine behind the Warehouse seam, on
// real databases (DESIGN.md convention 8): a DuckDB file, one private ClickHouse server, and a
// two-shard ClickHouse cluster (Distributed tables) of private servers (test/support/clickhouse.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/events/errors.ts';
import type { MortarEvent } from '../../src/events/event.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { makeDeadLetter, makeEvent, range, T0 } from '../../src/warehouse/testRows.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  type ClickHouseCluster,
  type ClickHouseServer,
  startClickHouse,
  startClickHouseCluster,
} from '../support/clickhouse.ts';

interface DialectUnderTest {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Opens (or reopens) the store that belongs to `dir`. */
  open(dir: string): Promise<Warehouse>;
  /** DDL for a scratch table `(k String/VARCHAR, n Int64/BIGINT)`, for execute(). */
  scratchTable(name: string): ReturnType<typeof sql>;
  /** Reads of one commit's rows are all-or-nothing (false across shards of a cluster). */
  atomicReads: boolean;
}

/** One ClickHouse database per test dir, so tests never see each other's rows. */
const databaseOf = (dir: string) => `t_${basename(dir).replace(/[^A-Za-z0-9]/g, '_')}`;
const chScratch = (name: string) =>
  sql`create table ${sql.id(name)} (k String, n Int64) engine = MergeTree order by k`;

let single: ClickHouseServer | undefined;
let cluster: ClickHouseCluster | undefined;

const DIALECTS: DialectUnderTest[] = [
  {
    name: 'duckdb',
    start: async () => {},
    stop: async () => {},
    open: (dir) => openWarehouse({ type: 'duckdb', path: join(dir, 'nested', 'mortar.duckdb') }),
    scratchTable: (name) => sql`create table ${sql.id(name)} (k VARCHAR, n BIGINT)`,
    atomicReads: true,
  },
  {
    name: 'clickhouse',
    start: async () => {
      single = await startClickHouse();
      console.log(`clickhouse server ready in ${single.startupMs} ms`);
    },
    stop: async () => single?.stop(),
    open: (dir) => openWarehouse({ type: 'clickhouse', url: single!.url, database: databaseOf(dir) }),
    scratchTable: chScratch,
    atomicReads: true,
  },
  {
    name: 'clickhouse cluster (2 shards)',
    start: async () => {
      cluster = await startClickHouseCluster('mortar_test', 2);
      console.log(`clickhouse cluster ready in ${cluster.servers.map((s) => s.startupMs).join(' / ')} ms`);
    },
    stop: async () => cluster?.stop(),
    open: (dir) =>
      openWarehouse({
        type: 'clickhouse',
        url: cluster!.servers[0]!.url,
        database: databaseOf(dir),
        cluster: cluster!.name,
        shards: cluster!.servers.map((s) => s.url),
      }),
    scratchTable: chScratch,
    atomicReads: false,
  },
];

const EVIL = "'; drop table events; --";
const all = { limit: 10_000, offset: 0 };

for (const dialect of DIALECTS) {
  describe(`warehouse (${dialect.name})`, () => {
    beforeAll(() => dialect.start());
    afterAll(() => dialect.stop());
    let dir: string;
    let w: Warehouse;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mortar-wh-'));
      w = await dialect.open(dir);
    });
    afterEach(async () => {
      await w.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('round-trips every field type', async () => {
      const rich = makeEvent(1, {
        id: 'rich',
        ts: 1_700_000_000_123_457,
        receivedAt: 1_700_000_001_000_001,
        subsystem: 'gateway',
        component: 'gw-β',
        keys: { alarm_id: 'A-17', alarm_ref: 'évt 42', 'key with space': '' },
        attrs: {
          nested: { list: [1, 'two', null, true, { deep: 1.5 }] },
          empty: {},
          text: '日本語 😀',
          zero: 0,
        },
        message: 'Tür geöffnet 🚪 — "quoted" \\ back\\slash\ttab\nnewline',
        raw: '\u0000nul and e\u0301 combining',
        file: '/var/log/ünïcode path/x.log',
        offset: 2 ** 40,
      });
      const early = makeEvent(2, { id: 'early', ts: -1, receivedAt: 0, keys: {}, attrs: {} });
      await w.commit({ events: [rich, early], deadLetters: [makeDeadLetter(1)], positions: [] });
      const page = await w.events(all);
      expect(page.total).toBe(2);
      expect(page.rows).toEqual([rich, early]);
      expect((await w.deadLetters(all)).rows).toEqual([makeDeadLetter(1)]);
    });

    it('stores rows and positions in one transaction: a failing row leaves nothing', async () => {
      const good = range(5000).map((i) => makeEvent(i));
      const position = { pipeline: 'sensors', fileId: 'f1', path: '/var/log/sensors.log', offset: 500_000 };
      const broken: MortarEvent[][] = [
        good.map((e, i) => (i === 4321 ? { ...e, ts: Number.NaN } : e)),
        good.map((e, i) => (i === 4999 ? { ...e, subsystem: null as unknown as string } : e)),
        good.map((e, i) => (i === 10 ? { ...e, offset: 1.5 } : e)),
      ];
      for (const events of broken) {
        await expect(
          w.commit({ events, deadLetters: [makeDeadLetter(1)], positions: [position] }),
        ).rejects.toThrow();
        expect(await w.counts()).toEqual({ events: 0, deadLetters: 0, bySubsystem: {} });
        expect(await w.positions()).toEqual([]);
      }
      const badPosition = { ...position, offset: Number.NaN };
      await expect(w.commit({ events: good, deadLetters: [], positions: [badPosition] })).rejects.toThrow();
      expect((await w.counts()).events).toBe(0);

      // The store is usable afterwards and nothing of the failed batches leaks into the next commit.
      await w.commit({ events: good.slice(0, 3), deadLetters: [], positions: [position] });
      expect((await w.counts()).events).toBe(3);
      expect(await w.positions()).toEqual([position]);
    });

    it('upserts positions per (pipeline, file id); the last one in a batch wins', async () => {
      const p = (pipeline: string, fileId: string, path: string, offset: number) => ({
        pipeline,
        fileId,
        path,
        offset,
      });
      await w.commit({
        events: [],
        deadLetters: [],
        positions: [p('a', 'f1', '/x.log', 10), p('b', 'f1', '/y.log', 5)],
      });
      await w.commit({
        events: [makeEvent(1)],
        deadLetters: [],
        positions: [p('a', 'f1', '/x.log.1', 20), p('a', 'f2', '/x.log', 0), p('a', 'f1', '/x.log.1', 30)],
      });
      await w.commit({ events: [], deadLetters: [], positions: [p('a', 'f1', '/x.log.1', 40)] });
      expect(await w.positions('a')).toEqual([p('a', 'f2', '/x.log', 0), p('a', 'f1', '/x.log.1', 40)]);
      expect(await w.positions('b')).toEqual([p('b', 'f1', '/y.log', 5)]);
      expect(await w.positions()).toHaveLength(3);
      expect(await w.positions(EVIL)).toEqual([]);
    });

    it('keeps everything across close and reopen; migrating again is a no-op', async () => {
      const events = range(100).map((i) => makeEvent(i));
      const position = { pipeline: 'sensors', fileId: 'f1', path: '/var/log/sensors.log', offset: 9_900 };
      await w.commit({ events, deadLetters: [makeDeadLetter(1)], positions: [position] });
      await w.close();
      w = await dialect.open(dir);
      await w.migrate();
      expect((await w.events(all)).rows).toEqual([...events].reverse());
      expect(await w.positions()).toEqual([position]);
      expect((await w.deadLetters(all)).total).toBe(1);
    });

    it('filters events by time, subsystem and text, newest first, with paging', async () => {
      const events = range(30).map((i) =>
        makeEvent(i, {
          message: i === 7 ? 'Door FORCED open at Tür Ü' : `line ${i}`,
          raw: i === 12 ? 'src=10.0.0.1 state=forced 100%_done' : `raw ${i}`,
        }),
      );
      await w.commit({ events, deadLetters: [], positions: [] });
      const ids = (rows: MortarEvent[]) => rows.map((e) => e.id);

      const page = await w.events({ limit: 5, offset: 5 });
      expect(page.total).toBe(30);
      expect(ids(page.rows)).toEqual(
        range(5, 20)
          .reverse()
          .map((i) => `ev-${i}`),
      );

      const window = await w.events({ fromUs: events[10]!.ts, toUs: events[20]!.ts, ...all });
      expect(ids(window.rows)).toEqual(
        range(10, 10)
          .reverse()
          .map((i) => `ev-${i}`),
      );

      const gw = await w.events({ subsystems: ['gateway', 'nope'], fromUs: events[10]!.ts, ...all });
      expect(gw.rows.every((e) => e.subsystem === 'gateway' && e.ts >= events[10]!.ts)).toBe(true);
      expect(gw.total).toBe(7);
      expect((await w.events({ subsystems: [], ...all })).total).toBe(0);

      expect(ids((await w.events({ text: 'forced', ...all })).rows)).toEqual(['ev-12', 'ev-7']);
      expect(ids((await w.events({ text: 'tür ü', ...all })).rows)).toEqual(['ev-7']);
      expect(ids((await w.events({ text: '100%_', ...all })).rows)).toEqual(['ev-12']);
      expect((await w.events({ text: '%', subsystems: ['gateway'], ...all })).total).toBe(0);
      expect((await w.events({ text: EVIL, ...all })).total).toBe(0);
    });

    it('counts volume per epoch-aligned bucket and subsystem', async () => {
      const base = Math.floor(T0 / 60_000_000) * 60_000_000;
      const at = (s: number, subsystem: string, i: number) =>
        makeEvent(i, { ts: base + s * 1_000_000, subsystem });
      await w.commit({
        events: [
          at(0, 'a', 1),
          at(59.999999, 'a', 2),
          at(60, 'a', 3),
          at(61, 'b', 4),
          at(125, 'a', 5),
          at(180, 'a', 6),
        ],
        deadLetters: [],
        positions: [],
      });
      const q = { fromUs: base, toUs: base + 180_000_000, bucketSeconds: 60 };
      expect(await w.volume(q)).toEqual([
        { t: base, subsystem: 'a', count: 2 },
        { t: base + 60_000_000, subsystem: 'a', count: 1 },
        { t: base + 60_000_000, subsystem: 'b', count: 1 },
        { t: base + 120_000_000, subsystem: 'a', count: 1 },
      ]);
      expect(await w.volume({ ...q, subsystems: ['b'] })).toEqual([
        { t: base + 60_000_000, subsystem: 'b', count: 1 },
      ]);
      expect(await w.volume({ ...q, bucketSeconds: 3600 })).toEqual([
        { t: Math.floor(base / 3_600_000_000) * 3_600_000_000, subsystem: 'a', count: 4 },
        { t: Math.floor(base / 3_600_000_000) * 3_600_000_000, subsystem: 'b', count: 1 },
      ]);
    });

    it('stores a SQL-looking value as data, everywhere', async () => {
      const evil = makeEvent(1, {
        id: EVIL,
        subsystem: EVIL,
        message: EVIL,
        raw: EVIL,
        keys: { [EVIL]: EVIL },
      });
      await w.commit({
        events: [evil],
        deadLetters: [makeDeadLetter(1, { reason: EVIL, pipeline: EVIL })],
        positions: [{ pipeline: EVIL, fileId: EVIL, path: EVIL, offset: 1 }],
      });
      expect((await w.events({ text: EVIL, subsystems: [EVIL], ...all })).rows).toEqual([evil]);
      expect((await w.deadLetters({ pipeline: EVIL, ...all })).rows[0]?.reason).toBe(EVIL);
      expect(await w.positions(EVIL)).toEqual([{ pipeline: EVIL, fileId: EVIL, path: EVIL, offset: 1 }]);
      expect(await w.counts()).toEqual({ events: 1, deadLetters: 1, bySubsystem: { [EVIL]: 1 } });
    });

    it('serialises concurrent commits and answers reads while they run', async () => {
      const commits = range(8).map((b) =>
        w.commit({
          events: range(2000, b * 2000).map((i) => makeEvent(i)),
          deadLetters: [makeDeadLetter(b)],
          positions: [{ pipeline: 'sensors', fileId: 'f1', path: '/x', offset: (b + 1) * 2000 }],
        }),
      );
      const reads = range(8).map(() => w.counts());
      await Promise.all(commits);
      if (dialect.atomicReads) for (const c of await Promise.all(reads)) expect(c.events % 2000).toBe(0);
      const counts = await w.counts();
      expect(counts.events).toBe(16_000);
      expect(counts.deadLetters).toBe(8);
      expect(Object.values(counts.bySubsystem).reduce((a, b) => a + b, 0)).toBe(16_000);
    });

    it('pages dead letters newest first, optionally per pipeline', async () => {
      const dls = range(10).map((i) => makeDeadLetter(i, { pipeline: i % 2 ? 'odd' : 'even' }));
      await w.commit({ events: [], deadLetters: dls, positions: [] });
      const odd = await w.deadLetters({ limit: 2, offset: 1, pipeline: 'odd' });
      expect(odd.total).toBe(5);
      expect(odd.rows.map((d) => d.id)).toEqual(['dl-7', 'dl-5']);
      expect((await w.deadLetters({ limit: 0, offset: 0 })).total).toBe(10);
    });

    it('rejects malformed queries as user errors', async () => {
      const bad = [
        () => w.events({ limit: -1, offset: 0 }),
        () => w.events({ limit: 10, offset: 0.5 }),
        () => w.events({ limit: 1e9, offset: 0 }),
        () => w.events({ fromUs: Number.NaN, ...all }),
        () => w.volume({ fromUs: 0, toUs: 1, bucketSeconds: 0 }),
        () => w.deadLetters({ limit: 1, offset: -3 }),
      ];
      for (const call of bad) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isUserError(error) && error.code === 'bad_request').toBe(true);
      }
    });

    it('ignores a replayed batch: same ids are stored once, positions still move', async () => {
      const pos = (offset: number) => ({
        pipeline: 'sensors',
        fileId: 'f1',
        path: '/var/log/sensors.log',
        offset,
      });
      const first = range(50).map((i) => makeEvent(i));
      await w.commit({ events: first, deadLetters: [makeDeadLetter(1)], positions: [pos(5000)] });
      // A crash before the positions were stored: the source re-reads from an older offset and
      // produces the same ids again, some new lines after them, and one id twice in the batch.
      const replay = [
        ...range(30, 20).map((i) => makeEvent(i, { receivedAt: T0 })),
        makeEvent(60),
        makeEvent(60),
      ];
      await w.commit({
        events: replay,
        deadLetters: [makeDeadLetter(1), makeDeadLetter(2)],
        positions: [pos(6100)],
      });
      const counts = await w.counts();
      if (dialect.name === 'duckdb') {
        // DuckDB relies on positions committed in the same transaction: a replay cannot happen,
        // and a batch that repeats ids anyway is stored as given.
        expect(counts.events).toBe(50 + 32);
      } else {
        expect(counts.events).toBe(51);
        expect(counts.deadLetters).toBe(2);
        const page = await w.events({ ids: ['ev-25'], ...all });
        expect(page.rows).toEqual([makeEvent(25)]);
      }
      expect(await w.positions()).toEqual([pos(6100)]);
    });

    it('answers the dialect hooks the same way', async () => {
      const d = w.sqlDialect;
      const nasty = 'k\'"\\ \u0000 ü 😀 "alarm_id":';
      const events = [
        makeEvent(1, {
          keys: { alarm_id: 'A-1', [nasty]: nasty, 'x"alarm_ref': 'not me', alarm_ref: 'R-1' },
          attrs: {
            n: 5,
            s: 'text "q"',
            b: true,
            z: null,
            deep: { n: 'nested', alarm: 1 },
            list: [1, 'n'],
            é: 'ü',
          },
          message: 'Tür OFFEN',
        }),
        makeEvent(2, { keys: {}, attrs: { n: 7.25 }, message: 'closed' }),
        makeEvent(3, { keys: { alarm_id: 'A-3' }, attrs: { deep: { n: 1 } }, message: 'x' }),
      ];
      await w.commit({ events, deadLetters: [], positions: [] });
      const id = sql.id;
      const rows = await w.query(
        sql`select ${id('id')} as id, ${d.mapValue(id('keys'), 'alarm_id')} as alarm, ${d.mapValue(id('keys'), 'alarm_ref')} as ref,
          ${d.mapValue(id('keys'), nasty)} as nasty, ${d.mapValue(id('keys'), 'missing')} as missing,
          ${d.jsonText(id('attrs'), 'n')} as n, ${d.jsonText(id('attrs'), 's')} as s, ${d.jsonText(id('attrs'), 'b')} as b,
          ${d.jsonText(id('attrs'), 'z')} as z, ${d.jsonText(id('attrs'), 'é')} as e, ${d.jsonText(id('attrs'), 'alarm')} as alarm_attr,
          (case when ${d.containsIgnoreCase(id('message'), 'tür o')} then 1 else 0 end) as hit,
          ${d.epochUs(id('ts'))} as us, ${d.bucketStartUs(id('ts'), 60_000_000)} as bucket
        from ${id('events')} order by ${id('id')}`,
      );
      expect(
        rows.map((r) => [
          r.id,
          r.alarm,
          r.ref,
          r.nasty,
          r.missing,
          r.n,
          r.s,
          r.b,
          r.z,
          r.e,
          r.alarm_attr,
          Number(r.hit),
        ]),
      ).toEqual([
        ['ev-1', 'A-1', 'R-1', nasty, null, '5', 'text "q"', 'true', null, 'ü', null, 1],
        ['ev-2', null, null, null, null, '7.25', null, null, null, null, null, 0],
        ['ev-3', 'A-3', null, null, null, null, null, null, null, null, null, 0],
      ]);
      for (const [i, r] of rows.entries()) {
        expect(r.us).toBe(events[i]!.ts);
        expect(r.bucket).toBe(Math.floor(events[i]!.ts / 60_000_000) * 60_000_000);
      }
      const [agg] = await w.query(
        sql`select ${d.quantile(sql`x`, 0.5)} as median, ${d.argMin(sql`y`, sql`x`)} as first_y,
          min(${d.leastOf([sql`a`, sql`b`, sql`c`])}) as least_all, max(${d.leastOf([sql`a`, sql`b`])}) as least_ab
        from (select ${d.epochUs(id('ts'))} - ${events[0]!.ts} as x, ${id('id')} as y,
          (case when ${id('id')} = 'ev-2' then 3 else null end) as a, (case when ${id('id')} = 'ev-1' then 7 else null end) as b,
          (case when ${id('id')} = 'ev-3' then 1 else null end) as c from ${id('events')}) as v`,
      );
      expect(agg).toEqual({
        median: events[1]!.ts - events[0]!.ts,
        first_y: 'ev-1',
        least_all: 1,
        least_ab: 7,
      });
    });

    it('runs statements with execute and reads them back with query', async () => {
      const name = 'scratch';
      await w.execute([
        dialect.scratchTable(name),
        sql`insert into ${sql.id(name)} (k, n) values (${EVIL}, ${-5}), (${'ü😀\u0000'}, ${2 ** 40})`,
      ]);
      const rows = await w.query(
        sql`select k, n from ${sql.id(name)} where n < ${0} or k = ${'ü😀\u0000'} order by n`,
      );
      expect(rows).toEqual([
        { k: EVIL, n: -5 },
        { k: 'ü😀\u0000', n: 2 ** 40 },
      ]);
      await expect(w.query(sql`select no_such_column from ${sql.id(name)}`)).rejects.toThrow();
    });

    it('deletes the dead letters a batch resolves before storing its rows', async () => {
      await w.commit({ events: [], deadLetters: range(4).map((i) => makeDeadLetter(i)), positions: [] });
      await w.commit({
        events: [makeEvent(1)],
        deadLetters: [makeDeadLetter(2, { reason: 'still failing' })],
        positions: [],
        resolvesDeadLetters: ['dl-1', 'dl-2', 'dl-unknown'],
      });
      const page = await w.deadLetters(all);
      expect(page.rows.map((d) => [d.id, d.reason]).sort()).toEqual([
        ['dl-0', makeDeadLetter(0).reason],
        ['dl-2', 'still failing'],
        ['dl-3', makeDeadLetter(3).reason],
      ]);
      expect((await w.counts()).events).toBe(1);
    });

    it('refuses work after close', async () => {
      const other = await dialect.open(dir);
      await other.close();
      await other.close();
      await expect(other.counts()).rejects.toThrow(/closed/);
      await expect(other.commit({ events: [], deadLetters: [], positions: [] })).rejects.toThrow(/closed/);
      expect((await w.counts()).events).toBe(0);
    });
  });
}
