// Incremental pattern mining inside the warehouse. Each step reads the events that arrived since
// the ingest-time watermark (minus a lag, so a commit that lands late with an older received_at
// is still seen; events already mapped are skipped), mines their messages' first lines with one
// miner per pipeline, and stores in ONE transaction: the event -> template rows, the touched
// templates (count, first/last seen, examples), "new pattern" changes and the new watermark.
// A crash before the commit changes nothing; after it, the mapping table says what was counted,
// so nothing is counted twice. The miners are restored from pattern_templates on the first step.
// On ClickHouse (no transactions) the same step writes in a crash-safe order and the restore
// takes the counts from the mapping (pattern-clickhouse.ts).

import { nextVersion } from '../../warehouse/clickhouse/derivedTables.ts';
import { type Sql, type SqlValue, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { type MinerOptions, OVERFLOW_ID, PatternMiner } from './miner.ts';
import {
  clickhouseEventsToMine,
  clickhouseRateChanges,
  insertLogRows,
  mappedCounts,
  overflowFrom,
  type StoredCounts,
  templateValues,
} from './pattern-clickhouse.ts';
import { PATTERN_TABLES } from './pattern-tables.ts';

export interface PatternSettings {
  /** Events mined per step (bounds memory and transaction size). */
  batch: number;
  /** How far before the watermark (ingest time) to look again for late commits. */
  lagUs: number;
  /** A pipeline's templates seen within this event time of its first event are not "new". */
  warmupUs: number;
  /** Rate changes: recent window; the baseline is the `baselineWindows` windows before it. */
  rateWindowUs: number;
  baselineWindows: number;
  /** Examples kept per template. */
  examples: number;
  miner: Partial<MinerOptions>;
}

export const DEFAULT_PATTERN_SETTINGS: Readonly<PatternSettings> = Object.freeze({
  batch: 5000,
  lagUs: 60e6,
  warmupUs: 120e6,
  rateWindowUs: 300e6,
  baselineWindows: 6,
  examples: 3,
  miner: {},
});

interface TemplateRow {
  pipeline: string;
  subsystem: string;
  id: string;
  count: number;
  firstUs: number;
  lastUs: number;
  examples: string[];
}

/** What the miners remember between steps (restored from the tables on first use). */
export interface PatternState {
  miners: Map<string, PatternMiner>;
  rows: Map<string, TemplateRow>;
  pipelineFirstUs: Map<string, number>;
  overflow: Map<string, number>;
  watermarkUs: number;
  loaded: boolean;
}

export function newPatternState(): PatternState {
  return {
    miners: new Map(),
    rows: new Map(),
    pipelineFirstUs: new Map(),
    overflow: new Map(),
    watermarkUs: 0,
    loaded: false,
  };
}

const T = sql.id('pattern_templates');
const E = sql.id('pattern_events');
const C = sql.id('pattern_changes');
const S = sql.id('pattern_state');
const key = (pipeline: string, id: string) => `${pipeline}\u0000${id}`;

/** Creates the pattern tables on DuckDB; on ClickHouse the schema migrations made them (derivedSchema.ts). */
export async function ensurePatternTables(warehouse: Warehouse): Promise<void> {
  if (warehouse.dialect === 'clickhouse') return;
  await warehouse.execute(PATTERN_TABLES);
}

async function load(warehouse: Warehouse, st: PatternState, s: PatternSettings): Promise<void> {
  const clickhouse = warehouse.dialect === 'clickhouse';
  const rows = await warehouse.query(
    sql`select pipeline, subsystem, id, template, tokens, varied, count, first_us, last_us, examples from ${T} order by pipeline, first_us, id`,
  );
  // ClickHouse: a step interrupted between its writes may have stored counts without mappings;
  // the mapping is what was counted, so stored rows that disagree are rewritten (or dropped).
  const mapped = clickhouse ? await mappedCounts(warehouse) : undefined;
  const fixes: SqlValue[][] = [];
  const drops: SqlValue[][] = [];
  for (const r of rows) {
    const pipeline = String(r.pipeline);
    const row: TemplateRow = {
      pipeline,
      subsystem: String(r.subsystem),
      id: String(r.id),
      count: Number(r.count),
      firstUs: Number(r.first_us),
      lastUs: Number(r.last_us),
      examples: JSON.parse(String(r.examples)) as string[],
    };
    if (mapped) {
      const m: StoredCounts | undefined = mapped.get(key(pipeline, row.id));
      if (!m) {
        drops.push(templateValues(r, row));
        continue;
      }
      if (m.count !== row.count || m.firstUs !== row.firstUs || m.lastUs !== row.lastUs) {
        Object.assign(row, m);
        fixes.push(templateValues(r, m));
      }
    }
    st.rows.set(key(pipeline, row.id), row);
    if (row.id !== OVERFLOW_ID)
      minerOf(st, pipeline, s).restoreTokens(
        row.id,
        JSON.parse(String(r.tokens)) as string[],
        row.count,
        r.varied === true || r.varied === 1,
      );
    st.pipelineFirstUs.set(pipeline, Math.min(st.pipelineFirstUs.get(pipeline) ?? row.firstUs, row.firstUs));
  }
  for (const r of await warehouse.query(sql`select pipeline, watermark_us, overflow from ${S}`)) {
    if (String(r.pipeline) === '') st.watermarkUs = Number(r.watermark_us);
    else {
      st.overflow.set(String(r.pipeline), Number(r.overflow));
      minerOf(st, String(r.pipeline), s).overflow = Number(r.overflow);
    }
  }
  if (mapped) {
    const overflow = overflowFrom(mapped);
    for (const pipeline of new Set([...overflow.keys(), ...st.overflow.keys()])) {
      const n = overflow.get(pipeline) ?? 0;
      st.overflow.set(pipeline, n);
      minerOf(st, pipeline, s).overflow = n;
    }
    const version = nextVersion();
    await warehouse.execute([
      ...insertLogRows('pattern_templates', fixes, version),
      ...insertLogRows('pattern_templates', drops, version, true),
    ]);
  }
  st.loaded = true;
}

function minerOf(st: PatternState, pipeline: string, s: PatternSettings): PatternMiner {
  let m = st.miners.get(pipeline);
  if (!m) {
    m = new PatternMiner(s.miner);
    st.miners.set(pipeline, m);
  }
  return m;
}

export interface PatternStepResult {
  events: number;
  created: number;
  changes: number;
}

/** Mines one batch of new events; `events: 0` when there was nothing new. */
export async function minePatternStep(
  warehouse: Warehouse,
  st: PatternState,
  s: PatternSettings = DEFAULT_PATTERN_SETTINGS,
): Promise<PatternStepResult> {
  if (!st.loaded) await load(warehouse, st, s);
  const d = warehouse.sqlDialect;
  const since = st.watermarkUs - s.lagUs;
  const clickhouse = warehouse.dialect === 'clickhouse';
  const events = await warehouse.query(
    clickhouse
      ? clickhouseEventsToMine(since, s.batch)
      : sql`select e.id, e.pipeline, e.subsystem, e.component, e.message,
        ${d.epochUs(sql.id('e', 'ts'))} as ts_us, ${d.epochUs(sql.id('e', 'received_at'))} as rcv_us
      from ${sql.id('events')} e
      where e.received_at >= ${sql.ts(Math.max(0, since))}
        and not exists (select 1 from ${E} p where p.event_id = e.id and p.received_us >= ${since})
      order by e.received_at, e.pipeline, e.file, e.${sql.id('offset')}
      limit ${s.batch}`,
  );
  if (events.length === 0) return { events: 0, created: 0, changes: 0 };
  const mapped: SqlValue[][] = [];
  const touched = new Set<string>();
  const changes: SqlValue[][] = [];
  let created = 0;
  let watermark = st.watermarkUs;
  for (const e of events) {
    const pipeline = String(e.pipeline);
    const subsystem = String(e.subsystem);
    const message = String(e.message ?? '');
    const tsUs = Number(e.ts_us);
    const rcvUs = Number(e.rcv_us);
    watermark = Math.max(watermark, rcvUs);
    const firstUs = st.pipelineFirstUs.get(pipeline) ?? tsUs;
    st.pipelineFirstUs.set(pipeline, Math.min(firstUs, tsUs));
    const miner = minerOf(st, pipeline, s);
    const line = message.split('\n', 1)[0]!;
    const m = miner.add(line);
    const k = key(pipeline, m.id);
    let row = st.rows.get(k);
    if (!row) {
      row = { pipeline, subsystem, id: m.id, count: 0, firstUs: tsUs, lastUs: tsUs, examples: [] };
      st.rows.set(k, row);
    }
    row.count++;
    row.firstUs = Math.min(row.firstUs, tsUs);
    row.lastUs = Math.max(row.lastUs, tsUs);
    if (row.examples.length < s.examples && !row.examples.includes(line)) row.examples.push(line);
    touched.add(k);
    mapped.push([String(e.id), pipeline, m.id, tsUs, rcvUs]);
    if (m.created) {
      created++;
      if (tsUs - firstUs >= s.warmupUs) {
        changes.push([pipeline, subsystem, String(e.component), m.id, 'new', tsUs, 1, 0, m.template]);
      }
    }
  }
  const rows = [...touched].map((k) => st.rows.get(k)!);
  const templates = rows.map((r): SqlValue[] => {
    const miner = st.miners.get(r.pipeline)!;
    const cluster = miner.cluster(r.id);
    const tokens = cluster?.tokens ?? ['<*>'];
    return [
      r.pipeline,
      r.subsystem,
      r.id,
      tokens.join(' '),
      JSON.stringify(tokens),
      cluster?.varied === true,
      r.count,
      r.firstUs,
      r.lastUs,
      JSON.stringify(r.examples),
    ];
  });
  const state: SqlValue[][] = [['', watermark, 0]];
  for (const [pipeline, miner] of st.miners) state.push([pipeline, 0, miner.overflow]);
  const written = { mapped, templates, changes, state };
  const statements = clickhouse ? clickhouseStepStatements(written) : duckdbStepStatements(written);
  try {
    await warehouse.execute(statements);
  } catch (e) {
    // The miners already counted this batch; forget them so the retry starts from what is stored.
    Object.assign(st, newPatternState());
    throw e;
  }
  st.watermarkUs = watermark;
  for (const [pipeline, miner] of st.miners) st.overflow.set(pipeline, miner.overflow);
  return { events: events.length, created, changes: changes.length };
}

interface StepRows {
  mapped: SqlValue[][];
  templates: SqlValue[][];
  changes: SqlValue[][];
  state: SqlValue[][];
}

const tuples = (rows: readonly SqlValue[][]) => sql.join(rows.map((r) => sql`(${sql.list(r)})`));

/** DuckDB: everything in one transaction, templates and state replaced by delete + insert. */
function duckdbStepStatements(w: StepRows): Sql[] {
  const statements: Sql[] = [];
  for (let i = 0; i < w.mapped.length; i += 500) {
    statements.push(sql`insert into ${E} values ${tuples(w.mapped.slice(i, i + 500))}`);
  }
  for (const pipeline of new Set(w.templates.map((r) => r[0] as string))) {
    const ids = w.templates.filter((r) => r[0] === pipeline).map((r) => r[2] as string);
    for (let i = 0; i < ids.length; i += 500) {
      statements.push(
        sql`delete from ${T} where pipeline = ${pipeline} and id in (${sql.list(ids.slice(i, i + 500))})`,
      );
    }
  }
  for (let i = 0; i < w.templates.length; i += 300) {
    statements.push(sql`insert into ${T} values ${tuples(w.templates.slice(i, i + 300))}`);
  }
  if (w.changes.length) statements.push(sql`insert into ${C} values ${tuples(w.changes)}`);
  statements.push(sql`delete from ${S}`, sql`insert into ${S} values ${tuples(w.state)}`);
  return statements;
}

/**
 * ClickHouse: no transaction, so the order is what makes a crash harmless: changes and templates
 * first, then the mapping (which says what was counted), the watermark last (pattern-clickhouse.ts).
 */
function clickhouseStepStatements(w: StepRows): Sql[] {
  const version = nextVersion();
  return [
    ...insertLogRows('pattern_changes', w.changes, version),
    ...insertLogRows('pattern_templates', w.templates, version),
    ...insertLogRows('pattern_events', w.mapped, version),
    ...insertLogRows('pattern_state', w.state, version),
  ];
}

/**
 * Records rate changes: per pipeline and template, the count in the recent window (ending at the
 * pipeline's newest mined event) against the mean of the baseline windows before it; a jump to at
 * least 4x + 10 or a fall to at most a quarter (from at least 10) is one row, once per window.
 */
export async function detectRateChanges(
  warehouse: Warehouse,
  s: PatternSettings = DEFAULT_PATTERN_SETTINGS,
): Promise<number> {
  const w = s.rateWindowUs;
  const k = s.baselineWindows;
  const before = await warehouse.query(sql`select count(*) as n from ${C}`);
  if (warehouse.dialect === 'clickhouse') await warehouse.execute([clickhouseRateChanges(w, k)]);
  else
    await warehouse.execute([
      sql`insert into ${C}
      with nowp as (select pipeline, max(ts_us) as now_us from ${E} group by pipeline),
      c as (
        select p.pipeline, p.template_id, n.now_us,
          sum(case when p.ts_us > n.now_us - ${w} then 1 else 0 end) as recent,
          cast(sum(case when p.ts_us <= n.now_us - ${w} then 1 else 0 end) as double) / ${k} as baseline
        from ${E} p join nowp n on n.pipeline = p.pipeline
        where p.ts_us > n.now_us - ${(k + 1) * w} and p.template_id <> ${OVERFLOW_ID}
        group by p.pipeline, p.template_id, n.now_us)
      select c.pipeline, t.subsystem, '', c.template_id,
        case when c.recent > c.baseline then 'rate_up' else 'rate_down' end,
        c.now_us, c.recent, c.baseline, t.template
      from c join ${T} t on t.pipeline = c.pipeline and t.id = c.template_id
      where t.first_us <= c.now_us - ${(k + 1) * w}
        and (c.recent >= 4 * c.baseline + 10 or (c.baseline >= 10 and c.recent * 4 <= c.baseline))
        and not exists (select 1 from ${C} x where x.pipeline = c.pipeline and x.template_id = c.template_id
          and x.kind in ('rate_up', 'rate_down') and x.at_us > c.now_us - ${w})`,
    ]);
  const after = await warehouse.query(sql`select count(*) as n from ${C}`);
  return Number(after[0]?.n ?? 0) - Number(before[0]?.n ?? 0);
}
