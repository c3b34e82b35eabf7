// Opt-in (MORTAR_LIVE_PRESETS=1, as root on Debian with the packages installed): runs the real
// programs now through scripts/presets/make-fixtures.sh into a temporary directory and checks that
// every preset turns all of their lines into events. The committed fixtures prove the same for the
// versions listed in test/fixtures/presets/VERSIONS; this run proves it for what is installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { presetPipeline, runText, ZONE } from './helpers.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/presets/make-fixtures.sh', import.meta.url));
const live = process.env.MORTAR_LIVE_PRESETS === '1' && process.getuid?.() === 0;
const out = mkdtempSync(join(tmpdir(), 'mortar-live-presets-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.runIf(live)('presets over logs the installed programs write now', () => {
  it('every line of every program is an event', () => {
    const r = spawnSync('bash', [SCRIPT], {
      env: { ...process.env, PRESET_FIXTURES_OUT: out },
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const presets = readdirSync(out).filter((n) => n !== 'VERSIONS');
    expect(presets.length).toBeGreaterThanOrEqual(10);
    for (const name of presets) {
      const p = presetPipeline(`{ name: ${name}, timezone: ${ZONE} }`);
      for (const file of readdirSync(join(out, name))) {
        const run = runText(p, readFileSync(join(out, name, file), 'utf8'), file);
        expect(run.dead.map((d) => `${name}/${file}: ${d.reason}: ${d.raw}`)).toEqual([]);
        expect(run.events.length, `${name}/${file}`).toBeGreaterThan(5);
      }
    }
  }, 320_000);
});
