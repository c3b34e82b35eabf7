// The catalog's stored rows as the merge sees them, and back: shared by the DuckDB and the
// ClickHouse processors (ClickHouse gives its UInt8 flags as 0/1, DuckDB as booleans).
import { sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { FieldStats, TypeStats } from './catalog-merge.ts';
import type { ClassCounts, FieldType } from './field-type.ts';

/** A value of a stored row, as the inserts take it. */
type Cell = string | number | boolean | null;

export async function storedTypes(warehouse: Warehouse): Promise<TypeStats[]> {
  return (await warehouse.query(sql`select * from catalog_types`)).map((r) => ({
    pipeline: String(r.pipeline),
    subsystem: String(r.subsystem),
    type: String(r.type),
    events: Number(r.events),
    firstUs: Number(r.first_us),
    lastUs: Number(r.last_us),
    collapsed: r.collapsed === true || Number(r.collapsed) === 1,
    baseline: r.baseline === null ? null : Number(r.baseline),
  }));
}

export async function storedFields(warehouse: Warehouse): Promise<FieldStats[]> {
  return (await warehouse.query(sql`select * from catalog_fields`)).map((r) => ({
    pipeline: String(r.pipeline),
    subsystem: String(r.subsystem),
    type: String(r.type),
    field: String(r.field),
    source: String(r.source) as FieldStats['source'],
    present: Number(r.present),
    classes: JSON.parse(String(r.classes)) as ClassCounts,
    numbers: Number(r.numbers),
    firstUs: Number(r.first_us),
    lastUs: Number(r.last_us),
    recentType: r.recent_type === null ? null : (String(r.recent_type) as FieldType),
    vanished: r.vanished === true || Number(r.vanished) === 1,
  }));
}

export const typeRow = (t: TypeStats): Cell[] => [
  t.pipeline,
  t.subsystem,
  t.type,
  t.events,
  t.firstUs,
  t.lastUs,
  t.collapsed,
  t.baseline,
];
export const fieldRow = (f: FieldStats): Cell[] => [
  f.pipeline,
  f.subsystem,
  f.type,
  f.field,
  f.source,
  f.present,
  JSON.stringify(f.classes),
  f.numbers,
  f.firstUs,
  f.lastUs,
  f.recentType,
  f.vanished,
];
