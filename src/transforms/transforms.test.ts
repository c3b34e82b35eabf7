// Verbs on parsed fields: conditions, filter (keep/drop -> FILTERED), enrich, and keys derived
// with a pattern through the map step.
import { describe, expect, it } from 'vitest';
import { FILTERED } from '../parsers/parser.ts';
import { compileCondition } from './condition.ts';
import { buildEnrich } from './enrich.ts';
import { buildFilter } from './filter.ts';
import { buildMap } from './map.ts';

describe('conditions', () => {
  const f = { level: 'WARN', took: '250', host: 'gw-a', nested: { site: 'north' } };
  const cases: [unknown, boolean][] = [
    [{ field: 'level', equals: 'WARN' }, true],
    [{ field: 'level', in: ['ERROR', 'FATAL'] }, false],
    [{ field: 'took', gt: 200, lte: 250 }, true],
    [{ field: 'took', lt: 100 }, false],
    [{ field: 'host', matches: '^gw-' }, true],
    [{ field: 'nested.site', equals: 'north' }, true],
    [{ field: 'missing', exists: false }, true],
    [{ field: 'missing' }, true],
    [{ field: 'missing', equals: 'x' }, false],
    [{ all: [{ field: 'level', equals: 'WARN' }, { not: { field: 'host', equals: 'gw-b' } }] }, true],
    [
      {
        any: [
          { field: 'level', equals: 'INFO' },
          { field: 'took', gte: 1000 },
        ],
      },
      false,
    ],
  ];
  for (const [c, want] of cases)
    it(JSON.stringify(c), () => expect(compileCondition(c as never)(f)).toBe(want));

  it('reports a bad regex with its path', () => {
    expect(() => compileCondition({ any: [{ field: 'x', matches: '(' }] })).toThrow(
      /invalid regular expression/,
    );
  });
});

describe('filter and enrich', () => {
  it('keep/drop turn into FILTERED, never into a reason', () => {
    const keep = buildFilter({ type: 'filter', keep: { field: 'level', in: ['WARN', 'ERROR'] } });
    expect(keep({ level: 'WARN' })).toBeUndefined();
    expect(keep({ level: 'DEBUG' })).toBe(FILTERED);
    const drop = buildFilter({ type: 'filter', drop: { field: 'path', matches: '^/health' } });
    expect(drop({ path: '/health/live' })).toBe(FILTERED);
    expect(drop({ path: '/api' })).toBeUndefined();
    expect(() => buildFilter({ type: 'filter' })).toThrow(/exactly one of keep or drop/);
  });

  it('enrich adds the table row (or the default), without overwriting unless asked', () => {
    const e = buildEnrich({
      type: 'enrich',
      field: 'host',
      table: { 'gw-a': { site: 'north', rack: 3 } },
      default: { site: 'unknown' },
      overwrite: false,
    });
    const a: Record<string, unknown> = { host: 'gw-a', rack: 'given' };
    e(a as never);
    expect(a).toEqual({ host: 'gw-a', site: 'north', rack: 'given' });
    const b: Record<string, unknown> = { host: 'gw-z' };
    e(b as never);
    expect(b).toEqual({ host: 'gw-z', site: 'unknown' });
  });

  it('map derives a key from free text with a pattern', () => {
    const m = buildMap({ keys: { alarm_id: { from: 'msg', pattern: 'alarm (A-\\d+)' } } }, 'console');
    expect(m({ msg: 'Displayed alarm A-000017 to jdoe' }, 'raw', 0)).toMatchObject({
      keys: { alarm_id: 'A-000017' },
    });
    expect(m({ msg: 'heartbeat' }, 'raw', 0)).toMatchObject({ keys: {} });
  });
});
