// Applies an edited configuration to a running ingest (hot reload). The new configuration is
// built first, completely: if anything is wrong nothing changes and the result lists every error
// (file:line:col path, as `mortar check` prints them). Then, per pipeline:
// - parsers, transforms or map changed: the reader goes on, batches read from now on are parsed
//   with the new version (the switch falls between two batches: no record is lost or parsed twice);
// - source or framing changed: the old reader stops, what it read is committed with its
//   positions, and the new one resumes from exactly there;
// - added / removed: started / stopped the same way.
// Sections other than pipelines (warehouse, server, ingest, flows, health) need a restart; the
// result names the ones that changed.
import type { Config } from '../config/load.ts';
import { type ErrorDetail, isUserError } from '../events/errors.ts';
import { buildPipelines } from './build.ts';
import type { RunningPipelines } from './ingest.ts';

export interface ReloadResult {
  /** When it was applied (ISO 8601). */
  at: string;
  ok: boolean;
  /** Why the edit was rejected (empty when ok). */
  errors: ErrorDetail[];
  added: string[];
  /** Parsers, transforms or map switched without stopping the reader. */
  changed: string[];
  /** Source or framing changed: reader stopped and started again at the committed position. */
  restarted: string[];
  removed: string[];
  /** Sections that changed but take effect only after a restart. */
  needsRestart: string[];
}

const json = (x: unknown) => JSON.stringify(x);

export function rejectedReload(errors: ErrorDetail[]): ReloadResult {
  return {
    at: new Date().toISOString(),
    ok: false,
    errors,
    added: [],
    changed: [],
    restarted: [],
    removed: [],
    needsRestart: [],
  };
}

export async function applyReload(running: RunningPipelines, next: Config): Promise<ReloadResult> {
  let built: ReturnType<typeof buildPipelines>;
  try {
    built = buildPipelines(next);
  } catch (e) {
    if (isUserError(e)) return rejectedReload(e.details);
    throw e;
  }
  const result = rejectedReload([]);
  result.ok = true;
  const before = running.config;
  for (const key of ['warehouse', 'server', 'ingest', 'flows', 'health', 'edges', 'dataDir'] as const)
    if (json(before[key]) !== json(next[key])) result.needsRestart.push(key);

  const names = new Set(built.map((b) => b.name));
  for (const [name, runner] of [...running.runners]) {
    if (names.has(name)) continue;
    await runner.stop();
    running.runners.delete(name);
    running.pool?.forget(runner.version.key);
    result.removed.push(name);
  }
  for (const b of built) {
    const runner = running.runners.get(b.name);
    if (!runner) {
      running.launch(running.version(b));
      result.added.push(b.name);
      continue;
    }
    const old = runner.version.built.config;
    if (json(old) === json(b.config)) continue;
    if (json(old.source) === json(b.config.source) && json(old.framing) === json(b.config.framing)) {
      runner.swap(running.version(b));
      result.changed.push(b.name);
      continue;
    }
    await runner.stop();
    // Its positions must be stored before the new reader asks for them.
    await running.queue.flush();
    running.pool?.forget(runner.version.key);
    running.launch(running.version(b), runner.counters);
    result.restarted.push(b.name);
  }
  running.config = next;
  return result;
}
