// Runs every pipeline of a configuration against a warehouse: each source's batches go through
// its processor into the shared commit queue. Counters per pipeline prove that nothing is lost:
// records read = events + dead letters (+ filtered, once filters exist).
import { EventEmitter } from 'node:events';
import type { Config } from '../config/load.ts';
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import { nowUs, parseDurationMs } from '../events/time.ts';
import type { Source, SourceStats } from '../sources/source.ts';
import type { CommitBatch, Warehouse } from '../warehouse/warehouse.ts';
import { type BuiltPipeline, buildPipelines } from './build.ts';
import { CommitQueue } from './commit-queue.ts';
import { isDeadLetter, isFiltered } from './processor.ts';

export interface PipelineCounters {
  read: number;
  events: number;
  deadLetters: number;
  filtered: number;
}

export interface IngestStatus {
  pipelines: Record<string, PipelineCounters & SourceStats>;
  commits: CommitQueue['stats'];
  pendingRows: number;
}

export interface Ingest {
  /** Emits 'commit' with the CommitBatch just stored. */
  readonly events: EventEmitter<{ commit: [CommitBatch]; error: [unknown] }>;
  status(): IngestStatus;
  /** Stops reading, commits what was read, resolves when everything is stored. */
  stop(): Promise<void>;
  /** Resolves when all sources have ended and everything is committed. */
  readonly done: Promise<void>;
}

export async function startIngest(
  config: Config,
  warehouse: Warehouse,
  opts: { pipelines?: BuiltPipeline[] } = {},
): Promise<Ingest> {
  const pipelines = opts.pipelines ?? buildPipelines(config);
  const emitter = new EventEmitter<{ commit: [CommitBatch]; error: [unknown] }>();
  const queue = new CommitQueue(warehouse, {
    batchRows: config.ingest.batchRows,
    batchIntervalMs: parseDurationMs(config.ingest.batchInterval)!,
    onCommit: (b) => emitter.emit('commit', b),
    onError: (e) => emitter.emit('error', e),
  });
  const abort = new AbortController();
  const counters: Record<string, PipelineCounters> = {};
  const sources: Record<string, Source> = {};

  const run = async (p: BuiltPipeline) => {
    const c: PipelineCounters = { read: 0, events: 0, deadLetters: 0, filtered: 0 };
    counters[p.name] = c;
    const source = p.createSource(await warehouse.positions(p.name));
    sources[p.name] = source;
    for await (const batch of source.batches(abort.signal)) {
      const receivedAt = nowUs();
      const events: MortarEvent[] = [];
      const dead: DeadLetter[] = [];
      let filtered = 0;
      for (const r of batch.records) {
        const out = p.processor.process(r, receivedAt);
        if (isFiltered(out)) filtered++;
        else if (isDeadLetter(out)) dead.push(out);
        else events.push(out);
      }
      for (const r of batch.rejected) dead.push(p.processor.reject(r, receivedAt));
      c.read += batch.records.length + batch.rejected.length;
      c.events += events.length;
      c.deadLetters += dead.length;
      c.filtered += filtered;
      await queue.add(events, dead, batch.positions, batch.onCommitted);
    }
  };

  const done = Promise.all(pipelines.map(run)).then(
    () => queue.close(),
    async (e) => {
      abort.abort();
      await queue.close();
      throw e;
    },
  );
  return {
    events: emitter,
    done,
    status() {
      const out: IngestStatus['pipelines'] = {};
      for (const [name, c] of Object.entries(counters)) {
        const s = sources[name]?.stats();
        out[name] = { ...c, ...(s ?? { filesKnown: 0, filesOpen: 0, bytesRead: 0, bytesBehind: 0 }) };
      }
      return { pipelines: out, commits: { ...queue.stats }, pendingRows: queue.pendingRows };
    },
    async stop() {
      abort.abort();
      await done;
    },
  };
}
