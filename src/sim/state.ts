// `sim-state.json`: the counters a realtime run must not reuse after a restart (sensor event
// numbers, alarm ids), saved now and then with an atomic rename so a crash leaves either the old
// or the new state, never half a file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../events/errors.ts';
import type { IdLimits } from './ids.ts';
import { writeJsonAtomic } from './output.ts';

export interface SimState extends IdLimits {
  version: 1;
  /** How many runs have used this directory; mixed into the seed so a restart does not replay. */
  runs: number;
  savedAt: string;
}

export const STATE_FILE = 'sim-state.json';

export function loadState(outDir: string): SimState | undefined {
  const path = join(outDir, STATE_FILE);
  if (!existsSync(path)) return undefined;
  let s: Partial<SimState> | undefined;
  try {
    s = JSON.parse(readFileSync(path, 'utf8')) as Partial<SimState>;
  } catch {
    s = undefined;
  }
  // Guessing counters could hand out ids twice, which is worse than stopping.
  if (typeof s?.nextEvt !== 'number' || typeof s.nextAlarm !== 'number') {
    throw new UserError('bad_request', `${path} is not a simulator state file`, [
      {
        where: path,
        message: 'expected nextEvt and nextAlarm numbers',
        hint: 'delete it to start counting ids from scratch',
      },
    ]);
  }
  return {
    version: 1,
    nextEvt: s.nextEvt,
    nextAlarm: s.nextAlarm,
    runs: s.runs ?? 1,
    savedAt: s.savedAt ?? '',
  };
}

export function saveState(outDir: string, state: SimState): void {
  writeJsonAtomic(join(outDir, STATE_FILE), state);
}
