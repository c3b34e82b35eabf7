// `simulate()`: runs the demo world and writes its logs, truth, manifest and state under outDir.
// batch: a simulated clock from `start`, as fast as possible, byte-for-byte reproducible for the
// same seed, options and scenarios. realtime: the wall clock paces the same world, lines appear as
// time passes, and ids continue from `sim-state.json` so a restarted demo never reuses one.
// Scenarios (scenarios.ts) lay faults over the world at times relative to the run's start.
import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { UserError } from '../events/errors.ts';
import { isoUtc } from './formats/time.ts';
import { IdCounters, type IdLimits } from './ids.ts';
import { type Manifest, Output, writeJsonAtomic } from './output.ts';
import { Random } from './random.ts';
import { parseScenarios, planScenarios, type ScenarioSpec } from './scenarios.ts';
import { loadState, type SimState, STATE_FILE, saveState } from './state.ts';
import { COMPONENTS, SUBSYSTEMS } from './topology.ts';
import { World } from './world.ts';

export interface SimulateOptions {
  outDir: string;
  seed?: number;
  /** Simulated (batch) or wall-clock (realtime) length; undefined: until `signal` aborts. */
  durationMs?: number;
  /** Alarms per second across all sensors. */
  ratePerSecond?: number;
  mode?: 'batch' | 'realtime';
  /** Batch only: where the simulated clock starts. */
  start?: Date;
  rotateBytes?: number;
  keepRotated?: number;
  /** Share of alarms lost at some hop (default 0.01). */
  lossRate?: number;
  /** Share of records garbled (default 0.001). */
  corruptRate?: number;
  /** Mean time between failures of each HA pair's active node (default 30 min; 0: never). */
  failoverMeanMs?: number;
  /** Faults to add: `failover,storm:factor=20` or specs; default none (baseline). */
  scenarios?: string | readonly ScenarioSpec[];
  signal?: AbortSignal;
  onProgress?: (p: SimulateProgress) => void;
}

export interface SimulateProgress {
  simulatedMs: number;
  lines: number;
}

export interface SimulateSummary {
  mode: 'batch' | 'realtime';
  seed: number;
  start: string;
  end: string;
  simulatedMs: number;
  /** Lines written this run, per subsystem. */
  lines: Record<string, number>;
  totalLines: number;
  bytes: number;
  alarms: number;
  cleared: number;
  lost: number;
  lostAt: Record<string, number>;
  inFlight: number;
  heartbeats: number;
  corrupt: number;
  failovers: number;
  nextEvt: number;
  nextAlarm: number;
  /** The scenarios this run played (baseline first). */
  scenarios: string[];
}

export const DEFAULT_START = new Date('2026-01-01T00:00:00Z');
const FIRST_EVT = 1000;
const FIRST_ALARM = 1;
const BATCH_CHUNK = 5000;

export async function simulate(opts: SimulateOptions): Promise<SimulateSummary> {
  const mode = opts.mode ?? 'batch';
  const seed = opts.seed ?? 1;
  check(opts, mode);
  const startUs = mode === 'realtime' ? Date.now() * 1000 : (opts.start ?? DEFAULT_START).getTime() * 1000;
  const endUs = opts.durationMs === undefined ? Number.POSITIVE_INFINITY : startUs + opts.durationMs * 1000;
  // Checked before anything is written or removed.
  const specs = typeof opts.scenarios === 'string' ? parseScenarios(opts.scenarios) : (opts.scenarios ?? []);
  const scenarios = planScenarios(specs, { startUs, durationMs: opts.durationMs });
  const outDir = opts.outDir;
  const previous = mode === 'realtime' ? loadState(outDir) : undefined;
  if (mode === 'batch') removeEarlierOutput(outDir);
  const runs = (previous?.runs ?? 0) + 1;
  const state = (limits: IdLimits, atUs: number): SimState => ({
    version: 1,
    ...limits,
    runs,
    savedAt: isoUtc(atUs),
  });
  const ids = new IdCounters(
    previous?.nextEvt ?? FIRST_EVT,
    previous?.nextAlarm ?? FIRST_ALARM,
    mode === 'realtime' ? (limits) => saveState(outDir, state(limits, Date.now() * 1000)) : undefined,
  );
  // A restarted realtime run must not replay the previous run's dice.
  const rng = new Random(runs === 1 ? seed : (seed ^ Math.imul(runs, 0x9e3779b1)) >>> 0);
  const output = new Output(
    outDir,
    {
      rotateBytes: opts.rotateBytes ?? 1024 * 1024,
      keepRotated: opts.keepRotated ?? 5,
      bufferBytes: mode === 'batch' ? 64 * 1024 : 0,
      corruptRate: opts.corruptRate ?? 0.001,
      // A demo left running for days must not fill the disk with ground truth.
      truthRotateBytes: mode === 'realtime' ? 64 * 1024 * 1024 : Number.POSITIVE_INFINITY,
    },
    rng.fork(),
  );
  const world = new World(
    rng,
    output,
    {
      startUs,
      ratePerSecond: opts.ratePerSecond ?? 2,
      lossRate: opts.lossRate ?? 0.01,
      failoverMeanMs: opts.failoverMeanMs ?? 30 * 60_000,
      scenarios,
    },
    ids,
  );
  world.start();
  const progress = (atUs: number): void =>
    opts.onProgress?.({ simulatedMs: (atUs - startUs) / 1000, lines: output.lines });

  let reachedUs = startUs;
  try {
    if (mode === 'batch') {
      while (!opts.signal?.aborted) {
        world.runUntil(endUs, BATCH_CHUNK);
        reachedUs = world.queue.peekAt() > endUs ? endUs : world.now;
        progress(reachedUs);
        if (reachedUs >= endUs) break;
        await yieldToLoop(); // lets timers (progress display) and the abort signal through
      }
    } else {
      while (!opts.signal?.aborted) {
        const now = Math.min(Date.now() * 1000, endUs);
        world.runUntil(now);
        reachedUs = now;
        progress(now);
        if (now >= endUs) break;
        const waitMs = Math.min(250, Math.max(1, (world.queue.peekAt() - Date.now() * 1000) / 1000));
        await sleep(waitMs, undefined, { signal: opts.signal }).catch(() => undefined);
      }
    }
  } finally {
    world.finish(reachedUs, { mode, seed });
    output.close();
  }
  const summary = summarise(world, output, mode, seed, startUs, reachedUs);
  const manifest: Manifest & Record<string, unknown> = {
    mode,
    seed,
    start: summary.start,
    end: summary.end,
    ...output.manifest(),
  };
  writeJsonAtomic(join(outDir, 'manifest.json'), manifest);
  // Exact counters now that every id handed out is on disk; a batch run's state lets a realtime
  // run continue the same story in the same directory.
  saveState(outDir, state({ nextEvt: ids.nextEvt, nextAlarm: ids.nextAlarm }, reachedUs));
  return summary;
}

function check(opts: SimulateOptions, mode: string): void {
  const problems: { where: string; message: string }[] = [];
  const need = (ok: boolean, where: string, message: string): void => {
    if (!ok) problems.push({ where, message });
  };
  need(typeof opts.outDir === 'string' && opts.outDir !== '', 'outDir', 'an output directory is required');
  need(mode === 'batch' || mode === 'realtime', 'mode', 'expected batch or realtime');
  need(opts.seed === undefined || Number.isInteger(opts.seed), 'seed', 'expected an integer');
  need(
    opts.durationMs === undefined || (Number.isFinite(opts.durationMs) && opts.durationMs >= 0),
    'durationMs',
    'expected a duration of 0 or more',
  );
  need(
    opts.ratePerSecond === undefined || (Number.isFinite(opts.ratePerSecond) && opts.ratePerSecond >= 0),
    'ratePerSecond',
    'expected 0 or more alarms per second',
  );
  need(
    opts.rotateBytes === undefined || opts.rotateBytes >= 1024,
    'rotateBytes',
    'expected at least 1024 bytes',
  );
  need(
    opts.keepRotated === undefined || (Number.isInteger(opts.keepRotated) && opts.keepRotated >= 0),
    'keepRotated',
    'expected an integer of 0 or more',
  );
  for (const k of ['lossRate', 'corruptRate'] as const) {
    const v = opts[k];
    need(v === undefined || (v >= 0 && v <= 1), k, 'expected a share between 0 and 1');
  }
  need(opts.start === undefined || !Number.isNaN(opts.start.getTime()), 'start', 'expected a valid date');
  need(
    mode !== 'batch' || opts.durationMs !== undefined || opts.signal !== undefined,
    'durationMs',
    'batch mode needs a duration (or a signal to stop it)',
  );
  if (problems.length > 0) throw new UserError('bad_request', 'invalid simulator options', problems);
}

/** Batch output must be reproducible, so files of an earlier run are removed, and only those. */
function removeEarlierOutput(outDir: string): void {
  const removeMatching = (dir: string, ours: RegExp): void => {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir)) if (ours.test(f)) unlinkSync(join(dir, f));
  };
  removeMatching(
    outDir,
    new RegExp(`^(truth\\.jsonl(\\.\\d+)?|manifest\\.json|${STATE_FILE.replace('.', '\\.')})$`),
  );
  for (const s of SUBSYSTEMS)
    removeMatching(join(outDir, s), new RegExp(`^(${COMPONENTS[s].join('|')})\\.log(\\.\\d+)?$`));
}

function summarise(
  world: World,
  output: Output,
  mode: 'batch' | 'realtime',
  seed: number,
  startUs: number,
  endUs: number,
): SimulateSummary {
  const s = world.stats;
  return {
    mode,
    seed,
    start: isoUtc(startUs),
    end: isoUtc(endUs),
    simulatedMs: (endUs - startUs) / 1000,
    lines: { ...output.linesBySubsystem },
    totalLines: output.lines,
    bytes: output.bytes,
    alarms: s.alarms,
    cleared: s.cleared,
    lost: s.lost,
    lostAt: { ...s.lostAt },
    inFlight: s.alarms - s.cleared - (s.lost - (s.lostAt.video ?? 0)),
    heartbeats: s.heartbeats,
    corrupt: output.corrupted,
    failovers: s.failovers,
    nextEvt: world.ids.nextEvt,
    nextAlarm: world.ids.nextAlarm,
    scenarios: world.faults.records().map((r) => r.name),
  };
}
