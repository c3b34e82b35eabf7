// One parse pool per process and settings, shared by every ingest in it: starting worker threads
// costs seconds of CPU (each loads the parsers), so an ingest that is stopped and started again
// (a restart in tests, several ingests in one process) reuses them. Idle workers do not keep the
// process alive. Pipeline versions are named with a process-wide counter, so ingests sharing a
// pool never mix their definitions.
import { ParsePool } from './parse-pool.ts';

const pools = new Map<string, ParsePool>();
let generation = 0;

export function sharedParsePool(size: number, recordBudgetMs: number): ParsePool {
  const key = `${size}/${recordBudgetMs}`;
  let pool = pools.get(key);
  if (!pool?.usable) {
    pool = new ParsePool({ size, recordBudgetMs });
    pools.set(key, pool);
  }
  return pool;
}

/** A process-wide generation number for pipeline versions. */
export function nextGeneration(): number {
  return ++generation;
}
