// Runs health processing for a window [from, to): reads the window's events (plus `lookback`
// before it for context and `hindsight` after it for backdated evidence) set-based on the
// warehouse, composes the time lines, and replaces the window's rows of health_transitions and
// health_conditions in one transaction (on ClickHouse, which has none, new rows first and then
// tombstones for the replaced ones: see interval-store.ts). Conditions that held when the context began are carried
// in from health_conditions (with their original start and evidence), so slices processed one
// after the other equal one pass over everything, and reprocessing a window changes nothing.
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { compose, type EvidenceRow, type SeenComponent } from './compose.ts';
import type { HealthDef } from './definition.ts';
import { type CarriedCondition, type EvidenceWindow, evidenceSql } from './health-sql.ts';
import { clickhouseEvidenceSql } from './health-sql-clickhouse.ts';
import { CONDITIONS, HEALTH_TABLES, TRANSITIONS } from './health-tables.ts';
import { type IntervalRow, replaceWindow } from './interval-store.ts';
import { clip } from './timeline.ts';

export interface HealthWindow {
  /** The rows of [fromUs, toUs) are replaced. */
  fromUs: number;
  toUs: number;
  /** Event-time "now": the newest event time. */
  nowUs: number;
  /** Subsystems whose pipelines are still catching up: their silence means nothing yet. */
  lagging?: readonly string[];
}

export interface HealthRunResult {
  fromUs: number;
  toUs: number;
  conditions: number;
  transitions: number;
  ms: number;
}

const id = sql.id;
const locks = new WeakMap<Warehouse, Promise<unknown>>();

/** One health write at a time per warehouse (each reads the rows it then replaces). */
function serialised<T>(warehouse: Warehouse, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(warehouse) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  locks.set(
    warehouse,
    next.catch(() => undefined),
  );
  return next;
}

/** DuckDB's tables; ClickHouse's come with its migrations (warehouse/clickhouse/derivedSchema.ts). */
export async function ensureHealthTables(warehouse: Warehouse): Promise<void> {
  if (warehouse.dialect === 'clickhouse') return;
  await warehouse.execute(HEALTH_TABLES);
}

/** The first and newest event times (µs); undefined when nothing is stored. */
export async function eventSpanUs(
  warehouse: Warehouse,
): Promise<{ firstUs: number; lastUs: number } | undefined> {
  const d = warehouse.sqlDialect;
  const e = d.epochUs(id('ts'));
  const [row] = await warehouse.query(
    sql`select ${d.nullOverNone(sql`min(${e})`, e)} as a, ${d.nullOverNone(sql`max(${e})`, e)} as b from ${id('events')}`,
  );
  if (row?.a === null || row?.a === undefined) return undefined;
  return { firstUs: Number(row.a), lastUs: Number(row.b) };
}

async function carried(warehouse: Warehouse, def: HealthDef, loUs: number): Promise<CarriedCondition[]> {
  const names = ['heartbeat', ...def.rules.map((r) => r.name)];
  const rows = await warehouse.query(
    sql`select rule, subsystem, component, min(from_us) as f, ${warehouse.sqlDialect.argMin(id('event_id'), id('from_us'))} as e
      from ${id(CONDITIONS.name)} where rule in (${sql.list(names)}) and from_us < ${loUs} and to_us >= ${loUs}
      group by rule, subsystem, component`,
  );
  return rows.map((r) => ({
    rule: String(r.rule),
    subsystem: String(r.subsystem),
    component: String(r.component),
    fromUs: Number(r.f),
    eventId: r.e === null ? null : String(r.e),
  }));
}

export function processHealth(
  warehouse: Warehouse,
  def: HealthDef,
  w: HealthWindow,
): Promise<HealthRunResult> {
  return serialised(warehouse, () => run(warehouse, def, w));
}

async function run(warehouse: Warehouse, def: HealthDef, w: HealthWindow): Promise<HealthRunResult> {
  const started = performance.now();
  const d = warehouse.sqlDialect;
  const span = await eventSpanUs(warehouse);
  const result: HealthRunResult = { fromUs: w.fromUs, toUs: w.toUs, conditions: 0, transitions: 0, ms: 0 };
  if (!span) return result;
  const loUs = w.fromUs - def.lookbackUs;
  const endUs = Math.min(w.toUs + def.hindsightUs, w.nowUs + 1);
  const writeTo = Math.min(w.toUs, endUs);
  if (!(writeTo > w.fromUs)) return result;

  const e = d.epochUs(id('ts'));
  const seenRows = await warehouse.query(
    sql`select subsystem, component, min(${e}) as f, max(${e}) as l from ${id('events')}
      where ${id('ts')} >= ${sql.ts(loUs)} and ${id('ts')} < ${sql.ts(endUs)} group by subsystem, component`,
  );
  const seen: SeenComponent[] = seenRows.map((r) => ({
    subsystem: String(r.subsystem),
    component: String(r.component),
    firstUs: Number(r.f),
  }));
  const lagging = new Set(w.lagging ?? []);
  const horizonUs: Record<string, number> = {};
  for (const s of Object.values(def.subsystems)) {
    if (!s.heartbeat) continue;
    const newest = Math.max(loUs, ...seenRows.filter((r) => r.subsystem === s.name).map((r) => Number(r.l)));
    horizonUs[s.name] = lagging.has(s.name) ? Math.min(endUs, newest) : endUs;
  }
  const carry = loUs > span.firstUs ? await carried(warehouse, def, loUs) : [];
  const ew: EvidenceWindow = {
    loUs,
    hiUs: endUs,
    observedFromUs: span.firstUs,
    horizonUs,
    maxSinceUs: def.hindsightUs,
    carried: carry,
  };
  const evidenceRows = await warehouse.query(
    d.name === 'clickhouse' ? clickhouseEvidenceSql(d, def, ew) : evidenceSql(d, def, ew),
  );
  const evidence: EvidenceRow[] = evidenceRows.map((r) => ({
    rule: String(r.rule),
    subsystem: String(r.subsystem),
    component: String(r.component),
    fromUs: Number(r.from_us),
    toUs: r.to_us === null ? Number.POSITIVE_INFINITY : Number(r.to_us),
    eventId: r.event_id === null ? null : String(r.event_id),
  }));
  const lines = compose({ def, startUs: loUs, endUs, observedFromUs: span.firstUs, seen, evidence });

  const transitions: IntervalRow[] = lines.flatMap((l) =>
    clip(l.segments, w.fromUs, writeTo).map((s) => ({
      level: l.level,
      subsystem: l.subsystem,
      component: l.component,
      state: s.state,
      from_us: s.fromUs,
      to_us: s.toUs,
      reason: s.reason,
      rule: s.rule,
      caused_by: s.causedBy,
      suppressed_by: s.suppressedBy,
      flapping: s.flapping,
    })),
  );
  const stateOf = new Map(def.rules.map((r) => [r.name, r.state]));
  const conditions: IntervalRow[] = evidence
    .map((c) => ({
      scope: c.component === '' ? 'subsystem' : 'component',
      subsystem: c.subsystem,
      component: c.component,
      rule: c.rule,
      state: stateOf.get(c.rule) ?? 'stale',
      from_us: Math.max(c.fromUs, w.fromUs),
      to_us: Math.min(c.toUs, writeTo),
      event_id: c.eventId,
    }))
    .filter((c) => c.to_us > c.from_us);
  const statements: Sql[] = [
    ...(await replaceWindow(warehouse, TRANSITIONS, w.fromUs, writeTo, transitions)),
    ...(await replaceWindow(warehouse, CONDITIONS, w.fromUs, writeTo, conditions)),
  ];
  await warehouse.execute(statements);
  return {
    ...result,
    toUs: writeTo,
    conditions: conditions.length,
    transitions: transitions.length,
    ms: performance.now() - started,
  };
}
