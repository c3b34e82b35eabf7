// Link inference's statistics on ClickHouse (18.16 and later), whose SQL cannot list a JSON
// document's paths: the window's events are read in pages and unpivoted in TypeScript by the
// catalog's rules (catalog-unpivot.ts, which matches DuckDB's fieldRowsSql), each page folded to
// one row per (subsystem, field, value, how written) and sent to a Memory table on the entry
// server. Everything after that is set-based on the server, as link-sql.ts does it on DuckDB:
// values per field, the id-like fields (the rules are applied in TypeScript to per-field counts,
// with DuckDB's double arithmetic), link_values, the shared-value pairs (one JOIN per SELECT),
// their counts, delays and quantiles (quantile_cont's interpolation over the sorted delays),
// the third subsystems in between, and the examples (the smallest DuckDB hashes, computed here
// and stored as UInt64, with LIMIT BY). Ties (the first type at one instant, the most frequent
// type) go to the smaller name, as on DuckDB.
import { workTable } from '../../warehouse/clickhouse/derivedTables.ts';
import { type Identifier, type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { compareText, duckdbStringHash, eventFields } from '../catalog/catalog-unpivot.ts';
import {
  type FieldCount,
  fieldCountKey,
  type InferInput,
  modesByPair,
  type PairStats,
  pairKey,
} from './link-infer.ts';
import { ID_RULES, type LinkWindow } from './link-sql.ts';

const PAGE = 20_000;
const CHUNK = 20_000;
const ID_CLASSES = new Set(['int', 'string', 'uuid', 'ip']);

interface ValueAcc {
  subsystem: string;
  field: string;
  value: string;
  jtype: string;
  t: number;
  ty: string;
  n: number;
  idl: boolean;
  num: boolean;
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * How a value was written, as far as DuckDB's jtype tells id-like fields apart. (The unpivot does
 * not say whether `true` was a JSON boolean or the text "true": a field holding both counts one
 * value-row here and two on DuckDB, which moves its id share by that one row.)
 */
function jtypeOf(f: { cls: string | null; num: boolean }): string {
  if (f.num) return 'NUMBER';
  return f.cls === 'array' ? 'ARRAY' : 'VARCHAR';
}

// A column travels as one string split on the server: a tuple of parameters per row costs
// about 0.1 ms to build and encode, which made the insert most of a run.
const SEP = '\u001e';

/** Expression: the array of `values` (split from one string unless a value holds the separator). */
function textColumn(values: readonly string[]): Sql {
  return values.some((v) => v.includes(SEP))
    ? sql`[${sql.list(values)}]`
    : sql`splitByChar(${SEP}, ${values.join(SEP)})`;
}

const CASTS = { Int64: sql`toInt64(x)`, UInt64: sql`toUInt64(x)`, UInt8: sql`toUInt8(x)` };

/** Expression: the array of integers `values` as ClickHouse's `type`. */
function intColumn(values: readonly (number | bigint)[], type: keyof typeof CASTS): Sql {
  return sql`arrayMap(x -> ${CASTS[type]}, splitByChar(',', ${values.join(',')}))`;
}

/** Sends one page's folded values to the rows table. */
function insertValues(rows: Identifier, values: readonly ValueAcc[]): Sql[] {
  const out: Sql[] = [];
  for (let i = 0; i < values.length; i += CHUNK) {
    const part = values.slice(i, i + CHUNK);
    const cols = [
      textColumn(part.map((v) => v.subsystem)),
      textColumn(part.map((v) => v.field)),
      textColumn(part.map((v) => v.value)),
      textColumn(part.map((v) => v.jtype)),
      intColumn(
        part.map((v) => v.t),
        'Int64',
      ),
      textColumn(part.map((v) => v.ty)),
      intColumn(
        part.map((v) => v.n),
        'UInt64',
      ),
      intColumn(
        part.map((v) => (v.idl ? 1 : 0)),
        'UInt8',
      ),
      intColumn(
        part.map((v) => (v.num ? 1 : 0)),
        'UInt8',
      ),
      // Only values that can end in link_values need DuckDB's hash (a field with numbers never does).
      intColumn(
        part.map((v) => (v.num ? 0n : duckdbStringHash(v.value))),
        'UInt64',
      ),
    ];
    const names = cols.map((_, c) => sql.id(`c${c}`));
    out.push(
      sql`insert into ${rows} select ${sql.join(names)}
        from (select ${sql.join(cols.map((c, k) => sql`${c} as ${names[k]!}`))}) array join ${sql.join(names)}`,
    );
  }
  return out;
}

/** Reads the window's events in pages and stores their folded field values in `rows`. */
async function unpivotWindow(warehouse: Warehouse, w: LinkWindow, rows: Identifier): Promise<void> {
  let after: { ts: number; id: string } | undefined;
  for (;;) {
    const page = await warehouse.query(
      sql`select id, ts, subsystem, type, keys, attrs from ${sql.id('events')}
        where ts >= ${w.fromUs} and ts < ${w.toUs}
          ${after ? sql`and (ts > ${after.ts} or (ts = ${after.ts} and id > ${after.id}))` : sql``}
        order by ts, id limit ${PAGE}`,
    );
    const folded = new Map<string, ValueAcc>();
    let previous = after?.id;
    for (const e of page) {
      // A replayed event that ReplacingMergeTree has not collapsed yet sits next to its twin.
      const id = String(e.id);
      if (id === previous) continue;
      previous = id;
      const subsystem = String(e.subsystem);
      const type = String(e.type);
      const ts = Number(e.ts);
      const fields = eventFields(
        { component: '', kind: '', severity: '', message: '', keys: String(e.keys), attrs: String(e.attrs) },
        false,
      );
      for (const f of fields) {
        if (f.value === null || f.value === '') continue;
        const jtype = jtypeOf(f);
        const k = JSON.stringify([subsystem, f.field, f.value, jtype]);
        const acc = folded.get(k);
        if (!acc) {
          folded.set(k, {
            subsystem,
            field: f.field,
            value: f.value,
            jtype,
            t: ts,
            ty: type,
            n: 1,
            idl: f.cls !== null && ID_CLASSES.has(f.cls),
            num: f.num,
          });
          continue;
        }
        acc.n++;
        if (ts < acc.t || (ts === acc.t && compareText(type, acc.ty) < 0)) {
          acc.t = ts;
          acc.ty = type;
        }
      }
    }
    if (folded.size) await warehouse.execute(insertValues(rows, [...folded.values()]));
    if (page.length < PAGE) return;
    const last = page[page.length - 1]!;
    after = { ts: Number(last.ts), id: String(last.id) };
  }
}

/** The id-like fields, by ID_RULES over per-field counts (as link-sql.ts's `ff` judges them). */
async function idFields(warehouse: Warehouse, values: Identifier): Promise<[string, string][]> {
  const rows = await warehouse.query(
    sql`select subsystem, field, uniqExact(value) as dv, sum(n1) as occ, sum(num) as nums, sum(idl) as idls, count() as c
      from ${values} group by subsystem, field order by subsystem, field`,
  );
  return rows
    .filter((r) => {
      const dv = Number(r.dv);
      return (
        dv >= ID_RULES.minDistinct &&
        dv >= ID_RULES.minDistinctShare * Number(r.occ) &&
        Number(r.nums) === 0 &&
        Number(r.idls) >= ID_RULES.idShare * Number(r.c)
      );
    })
    .map((r) => [String(r.subsystem), String(r.field)]);
}

/** Expression: quantile_cont(q) of the sorted Int64 array `a` (NULL when empty), DuckDB's interpolation. */
function quantileOfSorted(a: Sql, q: number): Sql {
  const rn = sql`((greatest(length(${a}), 1) - 1) * ${q})`;
  const at = (i: Sql) => sql`toFloat64(arrayElement(${a}, toUInt64(${i}) + 1))`;
  const lo = at(sql`floor(${rn})`);
  const hi = at(sql`ceil(${rn})`);
  const d = sql`(${rn} - floor(${rn}))`;
  // DuckDB weighs the two neighbours (lo * (1 - d) + hi * d), which rounds unlike lo + (hi - lo) * d.
  return sql`if(length(${a}) = 0, NULL, ${lo} * (1 - ${d}) + ${hi} * ${d})`;
}

/** What link-processor.ts's DuckDB queries give, computed on ClickHouse. */
export async function clickhouseLinkInput(
  warehouse: Warehouse,
  w: LinkWindow,
  alignUs: number,
  examples: number,
): Promise<InferInput> {
  const rows = workTable('link_rows');
  const values = workTable('link_values');
  const lv = workTable('link_lv');
  const pairs = workTable('link_pairs');
  const work = [rows, values, lv, pairs];
  const drop = () => warehouse.execute(work.map((t) => sql`drop table if exists ${t}`));
  const input: InferInput = { pairs: [], fields: new Map(), between: new Map(), examples: new Map() };
  try {
    await warehouse.execute([
      sql`create table ${rows} (subsystem String, field String, value String, jtype String, t0 Int64, ty0 String,
        n0 UInt64, idl0 UInt8, num0 UInt8, hu0 UInt64) engine = Memory`,
    ]);
    await unpivotWindow(warehouse, w, rows);
    // Per (subsystem, field, value, how written) over the pages; inner names differ from the
    // outer aliases (ClickHouse resolves aliases before columns).
    await warehouse.execute([
      sql`create table ${values} engine = Memory as
        select subsystem, field, value, jtype, min(t0) as t1, argMin(ty0, (t0, ty0)) as ty1, sum(n0) as n1,
          any(idl0) as idl, any(num0) as num, any(hu0) as hu1
        from ${rows} group by subsystem, field, value, jtype`,
      sql`drop table if exists ${rows}`,
    ]);
    const fields = await idFields(warehouse, values);
    if (fields.length === 0) return input;
    const chosen = sql.join(fields.map((f) => sql`(${sql.list(f)})`));
    await warehouse.execute([
      sql`create table ${lv} engine = Memory as
        select subsystem, field, value, min(t1) as t, argMin(ty1, (t1, ty1)) as ty, sum(n1) as n, any(hu1) as hu
        from ${values} where (subsystem, field) in (${chosen}) group by subsystem, field, value`,
      sql`drop table if exists ${values}`,
      // One JOIN per SELECT: both sides renamed in their own subqueries, joined on the value.
      sql`create table ${pairs} engine = Memory as
        select sa, fa, sb, fb, value, ta, tb, tya, tyb, hu
        from (select subsystem as sa, field as fa, value, t as ta, ty as tya, hu from ${lv})
        all inner join (select subsystem as sb, field as fb, value, t as tb, ty as tyb from ${lv}) using value
        where sa < sb`,
    ]);
    const aligned = sql`abs(tb - ta) <= ${alignUs}`;
    const stats = await warehouse.query(
      sql`select sa, fa, sb, fb, shared, aligned_n, a_first, b_first,
          ${quantileOfSorted(sql`ds`, 0.5)} as p50, ${quantileOfSorted(sql`ds`, 0.05)} as p05,
          ${quantileOfSorted(sql`ds`, 0.95)} as p95
        from (select sa, fa, sb, fb, count() as shared, sum(${aligned}) as aligned_n,
            sum(${aligned} and ta < tb) as a_first, sum(${aligned} and tb < ta) as b_first,
            arraySort(groupArrayIf(tb - ta, ${aligned})) as ds
          from ${pairs} group by sa, fa, sb, fb)
        order by sa, fa, sb, fb`,
    );
    const typeCounts = (side: 'tya' | 'tyb') =>
      warehouse.query(
        sql`select sa, fa, sb, fb, ${sql.id(side)}, count() as c from ${pairs} group by sa, fa, sb, fb, ${sql.id(side)}`,
      );
    const tya = modesByPair(await typeCounts('tya'), 'tya');
    const tyb = modesByPair(await typeCounts('tyb'), 'tyb');
    input.pairs = stats.map((r): PairStats => {
      const k = pairKey({ sa: str(r.sa), fa: str(r.fa), sb: str(r.sb), fb: str(r.fb) });
      return {
        sa: str(r.sa),
        fa: str(r.fa),
        sb: str(r.sb),
        fb: str(r.fb),
        shared: Number(r.shared),
        aligned: Number(r.aligned_n),
        aFirst: Number(r.a_first),
        bFirst: Number(r.b_first),
        p05: num(r.p05),
        p50: num(r.p50),
        p95: num(r.p95),
        tya: tya.get(k) ?? '',
        tyb: tyb.get(k) ?? '',
      };
    });
    for (const r of await warehouse.query(
      sql`select subsystem, field, count() as distinct_values, sum(n) as occurrences from ${lv} group by subsystem, field`,
    )) {
      input.fields.set(fieldCountKey(str(r.subsystem), str(r.field)), {
        distinct: Number(r.distinct_values),
        occurrences: Number(r.occurrences),
      } satisfies FieldCount);
    }
    for (const r of await warehouse.query(
      sql`select sa, fa, sb, fb, y, count() as n
        from (select sa, fa, sb, fb, value, ta, tb from ${pairs} where ${aligned})
        all inner join (select subsystem as y, value, min(t) as ty0 from ${lv} group by subsystem, value) using value
        where y != sa and y != sb and ty0 >= least(ta, tb) and ty0 <= greatest(ta, tb)
        group by sa, fa, sb, fb, y`,
    )) {
      const p = { sa: str(r.sa), fa: str(r.fa), sb: str(r.sb), fb: str(r.fb) };
      input.between.set(`${pairKey(p)}|${str(r.y)}`, Number(r.n));
    }
    // hash01's order: the UInt64 hash as a double (rounded like DuckDB's cast), then the text.
    for (const r of await warehouse.query(
      sql`select sa, fa, sb, fb, value, ta, tb from ${pairs} where ${aligned}
        order by sa, fa, sb, fb, toFloat64(hu), value limit ${examples} by sa, fa, sb, fb`,
    )) {
      const k = pairKey({ sa: str(r.sa), fa: str(r.fa), sb: str(r.sb), fb: str(r.fb) });
      const list = input.examples.get(k) ?? [];
      list.push({ value: str(r.value), ta: Number(r.ta), tb: Number(r.tb) });
      input.examples.set(k, list);
    }
    return input;
  } finally {
    await drop();
  }
}
