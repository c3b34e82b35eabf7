// Runs sample text through one pipeline without a warehouse: framing, parsers, transforms, map.
// The onboarding path shared by `mortar parse` and the web try-out box. Parsing runs in the parse
// pool's workers under the per-record budget, so a pasted pattern that backtracks catastrophically
// turns its record into a `regex_timeout` dead letter instead of blocking the process (the server).
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/load.ts';
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import { nowUs, parseDurationMs } from '../events/time.ts';
import type { RawRecord } from '../sources/source.ts';
import type { BuiltPipeline } from './build.ts';
import { frameText } from './frame-text.ts';
import type { ParsePool } from './parse-pool.ts';
import { needsOneWorker } from './pipeline-runner.ts';
import type { Filtered } from './processor.ts';
import { nextGeneration, sharedParsePool } from './shared-pool.ts';

export type TryOutput =
  | { kind: 'event'; event: MortarEvent }
  | { kind: 'dead'; dead: DeadLetter }
  | { kind: 'filtered'; filtered: Filtered; offset: number };

/** Records per parse job. */
const CHUNK_RECORDS = 2_000;

/**
 * The parse pool for trying pipelines out under `config`'s ingest settings: the same pool an ingest
 * in this process uses, or one worker when the configuration parses inline (`workers: 0`), since a
 * sample must never run unguarded on the main thread.
 */
export function tryParsePool(config: Config): ParsePool {
  const { workers, recordBudget } = config.ingest;
  return sharedParsePool(Math.max(1, workers), parseDurationMs(recordBudget) ?? 1000);
}

/** Pipeline versions defined in each pool for trying out, per built pipeline. */
const definedIn = new WeakMap<ParsePool, WeakMap<BuiltPipeline, string>>();

function keyIn(pool: ParsePool, p: BuiltPipeline): string {
  let keys = definedIn.get(pool);
  if (!keys) {
    keys = new WeakMap();
    definedIn.set(pool, keys);
  }
  let key = keys.get(p);
  if (key === undefined) {
    key = `try:${p.name}#${nextGeneration()}`;
    pool.define(key, p.name, p.config);
    keys.set(p, key);
  }
  return key;
}

/**
 * Every record of `text`, in order; `file` names the input in lineage (a fresh file identity each
 * call). Parsed in `pool`'s workers (a record over the budget becomes a `regex_timeout` dead letter).
 */
export async function tryPipeline(
  p: BuiltPipeline,
  text: string,
  pool: ParsePool,
  file = 'input',
): Promise<TryOutput[]> {
  const receivedAt = nowUs();
  const fileId = `try-${randomUUID()}`;
  const out: { offset: number; result: TryOutput }[] = [];
  const records: RawRecord[] = [];
  for (const f of frameText(text, p.config.framing, p.config.source.max_line_bytes)) {
    const where = { file, fileId, offset: f.offset, endOffset: f.endOffset };
    if (f.kind === 'record') records.push({ ...where, text: f.text });
    else
      out.push({
        offset: f.offset,
        result: {
          kind: 'dead',
          dead: p.processor.reject({ ...where, reason: f.reason, raw: f.raw }, receivedAt),
        },
      });
  }
  const key = keyIn(pool, p);
  // A csv header is remembered by the worker that saw it: such pipelines stay on one worker.
  const affinity = needsOneWorker(p) ? 0 : undefined;
  const jobs: ReturnType<ParsePool['parse']>[] = [];
  for (let i = 0; i < records.length; i += CHUNK_RECORDS)
    jobs.push(pool.parse(key, records.slice(i, i + CHUNK_RECORDS), receivedAt, affinity, true));
  for (const job of jobs) {
    const parsed = await job;
    for (const event of parsed.events) out.push({ offset: event.offset, result: { kind: 'event', event } });
    for (const dead of parsed.deadLetters) out.push({ offset: dead.offset, result: { kind: 'dead', dead } });
    for (const f of parsed.filteredAt ?? [])
      out.push({
        offset: f.offset,
        result: { kind: 'filtered', filtered: { filtered: true, stage: f.stage }, offset: f.offset },
      });
  }
  return out.sort((a, b) => a.offset - b.offset).map((x) => x.result);
}
