// Running a report: plan -> secure -> compile -> run, with a timeout, a row limit and
// cancellation (an AbortSignal interrupts the query in the engine). Multi-select values are
// checked against their domain (the values present in the data) before the report runs.
import type { ReportColumnMeta, ReportRunResult } from '../api/types.ts';
import { UserError } from '../events/errors.ts';
import { usToIso } from '../events/time.ts';
import type { Row, RowValue } from '../warehouse/engine.ts';
import type { Sql } from '../warehouse/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { compileReport, resultQuery, valuesQuery } from './compile.ts';
import type { DatasetDef } from './dataset.ts';
import { columnsOf, type ReportDef } from './definition.ts';
import { type FilterValues, filterPredicates, type Plan, planReport } from './plan.ts';
import { type Identity, restrictionsKey, secure } from './secure.ts';

/** The row limit of a view; exports go up to EXPORT_MAX_ROWS. */
export const VIEW_MAX_ROWS = 10_000;
export const EXPORT_MAX_ROWS = 1_000_000;
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface RunRequest {
  filters: FilterValues;
  sort?: string;
  dir?: string;
  limit?: number;
  offset?: number;
  maxRows?: number;
  nowUs?: number;
}

/** Runs `q` under a timeout and the caller's signal; a timeout becomes a UserError that says what to do. */
export async function queryWithin(warehouse: Warehouse, q: Sql, opts: RunOptions): Promise<Row[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    return await warehouse.query(q, { signal });
  } catch (error) {
    if (timeout.aborted && !opts.signal?.aborted)
      throw new UserError('bad_request', `the report ran longer than ${timeoutMs / 1000} s and was stopped`, [
        { where: 'query', message: 'timeout', hint: 'narrow the time range or select fewer values' },
      ]);
    if (/Catalog Error: Table with name/i.test(String(error)))
      throw new UserError('not_found', "this report's dataset has no data yet (its table does not exist)", [
        {
          where: 'dataset',
          message: String(error).split('\n')[0] ?? '',
          hint: 'start the server or run reprocess so derived tables are built',
        },
      ]);
    // ClickHouse (18.16: "Code: 60 ... doesn't exist", newer: "UNKNOWN_TABLE"): the schema
    // migrations create every derived table there, so a missing one means the schema is behind.
    if (warehouse.sqlDialect.name === 'clickhouse' && /Code: 60\b|UNKNOWN_TABLE/.test(String(error)))
      throw new UserError(
        'not_found',
        "this report's dataset does not exist on ClickHouse (its table is missing)",
        [
          {
            where: 'dataset',
            message: String(error).split('\n')[0] ?? '',
            hint: 'start `mortar serve` of this version once against the warehouse: it brings the ClickHouse schema up to date',
          },
        ],
      );
    throw error;
  }
}

/** Multi-select values must exist in the data: anything else is rejected, naming the filter. */
/**
 * Values seen to exist, per warehouse, keyed by the caller's restrictions, dataset, dimension and
 * value, until an expiry time. Only presence is cached: a value not (yet) in the data is checked
 * again on every run, so new values are accepted as soon as they arrive.
 */
const DOMAIN_TTL_MS = 60_000;
const DOMAIN_MAX = 5000;
const domains = new WeakMap<Warehouse, Map<string, number>>();

function knownValues(warehouse: Warehouse): Map<string, number> {
  const m = domains.get(warehouse) ?? new Map<string, number>();
  domains.set(warehouse, m);
  return m;
}

function remember(m: Map<string, number>, key: string, until: number): void {
  if (m.size >= DOMAIN_MAX) m.delete(m.keys().next().value!);
  m.set(key, until);
}

export async function checkDomains(
  warehouse: Warehouse,
  def: ReportDef,
  ds: DatasetDef,
  plan: Plan,
  identity: Identity,
  opts: RunOptions,
): Promise<void> {
  // The domain is what the caller may see: restrictions that secure() added (predicates that
  // come from neither a filter nor a segment) narrow it, so an error reveals nothing beyond them.
  const restrictions = plan.where.filter((p) => p.op === 'scope' || (p.op !== 'segment' && !p.filter));
  const known = knownValues(warehouse);
  const now = Date.now();
  for (const p of plan.where) {
    if (p.op !== 'in' || !p.filter) continue;
    const key = (v: string) => JSON.stringify([restrictionsKey(identity, ds.name), ds.name, p.dimension, v]);
    const fresh = p.values.filter((v) => (known.get(key(v)) ?? 0) < now);
    if (fresh.length === 0) continue;
    const rows = await queryWithin(
      warehouse,
      valuesQuery(
        ds,
        warehouse.sqlDialect,
        p.dimension,
        [...restrictions, { ...p, values: fresh }],
        undefined,
        fresh.length + 1,
        plan.masks,
      ),
      opts,
    );
    const present = new Set(rows.map((r) => String(r.value)));
    for (const v of present) remember(known, key(v), now + DOMAIN_TTL_MS);
    const unknown = fresh.filter((v) => !present.has(v));
    if (unknown.length > 0) {
      const f = def.filters.find((x) => x.id === p.filter)!;
      throw new UserError(
        'bad_request',
        `filter "${f.id}": unknown ${f.label.toLowerCase()} ${unknown.map((v) => JSON.stringify(v)).join(', ')}`,
        [
          {
            where: `query.f.${f.id}`,
            message: 'not a value of the data',
            hint: `pick values from GET /api/reports/${def.id}/filters/${f.id}/values`,
          },
        ],
      );
    }
  }
}

export function cell(value: RowValue | undefined, type: ReportColumnMeta['type']): string | number | null {
  if (value === null || value === undefined) return null;
  if (type === 'time') return typeof value === 'number' ? usToIso(value) : String(value);
  if (type === 'number') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface PreparedRun {
  plan: Plan;
  columns: ReportColumnMeta[];
}

export function prepare(def: ReportDef, req: RunRequest, identity: Identity, maxRows: number): PreparedRun {
  const plan = secure(
    planReport(def, {
      filters: req.filters,
      sort: req.sort,
      dir: req.dir,
      limit: req.limit,
      offset: req.offset,
      maxRows,
      nowUs: req.nowUs ?? Date.now() * 1000,
    }),
    identity,
  );
  return { plan, columns: columnsOf(def).map(({ unit, ...c }) => (unit ? { ...c, unit } : c)) };
}

export async function runReport(
  warehouse: Warehouse,
  def: ReportDef,
  ds: DatasetDef,
  req: RunRequest,
  identity: Identity,
  opts: RunOptions = {},
): Promise<ReportRunResult> {
  const started = performance.now();
  const { plan, columns } = prepare(
    def,
    req,
    identity,
    Math.min(req.maxRows ?? VIEW_MAX_ROWS, VIEW_MAX_ROWS),
  );
  await checkDomains(warehouse, def, ds, plan, identity, opts);
  const q = compileReport(plan, ds, warehouse.sqlDialect);
  const rows = await queryWithin(warehouse, q.page, opts);
  // A first page that is not full is the whole result: no second pass over the data to count it.
  const whole = plan.page.offset === 0 && rows.length < plan.page.limit;
  const n = whole ? rows.length : Number((await queryWithin(warehouse, q.count, opts))[0]?.n ?? 0);
  return {
    columns,
    rows: rows.map((r) => columns.map((c) => cell(r[c.name], c.type))),
    total: Math.min(n, plan.cap),
    truncated: n > plan.cap,
    elapsedMs: Math.round((performance.now() - started) * 10) / 10,
    generatedAt: new Date().toISOString(),
  };
}

/** The whole result (bounded by EXPORT_MAX_ROWS), for exports: the same plan as the view, no paging. */
export async function runAll(
  warehouse: Warehouse,
  def: ReportDef,
  ds: DatasetDef,
  req: RunRequest,
  identity: Identity,
  opts: RunOptions = {},
): Promise<{ columns: ReportColumnMeta[]; rows: (string | number | null)[][]; truncated: boolean }> {
  const { plan, columns } = prepare(
    def,
    { ...req, limit: undefined, offset: undefined },
    identity,
    EXPORT_MAX_ROWS,
  );
  await checkDomains(warehouse, def, ds, plan, identity, opts);
  // One row past the cap tells whether the result was cut.
  const rows = await queryWithin(warehouse, resultQuery(plan, ds, warehouse.sqlDialect, plan.cap + 1), opts);
  return {
    columns,
    rows: rows.slice(0, plan.cap).map((r) => columns.map((c) => cell(r[c.name], c.type))),
    truncated: rows.length > plan.cap,
  };
}

/** Values of one filter with counts, narrowed by the filters it depends on (and the report's segments). */
export async function filterValues(
  warehouse: Warehouse,
  def: ReportDef,
  ds: DatasetDef,
  filterId: string,
  values: FilterValues,
  search: string | undefined,
  identity: Identity,
  opts: RunOptions = {},
): Promise<{ value: string; count: number }[]> {
  const f = def.filters.find((x) => x.id === filterId);
  if (!f)
    throw new UserError('not_found', `report ${def.id} has no filter "${filterId}"`, [
      {
        where: 'path.filterId',
        message: 'no such filter',
        hint: `use one of: ${def.filters.map((x) => x.id).join(', ')}`,
      },
    ]);
  // The list follows the filters this one depends on and the time range (values seen in it).
  const narrowing = new Set([
    ...f.dependsOn,
    ...def.filters.filter((x) => x.kind === 'time_range').map((x) => x.id),
  ]);
  const { where } = filterPredicates(def, values, Date.now() * 1000, narrowing);
  // The same secure step as a run: a plan holding only the predicates that narrow this list.
  const plan = secure(
    {
      dataset: def.dataset,
      dimensions: [],
      measures: [],
      where: [...def.segments.map((name) => ({ op: 'segment' as const, name })), ...where],
      order: [],
      cap: 200,
      page: { limit: 200, offset: 0 },
    },
    identity,
  );
  const rows = await queryWithin(
    warehouse,
    valuesQuery(ds, warehouse.sqlDialect, f.dimension, plan.where, search || undefined, 200, plan.masks),
    opts,
  );
  return rows.map((r) => ({ value: String(r.value), count: Number(r.n) }));
}
