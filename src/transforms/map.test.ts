// The map step: templates, lookups, severity spellings, keys, attrs selection and its refusals.
import { describe, expect, it } from 'vitest';
import { buildMap } from './map.ts';

describe('buildMap', () => {
  const map = buildMap(
    {
      ts: { from: 'time', format: 'iso8601' },
      component: '{host}',
      kind: 'alert',
      type: 'alarm.{action}',
      severity: { from: 'prio', values: { '1': 'critical', '2': 'warning' }, default: 'info' },
      message: '{text}',
      keys: { alarm_id: '{id}', ref: '{missing}' },
    },
    'alarm-server',
  );

  it('maps fields, keeps the rest as attrs', () => {
    const out = map(
      {
        time: '2026-11-26T12:00:00Z',
        host: 'as-1',
        action: 'raised',
        prio: '2',
        text: 'hello',
        id: 'A-1',
        zone: 'n',
        nested: { a: 1 },
      },
      'raw',
      0,
    );
    expect(out).toEqual({
      ts: Date.UTC(2026, 10, 26, 12) * 1000,
      subsystem: 'alarm-server',
      component: 'as-1',
      kind: 'alert',
      type: 'alarm.raised',
      severity: 'warning',
      message: 'hello',
      keys: { alarm_id: 'A-1' },
      attrs: { host: 'as-1', action: 'raised', prio: '2', zone: 'n', nested: { a: 1 } },
    });
  });

  it('returns a reason for a bad time and an unknown severity', () => {
    expect(map({ time: 'yesterday' }, 'raw', 0)).toMatch(/does not match format/);
    expect(map({ host: 'x' }, 'raw', 0)).toMatch(/time field "time" is missing/);
    const m2 = buildMap({ severity: '{lvl}' }, 's');
    expect(m2({ lvl: 'WARN' }, 'raw', 0)).toMatchObject({
      severity: 'warning',
      message: 'raw',
      type: 'log',
      component: 's',
    });
    expect(m2({ lvl: 'LOUD' }, 'raw', 0)).toMatch(/severity "LOUD" is not known/);
  });
});
