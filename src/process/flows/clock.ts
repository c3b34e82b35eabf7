// Clock correction for flows: per subsystem, pipeline or component, an offset added to an event's
// time before it becomes a step time (so a sensor whose clock runs 2.5 s ahead is read with
// `clock: {components: {sc-02: -2500}}`). Applied when flows are computed, never to the stored
// events: the raw time stays the evidence, and a changed offset applies to history on reprocess.
// Most specific wins: component, then pipeline, then subsystem.
import type { Config } from '../../config/load.ts';
import type { Dialect } from '../../warehouse/dialect.ts';
import { type Sql, type SqlNode, sql } from '../../warehouse/sql.ts';

export interface ClockOffset {
  subsystem?: string;
  pipeline?: string;
  component?: string;
  offsetUs: number;
}

export function clockOffsets(config: Pick<Config, 'subsystems' | 'pipelines'>): ClockOffset[] {
  const out: ClockOffset[] = [];
  const subs = Object.entries(config.subsystems ?? {});
  for (const [subsystem, s] of subs)
    for (const [component, ms] of Object.entries(s.clock?.components ?? {}))
      out.push({ subsystem, component, offsetUs: Math.round(ms * 1000) });
  for (const [pipeline, p] of Object.entries(config.pipelines ?? {})) {
    for (const [component, ms] of Object.entries(p.clock?.components ?? {}))
      out.push({ pipeline, component, offsetUs: Math.round(ms * 1000) });
    if (p.clock?.offset_ms) out.push({ pipeline, offsetUs: Math.round(p.clock.offset_ms * 1000) });
  }
  for (const [subsystem, s] of subs)
    if (s.clock?.offset_ms) out.push({ subsystem, offsetUs: Math.round(s.clock.offset_ms * 1000) });
  return out;
}

/** Expression: the event's time in integer UTC µs with the clock correction applied. */
export function correctedUs(d: Dialect, offsets: readonly ClockOffset[], ts: SqlNode = sql.id('ts')): Sql {
  if (offsets.length === 0) return d.epochUs(ts);
  const whens = offsets.map((o) => {
    const conds: Sql[] = [];
    if (o.subsystem !== undefined) conds.push(sql`${sql.id('subsystem')} = ${o.subsystem}`);
    if (o.pipeline !== undefined) conds.push(sql`${sql.id('pipeline')} = ${o.pipeline}`);
    if (o.component !== undefined) conds.push(sql`${sql.id('component')} = ${o.component}`);
    return sql`when ${sql.join(conds, sql` and `)} then ${o.offsetUs}`;
  });
  return sql`(${d.epochUs(ts)} + case ${sql.join(whens, sql` `)} else 0 end)`;
}
