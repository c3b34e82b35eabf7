// Reading the catalog: sources (pipelines) x event types x fields with inferred type, fill rate,
// distinct-count estimate, examples (through the viewer gate), first/last seen and the recent
// per-minute rate; and the drift recorded so far. Reads only the catalog tables.
import { usToIso } from '../../events/time.ts';
import { hasTable } from '../../warehouse/hasTable.ts';
import { sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { FieldStats } from './catalog-merge.ts';
import { storedFields } from './catalog-rows.ts';
import { RATE_BUCKET_US, SKETCH_K } from './catalog-tables.ts';
import { compareText } from './catalog-unpivot.ts';
import { type Viewer, visibleExamples } from './examples.ts';
import { type ClassCounts, type FieldType, inferType } from './field-type.ts';

export interface CatalogField {
  field: string;
  /** `column` (an event column), `keys` (correlation ids) or `attrs`. */
  source: 'column' | 'keys' | 'attrs';
  type: FieldType;
  /** Values per class the type was inferred from. */
  classes: ClassCounts;
  /** Share of the type's events with a non-empty value (0..1). */
  fill: number;
  present: number;
  /** Distinct values: exact below the sketch size, else an estimate (about ±6%). */
  cardinality: number;
  cardinalityExact: boolean;
  /** Written as JSON numbers (measurements), not text. */
  numeric: boolean;
  examples: string[];
  firstSeen?: string;
  lastSeen?: string;
  vanished: boolean;
}

export interface CatalogType {
  type: string;
  events: number;
  firstSeen: string;
  lastSeen: string;
  /** Events per minute of event time, the last hour up to the newest event (oldest first). */
  rates: number[];
  collapsed: boolean;
  fields: CatalogField[];
}

export interface CatalogSource {
  pipeline: string;
  subsystem: string;
  events: number;
  firstSeen: string;
  lastSeen: string;
  types: CatalogType[];
}

/** GET /api/catalog */
export interface CatalogResponse {
  /** Events the catalog has folded in so far. */
  events: number;
  runs: number;
  /** Start of the last rate bucket (the newest event time's minute). */
  ratesUntil?: string;
  sources: CatalogSource[];
}

export type DriftChangeName =
  | 'type_added'
  | 'field_added'
  | 'type_changed'
  | 'field_vanished'
  | 'field_returned'
  | 'rate_collapsed'
  | 'rate_recovered';

export interface DriftRow {
  /** Wall-clock time the processor noticed it. */
  detectedAt: string;
  /** Event time at which it shows in the data. */
  at: string;
  pipeline: string;
  subsystem: string;
  type: string;
  field?: string;
  change: DriftChangeName;
  detail: string;
}

/** GET /api/catalog/drift */
export interface DriftResponse {
  total: number;
  rows: DriftRow[];
}

export interface CatalogFilter {
  pipelines?: string[];
  subsystems?: string[];
  /** Substring of the field or type name. */
  text?: string;
}

const RATE_POINTS = 60;
const EXAMPLES = 5;
const id = sql.id;

async function tablesReady(warehouse: Warehouse): Promise<boolean> {
  return hasTable(warehouse, 'catalog_fields');
}

export async function readCatalog(
  warehouse: Warehouse,
  viewer: Viewer,
  filter: CatalogFilter = {},
): Promise<CatalogResponse> {
  const body: CatalogResponse = { events: 0, runs: 0, sources: [] };
  if (!(await tablesReady(warehouse))) return body;
  const [state] = await warehouse.query(sql`select runs from catalog_state where name = 'catalog'`);
  body.runs = Number(state?.runs ?? 0);
  const typeRows = await warehouse.query(sql`select * from catalog_types order by pipeline, subsystem, type`);
  const fields = await storedFields(warehouse);
  const sketch = await warehouse.query(
    sql`select pipeline, subsystem, type, field, count(*) as k, max(h) as hk from catalog_values group by pipeline, subsystem, type, field`,
  );
  const examples =
    warehouse.dialect === 'clickhouse'
      ? firstValues(
          await warehouse.query(sql`select pipeline, subsystem, type, field, h, value from catalog_values`),
        )
      : await warehouse.query(
          sql`select pipeline, subsystem, type, field, value from (
        select *, row_number() over (partition by pipeline, subsystem, type, field order by h, value) as rn from catalog_values) as x
      where rn <= ${EXAMPLES} order by pipeline, subsystem, type, field, rn`,
        );
  const newest = Math.max(0, ...typeRows.map((r) => Number(r.last_us)));
  const lastBucket = Math.floor(newest / RATE_BUCKET_US) * RATE_BUCKET_US;
  const firstBucket = lastBucket - (RATE_POINTS - 1) * RATE_BUCKET_US;
  const rateRows = await warehouse.query(
    sql`select pipeline, subsystem, type, bucket_us, events from ${id('catalog_rates')} where bucket_us >= ${firstBucket} and bucket_us <= ${lastBucket}`,
  );
  if (typeRows.length) body.ratesUntil = usToIso(lastBucket);

  const k = (r: { pipeline?: unknown; subsystem?: unknown; type?: unknown; field?: unknown }) =>
    JSON.stringify([
      String(r.pipeline),
      String(r.subsystem),
      String(r.type),
      r.field === undefined || r.field === null ? null : String(r.field),
    ]);
  const card = new Map(sketch.map((r) => [k(r), { n: Number(r.k), hk: Number(r.hk) }]));
  const samples = new Map<string, string[]>();
  for (const r of examples) {
    const list = samples.get(k(r)) ?? [];
    list.push(String(r.value));
    samples.set(k(r), list);
  }
  const rates = new Map<string, number[]>();
  for (const r of rateRows) {
    const list = rates.get(k(r)) ?? new Array<number>(RATE_POINTS).fill(0);
    list[(Number(r.bucket_us) - firstBucket) / RATE_BUCKET_US] = Number(r.events);
    rates.set(k(r), list);
  }
  const fieldsOf = new Map<string, FieldStats[]>();
  for (const f of fields) {
    const key = k({ ...f, field: null });
    fieldsOf.set(key, [...(fieldsOf.get(key) ?? []), f]);
  }
  const text = filter.text?.toLowerCase();
  const sources = new Map<string, CatalogSource>();
  for (const t of typeRows) {
    const pipeline = String(t.pipeline);
    const subsystem = String(t.subsystem);
    if (filter.pipelines && !filter.pipelines.includes(pipeline)) continue;
    if (filter.subsystems && !filter.subsystems.includes(subsystem)) continue;
    const events = Number(t.events);
    const typeName = String(t.type);
    // Counts, rates and field statistics are aggregates of the type's rows: out of scope, not shown.
    if (!viewer.sees({ pipeline, subsystem, type: typeName, field: '' })) continue;
    const typeMatches = !text || typeName.toLowerCase().includes(text);
    const stats = [
      ...(fieldsOf.get(k({ ...t, field: null })) ?? []),
      timeField(pipeline, subsystem, typeName, t),
    ];
    const typeFields = stats
      .filter((f) => typeMatches || f.field.toLowerCase().includes(text!))
      .sort((a, b) => order(a) - order(b) || a.field.localeCompare(b.field))
      .map((f): CatalogField => {
        if (f.field === 'ts' && f.source === 'column') {
          const [first, last] = [usToIso(f.firstUs), usToIso(f.lastUs)];
          return {
            field: 'ts',
            source: 'column',
            type: 'timestamp',
            classes: { timestamp: f.present },
            fill: 1,
            present: f.present,
            cardinality: f.present,
            cardinalityExact: false,
            numeric: false,
            examples: visibleExamples(viewer, f, first === last ? [first] : [first, last]),
            firstSeen: first,
            lastSeen: last,
            vanished: false,
          };
        }
        const c = card.get(k(f));
        const exact = !c || c.n < SKETCH_K;
        return {
          field: f.field,
          source: f.source,
          type: inferType(f.classes),
          classes: f.classes,
          fill: events ? f.present / events : 0,
          present: f.present,
          cardinality: !c ? 0 : exact ? c.n : Math.min(f.present, Math.round((SKETCH_K - 1) / c.hk)),
          cardinalityExact: exact,
          numeric: f.numbers > 0,
          examples: visibleExamples(viewer, f, samples.get(k(f)) ?? []),
          firstSeen: f.present ? usToIso(f.firstUs) : undefined,
          lastSeen: f.present ? usToIso(f.lastUs) : undefined,
          vanished: f.vanished,
        };
      });
    if (!typeMatches && typeFields.length === 0) continue;
    const source = sources.get(pipeline) ?? {
      pipeline,
      subsystem,
      events: 0,
      firstSeen: usToIso(Number(t.first_us)),
      lastSeen: usToIso(Number(t.last_us)),
      types: [],
    };
    source.events += events;
    if (usToIso(Number(t.first_us)) < source.firstSeen) source.firstSeen = usToIso(Number(t.first_us));
    if (usToIso(Number(t.last_us)) > source.lastSeen) source.lastSeen = usToIso(Number(t.last_us));
    source.types.push({
      type: typeName,
      events,
      firstSeen: usToIso(Number(t.first_us)),
      lastSeen: usToIso(Number(t.last_us)),
      rates: rates.get(k({ ...t, field: null })) ?? new Array<number>(RATE_POINTS).fill(0),
      collapsed: t.collapsed === true || Number(t.collapsed) === 1,
      fields: typeFields,
    });
    sources.set(pipeline, source);
  }
  body.sources = [...sources.values()];
  body.events = body.sources.reduce((a, s) => a + s.events, 0);
  for (const s of body.sources) s.types.sort((a, b) => b.events - a.events || a.type.localeCompare(b.type));
  return body;
}

/**
 * The first EXAMPLES sketch values of each field by (h, value), as DuckDB's window picks them
 * (ClickHouse 18.16 has no window functions; the sketch holds at most SKETCH_K rows per field).
 */
function firstValues(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const byField = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const k = JSON.stringify([r.pipeline, r.subsystem, r.type, r.field].map(String));
    byField.set(k, [...(byField.get(k) ?? []), r]);
  }
  return [...byField.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .flatMap(([, list]) =>
      list
        .sort((x, y) => Number(x.h) - Number(y.h) || compareText(String(x.value), String(y.value)))
        .slice(0, EXAMPLES),
    );
}

/** Event time is in every event and always a timestamp: reported from the type's own times. */
function timeField(
  pipeline: string,
  subsystem: string,
  type: string,
  t: Record<string, unknown>,
): FieldStats {
  return {
    pipeline,
    subsystem,
    type,
    field: 'ts',
    source: 'column',
    present: Number(t.events),
    classes: { timestamp: Number(t.events) },
    numbers: 0,
    firstUs: Number(t.first_us),
    lastUs: Number(t.last_us),
    recentType: 'timestamp',
    vanished: false,
  };
}

const SOURCE_ORDER = { column: 0, keys: 1, attrs: 2 } as const;
const order = (f: FieldStats) => SOURCE_ORDER[f.source] ?? 3;

export async function readDrift(
  warehouse: Warehouse,
  q: { fromUs?: number; toUs?: number; limit: number; offset: number; changes?: string[] },
): Promise<DriftResponse> {
  if (!(await tablesReady(warehouse))) return { total: 0, rows: [] };
  const where = sql`at_us >= ${q.fromUs ?? Number.MIN_SAFE_INTEGER} and at_us < ${q.toUs ?? Number.MAX_SAFE_INTEGER}
    ${q.changes?.length ? sql`and change in (${sql.list(q.changes)})` : sql``}`;
  const [count] = await warehouse.query(sql`select count(*) as n from catalog_drift where ${where}`);
  const rows = await warehouse.query(
    sql`select * from catalog_drift where ${where} order by at_us desc, detected_us desc, pipeline, type, field limit ${q.limit} offset ${q.offset}`,
  );
  return {
    total: Number(count?.n ?? 0),
    rows: rows.map((r) => ({
      detectedAt: usToIso(Number(r.detected_us)),
      at: usToIso(Number(r.at_us)),
      pipeline: String(r.pipeline),
      subsystem: String(r.subsystem),
      type: String(r.type),
      field: r.field === null ? undefined : String(r.field),
      change: String(r.change) as DriftChangeName,
      detail: String(r.detail),
    })),
  };
}
