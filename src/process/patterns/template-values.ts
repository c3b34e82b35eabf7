// The values some fields take in the events mapped to given templates (pattern_events joins each
// event to its template), for redacting masked values out of template texts: a word that was the
// same in every message of a template stays in its text, and may be a masked value. Bounded per
// template: a template whose events hold more distinct values of a field than the bound is
// reported as such, without its values. Runs on DuckDB and on ClickHouse 18.16 (one JOIN per
// SELECT, with USING; on a cluster the events are matched with GLOBAL IN, and the join's left
// side is a subquery, so it runs on the server that was asked).
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';

export interface TemplateKey {
  pipeline: string;
  id: string;
}

/** Distinct values per field of one template's events; `tooMany` when a field exceeded the bound. */
export interface TemplateValues {
  tooMany: boolean;
  values: Map<string, string[]>;
}

const key = (pipeline: string, id: string) => `${pipeline}\u0000${id}`;
export const templateKey = (t: TemplateKey) => key(t.pipeline, t.id);

/**
 * For each template of `templates`, the distinct non-empty values of each field of `fields` (an
 * expression over the events row alias `t`) in the events mapped to it; at most `limit` per field.
 * A template nothing maps to is absent from the result.
 */
export async function templateFieldValues(
  warehouse: Warehouse,
  templates: readonly TemplateKey[],
  fields: ReadonlyMap<string, Sql>,
  limit: number,
): Promise<Map<string, TemplateValues>> {
  const out = new Map<string, TemplateValues>();
  if (templates.length === 0 || fields.size === 0) return out;
  const d = warehouse.sqlDialect;
  const names = [...fields.keys()];
  const col = (i: number) => sql.id(`v${i}`);
  const P = sql.id('pattern_events');
  // Pipelines and ids are filtered apart (no tuple IN on both engines): the few extra pairs this
  // admits are dropped by key below.
  const joined = (ts: readonly TemplateKey[]) => {
    const mapped = sql`${sql.id('pipeline')} in (${sql.list([...new Set(ts.map((t) => t.pipeline))])})
      and ${sql.id('template_id')} in (${sql.list([...new Set(ts.map((t) => t.id))])})`;
    const left = sql`select event_id as id, pipeline as pp, template_id as tid from ${P} where ${mapped}`;
    const values = sql.join(names.map((n, i) => sql`${fields.get(n)!} as ${col(i)}`));
    const right = sql`select id, ${values} from ${sql.id('events')} as t
      where ${d.inSubquery(sql.id('t', 'id'), sql`select event_id from ${P} where ${mapped}`)}`;
    // ClickHouse 18.16 wants the join's strictness spelled out.
    const join = d.name === 'clickhouse' ? sql`all inner join` : sql`inner join`;
    return sql`select pp, tid, ${sql.join(names.map((_, i) => col(i)))} from (${left}) as m ${join} (${right}) as e using (id)`;
  };
  const wanted = new Set(templates.map(templateKey));
  const counts = await warehouse.query(
    sql`select pp, tid, ${sql.join(names.map((_, i) => sql`count(distinct ${col(i)}) as ${sql.id(`n${i}`)}`))}
      from (${joined(templates)}) as j group by pp, tid`,
  );
  const within: TemplateKey[] = [];
  for (const r of counts) {
    const k = key(String(r.pp), String(r.tid));
    if (!wanted.has(k)) continue;
    const tooMany = names.some((_, i) => Number(r[`n${i}`]) > limit);
    out.set(k, { tooMany, values: new Map(names.map((n) => [n, []])) });
    if (!tooMany) within.push({ pipeline: String(r.pp), id: String(r.tid) });
  }
  if (within.length === 0) return out;
  for (const [i, name] of names.entries()) {
    const rows = await warehouse.query(
      sql`select pp, tid, ${col(i)} as v from (${joined(within)}) as j
        where ${col(i)} is not null group by pp, tid, ${col(i)}`,
    );
    for (const r of rows) {
      const t = out.get(key(String(r.pp), String(r.tid)));
      const v = r.v === null || r.v === undefined ? '' : String(r.v);
      if (t && !t.tooMany && v !== '') t.values.get(name)!.push(v);
    }
  }
  return out;
}
