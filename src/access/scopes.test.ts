import { describe, expect, it } from 'vitest';
import { datasetScope, parseScopeRule, rowInScope } from './scopes.ts';

const ROLES: Record<string, Record<string, string[]> | undefined> = {
  north: { events: ['attrs.site = {user.site}'], flow_alerts: ['site = {user.site}'] },
  video: { events: ['subsystem in [video, "console"]'] },
  noraw: { events: ['subsystem not in [sensors]', 'severity != debug'] },
  all: undefined,
};
const of = (r: string) => (r in ROLES ? ROLES[r] : null);

describe('scope rules', () => {
  it('parse =, !=, in and not in, with quotes', () => {
    expect(parseScopeRule('subsystem in [video, console]')).toEqual({
      dimension: 'subsystem',
      op: 'in',
      values: ['video', 'console'],
    });
    expect(parseScopeRule("attrs.site = 'north'")).toEqual({
      dimension: 'attrs.site',
      op: 'in',
      values: ['north'],
    });
    expect(parseScopeRule('subsystem not in [a]')).toEqual({
      dimension: 'subsystem',
      op: 'not_in',
      values: ['a'],
    });
    expect(parseScopeRule('x != y')).toEqual({ dimension: 'x', op: 'not_in', values: ['y'] });
    expect(parseScopeRule('subsystem in video')).toMatch(/list in brackets/);
    expect(parseScopeRule('subsystem ~ video')).toMatch(/expected/);
    expect(parseScopeRule('subsystem in []')).toMatch(/empty/);
  });

  it('OR across roles for one dataset, AND within a role, bound to its dataset', () => {
    const s = datasetScope('events', ['north', 'video'], of, { site: 'north' });
    const row = (r: Record<string, string>) => rowInScope(s, (d) => r[d]);
    expect(row({ 'attrs.site': 'north', subsystem: 'sensors' })).toBe(true);
    expect(row({ 'attrs.site': 'south', subsystem: 'video' })).toBe(true);
    expect(row({ 'attrs.site': 'south', subsystem: 'sensors' })).toBe(false);
    // the video role has no rule for flow_alerts: that dataset is unrestricted for it
    expect(datasetScope('flow_alerts', ['north', 'video'], of, { site: 'north' }).all).toBe(true);
    expect(datasetScope('flow_alerts', ['north'], of, { site: 'north' }).all).toBe(false);
    const both = datasetScope('events', ['noraw'], of, {});
    expect(rowInScope(both, (d) => ({ subsystem: 'video', severity: 'info' })[d])).toBe(true);
    expect(rowInScope(both, (d) => ({ subsystem: 'video', severity: 'debug' })[d])).toBe(false);
    expect(rowInScope(both, (d) => ({ subsystem: 'sensors', severity: 'info' })[d])).toBe(false);
  });

  it('a role without scopes sees everything; a missing user attribute or no role sees nothing', () => {
    expect(datasetScope('events', ['north', 'all'], of, {}).all).toBe(true);
    const none = datasetScope('events', ['north'], of, {});
    expect(rowInScope(none, () => 'north')).toBe(false);
    expect(rowInScope(datasetScope('events', [], of, {}), () => 'x')).toBe(false);
    expect(rowInScope(datasetScope('events', ['gone'], of, {}), () => 'x')).toBe(false);
  });
});
