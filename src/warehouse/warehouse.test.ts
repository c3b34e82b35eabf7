// Conformance: the same behaviour asserted against every engine behind the Warehouse seam, on
// real databases in a temp dir (DESIGN.md convention 8). ClickHouse joins the list when it lands.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUserError } from '../events/errors.ts';
import type { MortarEvent } from '../events/event.ts';
import { openWarehouse } from './open.ts';
import { makeDeadLetter, makeEvent, range, T0 } from './testRows.ts';
import type { Warehouse } from './warehouse.ts';

const DIALECTS: { name: string; open: (dir: string) => Promise<Warehouse> }[] = [
  {
    name: 'duckdb',
    open: (dir) => openWarehouse({ type: 'duckdb', path: join(dir, 'nested', 'mortar.duckdb') }),
  },
];

const EVIL = "'; drop table events; --";
const all = { limit: 10_000, offset: 0 };

for (const dialect of DIALECTS) {
  describe(`warehouse (${dialect.name})`, () => {
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
      for (const c of await Promise.all(reads)) expect(c.events % 2000).toBe(0);
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
