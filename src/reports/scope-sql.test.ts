// The scope predicate on a real DuckDB: for random rows and scopes it keeps exactly the rows
// rowInScope keeps (the SQL and the in-memory rule are the same rule), and values stay bound.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetScope, rowInScope } from '../access/scopes.ts';
import { openWarehouse } from '../warehouse/open.ts';
import { type Sql, sql } from '../warehouse/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { scopeSql } from './scope-sql.ts';

let w: Warehouse;
const SUBS = ['sensors', 'gateway', 'video', "con'sole", null];
const SITES = ['north', 'south', null];
const rows: { id: number; subsystem: string | null; site: string | null }[] = [];

beforeAll(async () => {
  w = await openWarehouse({
    type: 'duckdb',
    path: join(mkdtempSync(join(tmpdir(), 'mortar-scope-')), 'w.duckdb'),
  });
  await w.execute([sql`create table t (id integer, subsystem varchar, site varchar)`]);
  let id = 0;
  for (const s of SUBS) for (const site of SITES) rows.push({ id: id++, subsystem: s, site });
  await w.execute(rows.map((r) => sql`insert into t values (${r.id}, ${r.subsystem}, ${r.site})`));
});
afterAll(async () => w?.close());

const ROLES: Record<string, Record<string, string[]> | undefined> = {
  north: { t: ['site = {user.site}'] },
  video: { t: ['subsystem in [video, "con\'sole"]'] },
  notsensors: { t: ['subsystem not in [sensors]'] },
  both: { t: ['subsystem != gateway', 'site = north'] },
  everything: undefined,
};
const dims: Record<string, Sql> = { subsystem: sql`subsystem`, site: sql`site` };

describe('scopeSql', () => {
  const cases: [string[], Record<string, string>][] = [
    [['north'], { site: 'north' }],
    [['video'], {}],
    [['notsensors'], {}],
    [['both'], {}],
    [['north', 'video'], { site: 'south' }],
    [['north'], {}],
    [['video', 'everything'], {}],
    [[], {}],
    [['unknown-role'], {}],
  ];
  it.each(cases)('roles %j keep exactly the rows rowInScope keeps', async (roles, attrs) => {
    const scope = datasetScope('t', roles, (r) => (r in ROLES ? ROLES[r] : null), attrs);
    const got = (
      await w.query(sql`select id from t where ${scopeSql(scope, (d) => dims[d])} order by id`)
    ).map((r) => Number(r.id));
    const want = rows
      .filter((r) => rowInScope(scope, (d) => (d === 'subsystem' ? r.subsystem : r.site)))
      .map((r) => r.id);
    expect(got).toEqual(want);
  });

  it('an unknown dimension matches nothing', async () => {
    const scope = datasetScope('t', ['north'], () => ({ t: ['nowhere = x'] }), {});
    expect(await w.query(sql`select id from t where ${scopeSql(scope, (d) => dims[d])}`)).toEqual([]);
  });
});
