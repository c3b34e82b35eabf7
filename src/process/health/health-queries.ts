// Reading the health time lines: the state of everything at a moment (time travel and live are
// the same query), the transitions in a window, and availability per component and subsystem.
// Everything reads health_transitions; entities the configuration declares but the table does
// not cover are unknown (no data).
import { hasTable } from '../../warehouse/hasTable.ts';
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { HealthDef, HealthState, Level } from './definition.ts';
import { TRANSITIONS } from './health-tables.ts';

export interface StateRow {
  level: Level;
  subsystem: string;
  component: string;
  state: HealthState;
  /** The interval; absent for unknown entities. */
  fromUs?: number;
  toUs?: number;
  reason: string | null;
  rule: string | null;
  causedBy: string | null;
  suppressedBy: string | null;
  flapping: boolean;
}

export interface AvailabilityRow {
  level: Level;
  subsystem: string;
  component: string;
  /** Time per state within the window, µs; unknown = no data. */
  us: Record<HealthState, number>;
}

const T = sql.id(TRANSITIONS.name);
const ORDER = { system: 0, subsystem: 1, component: 2 } as const;

export function tablesReady(warehouse: Warehouse): Promise<boolean> {
  return hasTable(warehouse, TRANSITIONS.name);
}

const toRow = (r: Record<string, unknown>): StateRow => ({
  level: r.level as Level,
  subsystem: String(r.subsystem),
  component: String(r.component),
  state: r.state as HealthState,
  fromUs: Number(r.from_us),
  toUs: Number(r.to_us),
  reason: (r.reason as string | null) ?? null,
  rule: (r.rule as string | null) ?? null,
  causedBy: (r.caused_by as string | null) ?? null,
  suppressedBy: (r.suppressed_by as string | null) ?? null,
  // A boolean from DuckDB, 0/1 (UInt8) from ClickHouse.
  flapping: r.flapping === true || r.flapping === 1,
});

const key = (r: { level: string; subsystem: string; component: string }) =>
  `${r.level}|${r.subsystem}|${r.component}`;

/** Every entity the configuration declares: the system, each subsystem, each declared component. */
function declared(def: HealthDef | undefined): Pick<StateRow, 'level' | 'subsystem' | 'component'>[] {
  if (!def) return [];
  return [
    { level: 'system', subsystem: '', component: '' },
    ...Object.values(def.subsystems).flatMap((s) => [
      { level: 'subsystem' as const, subsystem: s.name, component: '' },
      ...s.components.map((c) => ({ level: 'component' as const, subsystem: s.name, component: c })),
    ]),
  ];
}

const sortRows = <R extends { level: Level; subsystem: string; component: string }>(rows: R[]): R[] =>
  rows.sort(
    (a, b) =>
      ORDER[a.level] - ORDER[b.level] ||
      a.subsystem.localeCompare(b.subsystem) ||
      a.component.localeCompare(b.component),
  );

const unknownRow = (e: Pick<StateRow, 'level' | 'subsystem' | 'component'>): StateRow => ({
  ...e,
  state: 'unknown',
  reason: 'no data',
  rule: null,
  causedBy: null,
  suppressedBy: null,
  flapping: false,
});

/** The state of every entity at `atUs`. */
export async function statesAt(
  warehouse: Warehouse,
  def: HealthDef | undefined,
  atUs: number,
): Promise<StateRow[]> {
  const rows = (await tablesReady(warehouse))
    ? (await warehouse.query(sql`select * from ${T} where from_us <= ${atUs} and to_us > ${atUs}`)).map(toRow)
    : [];
  const have = new Set(rows.map(key));
  for (const e of declared(def)) if (!have.has(key(e))) rows.push(unknownRow(e));
  return sortRows(rows);
}

export interface HistoryFilter {
  subsystems?: string[];
  components?: string[];
  levels?: Level[];
}

/** Every stored interval overlapping [fromUs, toUs), oldest first per entity. */
export async function history(
  warehouse: Warehouse,
  fromUs: number,
  toUs: number,
  f: HistoryFilter = {},
): Promise<StateRow[]> {
  if (!(await tablesReady(warehouse))) return [];
  const where: Sql[] = [sql`from_us < ${toUs}`, sql`to_us > ${fromUs}`];
  if (f.subsystems) where.push(sql`subsystem in (${sql.list(f.subsystems)})`);
  if (f.components) where.push(sql`component in (${sql.list(f.components)})`);
  if (f.levels) where.push(sql`level in (${sql.list(f.levels)})`);
  const rows = await warehouse.query(
    sql`select * from ${T} where ${sql.join(where, sql` and `)} order by level, subsystem, component, from_us limit 100000`,
  );
  return rows.map(toRow);
}

/** Time per state of every entity within [fromUs, toUs); time no interval covers is unknown. */
export async function availability(
  warehouse: Warehouse,
  def: HealthDef | undefined,
  fromUs: number,
  toUs: number,
): Promise<AvailabilityRow[]> {
  const rows = (await tablesReady(warehouse))
    ? await warehouse.query(
        sql`select level, subsystem, component, state, sum(least(to_us, ${toUs}) - greatest(from_us, ${fromUs})) as us
          from ${T} where from_us < ${toUs} and to_us > ${fromUs} group by level, subsystem, component, state`,
      )
    : [];
  const out = new Map<string, AvailabilityRow>();
  const entry = (e: Pick<StateRow, 'level' | 'subsystem' | 'component'>) => {
    let a = out.get(key(e));
    if (!a) {
      a = { ...e, us: { failed: 0, degraded: 0, stale: 0, ok: 0, unknown: 0 } };
      out.set(key(e), a);
    }
    return a;
  };
  for (const e of declared(def)) entry(e);
  for (const r of rows) {
    const a = entry({
      level: r.level as Level,
      subsystem: String(r.subsystem),
      component: String(r.component),
    });
    a.us[r.state as HealthState] += Number(r.us);
  }
  for (const a of out.values()) {
    const known = a.us.failed + a.us.degraded + a.us.stale + a.us.ok;
    a.us.unknown += toUs - fromUs - known;
  }
  return sortRows([...out.values()]);
}
