// Runs every pipeline of a configuration against a warehouse: each source's batches are parsed in
// the parse pool's worker threads (or inline with `ingest.workers: 0`) and committed, in the order
// they were read, through the shared commit queue. Counters per pipeline prove that nothing is
// lost: records read = events + dead letters + filtered. `reload` applies an edited configuration
// without a restart (see reload.ts for how each kind of change is applied).
import { EventEmitter } from 'node:events';
import type { Config } from '../config/load.ts';
import { isUserError } from '../events/errors.ts';
import { parseDurationMs } from '../events/time.ts';
import type { SourceStats } from '../sources/source.ts';
import type { CommitBatch, Warehouse } from '../warehouse/warehouse.ts';
import { type BuiltPipeline, buildPipelines } from './build.ts';
import { CommitQueue } from './commit-queue.ts';
import { boundHeapGrowth } from './heap-growth.ts';
import type { ParsePool, ParsePoolStats } from './parse-pool.ts';
import { type PipelineCounters, PipelineRunner, type PipelineVersion } from './pipeline-runner.ts';
import { applyReload, type ReloadResult, rejectedReload } from './reload.ts';
import { nextGeneration as generationCounter, sharedParsePool } from './shared-pool.ts';

export type { PipelineCounters } from './pipeline-runner.ts';

export interface IngestStatus {
  pipelines: Record<string, PipelineCounters & SourceStats & { source: string }>;
  commits: CommitQueue['stats'];
  pendingRows: number;
  /**
   * Everything read so far is committed: no batch is being parsed or waits for the commit queue,
   * and the queue holds nothing and commits nothing. (Whether there is more to read is bytesBehind.)
   */
  settled: boolean;
  /** The parse worker threads (absent when parsing inline). */
  parse?: ParsePoolStats;
  /** The last configuration reload (hot reload), if any. */
  reload?: ReloadResult;
}

export interface Ingest {
  /** Emits 'commit' with the CommitBatch just stored. */
  readonly events: EventEmitter<{ commit: [CommitBatch]; error: [unknown] }>;
  status(): IngestStatus;
  /**
   * Applies an edited configuration's pipelines: new ones start, removed ones stop, changed ones
   * switch between two batches. An invalid configuration changes nothing; the result lists why.
   */
  reload(config: Config | (() => Config)): Promise<ReloadResult>;
  /** The result of the last reload, if any. */
  lastReload(): ReloadResult | undefined;
  /** Stops reading, commits what was read, resolves when everything is stored. */
  stop(): Promise<void>;
  /** Resolves when all sources have ended and everything is committed. */
  readonly done: Promise<void>;
}

export interface IngestOptions {
  pipelines?: BuiltPipeline[];
  /** Test hook: awaited before every warehouse commit (a slow warehouse, for backpressure tests). */
  beforeCommit?: () => Promise<void>;
}

/** The set of running pipelines, as reload.ts changes it. */
export interface RunningPipelines {
  runners: Map<string, PipelineRunner>;
  config: Config;
  queue: CommitQueue;
  pool?: ParsePool;
  /** A new version of a pipeline, known to the parse pool. */
  version(built: BuiltPipeline): PipelineVersion;
  /** Starts a runner (counters carried over from the one it replaces). */
  launch(version: PipelineVersion, counters?: PipelineCounters): PipelineRunner;
}

export async function startIngest(
  config: Config,
  warehouse: Warehouse,
  opts: IngestOptions = {},
): Promise<Ingest> {
  const pipelines = opts.pipelines ?? buildPipelines(config);
  boundHeapGrowth();
  const emitter = new EventEmitter<{ commit: [CommitBatch]; error: [unknown] }>();
  const queue = new CommitQueue(warehouse, {
    batchRows: config.ingest.batchRows,
    batchIntervalMs: parseDurationMs(config.ingest.batchInterval)!,
    onCommit: (b) => emitter.emit('commit', b),
    onError: (e) => emitter.emit('error', e),
    beforeCommit: opts.beforeCommit,
  });
  const workers = config.ingest.workers;
  const pool =
    workers === 0 ? undefined : sharedParsePool(workers, parseDurationMs(config.ingest.recordBudget) ?? 1000);
  /** Pipeline versions this ingest defined in the (shared) pool. */
  const defined = new Set<string>();

  let stopping = false;
  let reloading: Promise<unknown> = Promise.resolve();
  let last: ReloadResult | undefined;
  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const ended = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let finished = false;
  const finish = async (failure?: unknown) => {
    if (finished) return;
    finished = true;
    stopping = true;
    await Promise.allSettled([...running.runners.values()].map((r) => r.stop()));
    await queue.close();
    for (const key of defined) pool?.forget(key);
    if (failure === undefined) settle.resolve();
    else settle.reject(failure);
  };

  const running: RunningPipelines = {
    runners: new Map(),
    config,
    queue,
    pool,
    version(built) {
      const key = `${built.name}#${generationCounter()}`;
      defined.add(key);
      pool?.define(key, built.name, built.config);
      return { key, built };
    },
    launch(version, counters) {
      const runner = new PipelineRunner(version, {
        warehouse,
        queue,
        pool,
        retired: (key) => {
          defined.delete(key);
          pool?.forget(key);
        },
      });
      if (counters) Object.assign(runner.counters, counters);
      running.runners.set(version.built.name, runner);
      runner.start().then(
        () => {
          // Every source ended by itself (stdin closed): the ingest is done once nothing else runs.
          void reloading.then(() => {
            if (!stopping && [...running.runners.values()].every((r) => r.ended)) void finish();
          });
        },
        (e) => void finish(e),
      );
      return runner;
    },
  };
  for (const p of pipelines) running.launch(running.version(p));
  if (pipelines.length === 0) void finish();

  return {
    events: emitter,
    done: ended,
    status() {
      const out: IngestStatus['pipelines'] = {};
      for (const [name, r] of running.runners) {
        const s = r.source?.stats();
        out[name] = {
          source: r.version.built.config.source.type,
          ...r.counters,
          ...(s ?? { filesKnown: 0, filesOpen: 0, bytesRead: 0, bytesBehind: 0 }),
        };
      }
      return {
        pipelines: out,
        commits: { ...queue.stats },
        pendingRows: queue.pendingRows,
        settled: queue.settled && [...running.runners.values()].every((r) => r.batchesInFlight === 0),
        ...(pool ? { parse: pool.stats() } : {}),
        ...(last ? { reload: last } : {}),
      };
    },
    reload(next) {
      const result = reloading.then(async () => {
        if (stopping) throw new Error('ingest is stopping');
        let config: Config;
        try {
          config = typeof next === 'function' ? next() : next;
        } catch (e) {
          if (!isUserError(e)) throw e;
          last = rejectedReload(e.details.length > 0 ? e.details : [{ where: 'config', message: e.message }]);
          return last;
        }
        last = await applyReload(running, config);
        return last;
      });
      reloading = result.catch(() => {});
      return result;
    },
    lastReload: () => last,
    async stop() {
      await reloading;
      await finish();
      await ended;
    },
  };
}
