// The Warehouse every SQL engine shares: reads come from queries.ts through the engine's dialect;
// commit, migrate and close are the engine's own.
import type { Engine } from './engine.ts';
import {
  byDeadLetterOrder,
  byEventOrder,
  countOf,
  countsSql,
  deadLettersPageSql,
  eventsPageSql,
  positionsSql,
  rowToDeadLetter,
  rowToEvent,
  rowToPosition,
  volumeSql,
} from './queries.ts';
import type { Warehouse } from './warehouse.ts';

export function createSqlWarehouse(engine: Engine): Warehouse {
  const d = engine.dialect;
  return {
    dialect: d.name,
    sqlDialect: d,
    async query(q, options) {
      const [rows = []] = await engine.read([q], options);
      return rows;
    },
    execute: (statements, options) => engine.execute(statements, options),
    migrate: () => engine.migrate(),
    commit: (batch) => engine.commit(batch),
    ...(engine.commitDelayUs ? { commitDelayUs: () => engine.commitDelayUs!() } : {}),

    async positions(pipeline) {
      const [rows = []] = await engine.read([positionsSql(pipeline)]);
      return rows.map(rowToPosition);
    },

    async events(q) {
      const { count, page } = eventsPageSql(d, q);
      const [total = [], rows = []] = await engine.read([count, page]);
      return { total: countOf(total), rows: rows.map(rowToEvent).sort(byEventOrder) };
    },

    async volume(q) {
      const [rows = []] = await engine.read([volumeSql(d, q)]);
      return rows.map((r) => ({ t: Number(r.b), subsystem: String(r.subsystem), count: Number(r.n) }));
    },

    async counts() {
      const q = countsSql();
      const [events = [], deadLetters = [], bySub = []] = await engine.read([
        q.events,
        q.deadLetters,
        q.bySubsystem,
      ]);
      const bySubsystem: Record<string, number> = {};
      for (const r of bySub) bySubsystem[String(r.subsystem)] = Number(r.n);
      return { events: countOf(events), deadLetters: countOf(deadLetters), bySubsystem };
    },

    async deadLetters(q) {
      const { count, page } = deadLettersPageSql(d, q);
      const [total = [], rows = []] = await engine.read([count, page]);
      return { total: countOf(total), rows: rows.map(rowToDeadLetter).sort(byDeadLetterOrder) };
    },

    close: () => engine.close(),
  };
}
