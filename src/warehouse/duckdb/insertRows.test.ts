// The commit path's risks on a real DuckDB file: every character that could break the column
// encoding (separator, JSON, SQL and CSV specials, NUL, unpaired surrogates) in every text field,
// chunked statements inside one transaction, megabyte lines, and a crash before COMMIT.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetter, MortarEvent } from '../../events/event.ts';
import { openWarehouse } from '../open.ts';
import { sql } from '../sql.ts';
import { makeDeadLetter, makeEvent, range } from '../testRows.ts';
import type { Warehouse } from '../warehouse.ts';
import { commitBatch, type RowWriter } from './commitBatch.ts';
import { acquireDatabase } from './database.ts';
import { SEPARATOR } from './encodeColumns.ts';
import { execute } from './execute.ts';
import { DEAD_LETTERS, EVENTS, insertRows } from './insertRows.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const module = (name: string) => new URL(name, import.meta.url).href;
const all = { limit: 10_000, offset: 0 };

/** Text that has broken some encoding somewhere: separators, quotes, escapes, NUL, emoji, BOM. */
const NASTY = [
  SEPARATOR,
  `a${SEPARATOR}b${SEPARATOR}`,
  '\u001f\u001d\u0001',
  '\u0000',
  'nul\u0000in\u0000the middle\u0000',
  'tab\there, newline\nthere, cr\r\nend',
  '"double" \'single\' `back` ""',
  'back\\slash \\n \\t \\u0041 \\ud800 \\\\',
  ',;|\t',
  '["VARCHAR"]',
  '{"a":null}',
  'null',
  ':null',
  'NULL',
  '\\N',
  '',
  ' ',
  'bom \ufeff inside',
  '日本語 😀 e\u0301 👩‍👩‍👧',
  "'; drop table events; --",
];

/** An event whose every text field carries `text` (plus its index, to keep rows apart). */
function nastyEvent(i: number, text: string): MortarEvent {
  const t = `${text}#${i}`;
  return makeEvent(i, {
    id: t,
    subsystem: t,
    component: t,
    source: t,
    kind: t as MortarEvent['kind'],
    type: t,
    severity: t as MortarEvent['severity'],
    keys: { [t]: t, [`k${i}`]: text },
    attrs: { [t]: t, nested: { list: [text, i, null, true, { deep: text }] } },
    message: t,
    raw: t,
    pipeline: t,
    file: t,
  });
}

function nastyDeadLetter(i: number, text: string): DeadLetter {
  const t = `${text}#${i}`;
  return makeDeadLetter(i, { id: t, source: t, pipeline: t, file: t, stage: t, reason: t, raw: t });
}

const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));

describe('duckdb commit path (columns -> INSERT SELECT)', () => {
  let dir: string;
  let w: Warehouse;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mortar-ins-'));
    w = await openWarehouse({ type: 'duckdb', path: join(dir, 'w.duckdb') });
  });
  afterEach(async () => {
    await w.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips hostile text in every field of events and dead letters', async () => {
    // First without the separator (text columns go joined), then with it (they go as JSON).
    const plain = NASTY.filter((t) => !t.includes(SEPARATOR));
    const events = [...plain, ...NASTY].map((t, i) => nastyEvent(i, t));
    const deadLetters = [...plain, ...NASTY].map((t, i) => nastyDeadLetter(i, t));
    const split = plain.length;
    await w.commit({
      events: events.slice(0, split),
      deadLetters: deadLetters.slice(0, split),
      positions: [],
    });
    await w.commit({ events: events.slice(split), deadLetters: deadLetters.slice(split), positions: [] });
    expect(byId((await w.events(all)).rows)).toEqual(byId(events));
    expect(byId((await w.deadLetters(all)).rows)).toEqual(byId(deadLetters));
  });

  it('stores a leading BOM (which @duckdb/node-api drops when it reads a value back)', async () => {
    const events = [
      makeEvent(1, { message: '\ufeffm', raw: `\ufeff${SEPARATOR}`, keys: { '\ufeffk': '\ufeffv' } }),
    ];
    await w.commit({ events, deadLetters: [], positions: [] });
    const lease = await acquireDatabase(join(dir, 'w.duckdb'));
    const c = await lease.db.instance.connect();
    try {
      const rows = await execute(
        c,
        sql`select unicode(message) as m, strlen(message) as ml, unicode(raw) as r, strlen(raw) as rl,
          unicode(map_keys(keys)[1]) as k, unicode(map_values(keys)[1]) as v from events`,
      );
      expect(rows).toEqual([{ m: 0xfeff, ml: 4, r: 0xfeff, rl: 4, k: 0xfeff, v: 0xfeff }]);
    } finally {
      c.closeSync();
      await lease.release();
    }
  });

  it('keeps rows aligned when only some columns fall back to JSON', async () => {
    const events = range(5000).map((i) =>
      makeEvent(i, i % 997 === 0 ? { raw: `r${SEPARATOR}${i}`, message: `m\u0000${i}` } : {}),
    );
    await w.commit({ events, deadLetters: [], positions: [] });
    const stored = (await w.events(all)).rows;
    expect(stored).toHaveLength(5000);
    expect(byId(stored)).toEqual(byId(events));
  });

  it('stores unpaired surrogates as U+FFFD, in text, keys and attrs alike, instead of failing', async () => {
    const e = makeEvent(1, {
      message: 'lone \ud800 high',
      raw: 'lone \udc00 low',
      keys: { alarm_id: 'A\ud800' },
      attrs: { '\udbff': 'x\udfff' },
    });
    await w.commit({ events: [e], deadLetters: [], positions: [] });
    const [stored] = (await w.events(all)).rows;
    expect(stored).toEqual({
      ...e,
      message: 'lone \ufffd high',
      raw: 'lone \ufffd low',
      keys: { alarm_id: 'A\ufffd' },
      attrs: { '\ufffd': 'x\ufffd' },
    });
  });

  it('drops keys without a value, as an absent correlation id', async () => {
    const events = [
      makeEvent(1, { keys: { a: null as unknown as string, b: 'x', c: undefined as unknown as string } }),
      makeEvent(2, { keys: { only: null as unknown as string } }),
      makeEvent(3, { keys: { text: 'x:null' } }),
    ];
    await w.commit({ events, deadLetters: [], positions: [] });
    const keys = byId((await w.events(all)).rows).map((e) => e.keys);
    expect(keys).toEqual([{ b: 'x' }, {}, { text: 'x:null' }]);
  });

  it('stores times far from now, as before (a parsed year 9999 must not stall commits)', async () => {
    const events = [
      makeEvent(1, { ts: Date.UTC(9999, 11, 31) * 1000, receivedAt: Date.UTC(1, 0, 1) * 1000 }),
      makeEvent(2, { ts: 1.4, receivedAt: -0.6 }),
    ];
    const alone = makeEvent(3, { ts: 2 ** 62 });
    await w.commit({ events, deadLetters: [], positions: [] });
    await w.commit({ events: [alone], deadLetters: [], positions: [] });
    expect(byId((await w.events(all)).rows)).toEqual([
      events[0],
      { ...events[1], ts: 1, receivedAt: -1 },
      alone,
    ]);
  });

  it('stores attrs that parse back to the same values', async () => {
    const attrs = {
      big: 1e21,
      tiny: 5e-324,
      max: Number.MAX_VALUE,
      negZero: -0,
      unsafe: 2 ** 64,
      fraction: 0.1 + 0.2,
      text: '\u0000\n"\\',
      list: [[], {}, [null]],
    };
    await w.commit({ events: [makeEvent(1, { attrs })], deadLetters: [], positions: [] });
    expect((await w.events(all)).rows[0]!.attrs).toEqual(JSON.parse(JSON.stringify(attrs)));
  });

  it('stores 1 MB lines, split over several statements of one transaction', async () => {
    const mb = (i: number) =>
      `${String(i).padStart(4, '0')} ${'x'.repeat(1 << 19)}${SEPARATOR}\u0000\n"${'é'.repeat(1 << 18)}`;
    const events = range(24).map((i) => makeEvent(i, { raw: mb(i), message: mb(i).slice(0, 1000) }));
    const deadLetters = range(4).map((i) => makeDeadLetter(i, { raw: mb(i) }));
    const lease = await acquireDatabase(join(dir, 'w.duckdb'));
    try {
      // 3 MB of text per chunk: about three events per INSERT.
      const small = { rows: 1000, chars: 3 << 20 };
      const writer: RowWriter = async (c, ev, dl) => {
        await insertRows(c, EVENTS, ev, small);
        await insertRows(c, DEAD_LETTERS, dl, small);
      };
      const positions = [{ pipeline: 'sensors', fileId: 'f1', path: '/x', offset: 24 << 20 }];
      await lease.db.writes.run(() =>
        commitBatch(lease.db.writer, { events, deadLetters, positions }, writer),
      );
    } finally {
      await lease.release();
    }
    const stored = byId((await w.events({ limit: 100, offset: 0 })).rows);
    expect(stored.length).toBe(24);
    for (const e of stored) {
      const i = Number(e.id.slice(3));
      expect(e.raw.length).toBe(mb(i).length);
      expect(e.raw === mb(i) && e.message === mb(i).slice(0, 1000)).toBe(true);
    }
    const dead = byId((await w.deadLetters(all)).rows);
    expect(dead.map((d) => d.raw === mb(Number(d.id.slice(3))))).toEqual([true, true, true, true]);
    expect((await w.positions())[0]?.offset).toBe(24 << 20);
  });

  it('stores 40 MB of 1 MB lines in one commit with the default chunk limits', async () => {
    const line = (i: number) => `${i} ${'ü'.repeat(1 << 20)}`;
    const events = range(40).map((i) => makeEvent(i, { raw: line(i), message: '' }));
    await w.commit({ events, deadLetters: [], positions: [] });
    const stored = (await w.events({ limit: 100, offset: 0 })).rows;
    expect(stored.map((e) => e.raw === line(Number(e.id.slice(3))))).toEqual(events.map(() => true));
  });

  it('rolls back every chunk already inserted when a later one fails', async () => {
    const events = range(100).map((i) => makeEvent(i, i === 77 ? { offset: 0.5 } : {}));
    const lease = await acquireDatabase(join(dir, 'w.duckdb'));
    try {
      const writer: RowWriter = (c, ev) => insertRows(c, EVENTS, ev, { rows: 10, chars: 1 << 20 });
      const position = { pipeline: 'sensors', fileId: 'f1', path: '/x', offset: 100 };
      const commit = (batch: MortarEvent[]) =>
        lease.db.writes.run(() =>
          commitBatch(lease.db.writer, { events: batch, deadLetters: [], positions: [position] }, writer),
        );
      await expect(commit(events)).rejects.toThrow(/event ev-77 offset: 0.5 is not an integer/);
      expect(await w.counts()).toEqual({ events: 0, deadLetters: 0, bySubsystem: {} });
      expect(await w.positions()).toEqual([]);
      await commit(events.slice(0, 77));
      expect((await w.counts()).events).toBe(77);
    } finally {
      await lease.release();
    }
  });

  it('a crash after the INSERTs and before COMMIT leaves only what was committed before', async () => {
    const path = join(dir, 'crash.duckdb');
    const result = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const p = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          `
          const { openWarehouse } = await import(${JSON.stringify(module('../open.ts'))});
          const { DuckDBInstance } = await import('@duckdb/node-api');
          const { makeEvent, range } = await import(${JSON.stringify(module('../testRows.ts'))});
          const { EVENTS, insertRows } = await import(${JSON.stringify(module('./insertRows.ts'))});
          const w = await openWarehouse({ type: 'duckdb', path: ${JSON.stringify(path)} });
          await w.commit({ events: range(100).map((i) => makeEvent(i)), deadLetters: [], positions: [] });
          await w.close();
          const instance = await DuckDBInstance.create(${JSON.stringify(path)});
          const c = await instance.connect();
          await c.run('BEGIN TRANSACTION');
          await insertRows(c, EVENTS, range(200_000, 100).map((i) => makeEvent(i)));
          const n = (await c.runAndReadAll('select count(*) from events')).getRows()[0][0];
          console.log('inserted ' + n);
          process.kill(process.pid, 'SIGKILL');
        `,
        ],
        { cwd: ROOT },
      );
      let out = '';
      p.stdout.on('data', (d: Buffer) => {
        out += d;
      });
      p.stderr.on('data', (d: Buffer) => {
        out += d;
      });
      p.on('error', reject);
      p.on('exit', (code) => resolve({ code, out }));
    });
    expect(result.code, result.out).toBe(null);
    expect(result.out).toContain('inserted 200100');
    const again = await openWarehouse({ type: 'duckdb', path });
    expect((await again.counts()).events).toBe(100);
    await again.close();
  });
});
