// Per-pipeline counters (GET /api/ingest, /api/pipelines) as an identity may see them. A pipeline
// is visible when the identity's `events` scope admits rows of that pipeline and its subsystem; its
// dead-letter count only when the `dead_letters` scope admits the pipeline too. The subsystem is
// known only when the map does not compute it from the line (map.subsystem absent or a literal):
// otherwise, and for a rule on any other dimension (severity, attrs...), the answer cannot be
// decided from the configuration and the pipeline is hidden (fail closed). Aggregates over all
// pipelines (commit queue, parse pool) and the reload report are left out for a scoped identity.
import type { Config } from '../config/load.ts';
import type { Identity } from '../reports/secure.ts';
import { valuesOf } from './cockpit-scopes.ts';
import { rowInScope } from './scopes.ts';

export interface PipelineVisibility {
  /** Nothing is restricted: show everything as it is. */
  all: boolean;
  sees(pipeline: string): boolean;
  seesDeadLetters(pipeline: string): boolean;
}

/** The one subsystem a pipeline's events belong to, or undefined when the map computes it per line. */
function fixedSubsystem(config: Config, pipeline: string): string | undefined {
  const p = config.pipelines[pipeline];
  if (!p) return undefined;
  const m = p.map?.subsystem;
  if (m === undefined) return p.subsystem;
  return typeof m === 'string' && !m.includes('{') ? m : undefined;
}

export function pipelineVisibility(identity: Identity, config: Config): PipelineVisibility {
  const events = identity.scopeOf('events');
  const dead = identity.scopeOf('dead_letters');
  const sees = (pipeline: string) =>
    events.all || rowInScope(events, valuesOf({ pipeline, subsystem: fixedSubsystem(config, pipeline) }));
  return {
    all: events.all && dead.all,
    sees,
    seesDeadLetters: (pipeline) => sees(pipeline) && (dead.all || rowInScope(dead, valuesOf({ pipeline }))),
  };
}

/** Keeps the visible pipelines of a name -> counters record; a hidden dead-letter count becomes 0. */
export function visiblePipelineCounters<T extends { deadLetters: number; read?: number }>(
  v: PipelineVisibility,
  byPipeline: Readonly<Record<string, T>>,
): Record<string, T> {
  if (v.all) return { ...byPipeline };
  const out: Record<string, T> = {};
  for (const [name, s] of Object.entries(byPipeline)) {
    if (!v.sees(name)) continue;
    // `read` counts dead letters too: it would give the hidden count away (read - events - filtered).
    out[name] = v.seesDeadLetters(name)
      ? s
      : { ...s, deadLetters: 0, ...(s.read === undefined ? {} : { read: s.read - s.deadLetters }) };
  }
  return out;
}
