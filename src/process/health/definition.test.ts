import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { defineHealth } from './definition.ts';

function configWith(health: string) {
  const dir = mkdtempSync(join(tmpdir(), 'mortar-health-def-'));
  writeFileSync(
    join(dir, 'mortar.yaml'),
    `subsystems:\n  gateway: { components: [gw-a, gw-b] }\n  video: { components: [vms-1] }\ninclude: [health.yaml]\n`,
  );
  writeFileSync(join(dir, 'health.yaml'), health);
  return loadConfig(join(dir, 'mortar.yaml'));
}

describe('health definition', () => {
  it('normalises the demo configuration', () => {
    const def = defineHealth(
      loadConfig(fileURLToPath(new URL('../../../config/demo/mortar.yaml', import.meta.url))),
    )!;
    expect(def.rules.map((r) => r.name)).toEqual(['node-down', 'no-active-node', 'ui-stalled']);
    expect(def.recoveries.map((r) => [r.name, r.clears])).toEqual([
      ['node-up', ['node-down']],
      ['ui-restarted', ['ui-stalled']],
    ]);
    expect(def.subsystems.gateway!.heartbeat).toMatchObject({ everyUs: 10e6, staleAfterUs: 25e6 });
    expect(def.subsystems.sensors!.heartbeat!.staleAfterUs).toBe(37.5e6);
    expect(def.subsystems.video!.dependsOn).toEqual(['alarm-server']);
    expect(def.system.name).toBe('site');
  });

  it('is absent without a health section', () => {
    expect(defineHealth({ ...configWith('health: {}\n'), health: undefined })).toBeUndefined();
  });

  it('reports every problem with its file and path', () => {
    const config = configWith(`health:
  rules:
    - { name: down, match: { type: ha.takeover }, state: failed, since: { attr: a, message: 'x (\\d+)' } }
    - { name: up, match: { type: service.start }, state: ok, clears: [dwn] }
    - { match: { message: '(' }, state: degraded }
    - { name: down, match: {}, state: stale }
  subsystems:
    gateway: { heartbeat: { every: 10s, stale_after: 5s }, depends_on: [video] }
    video: { depends_on: [gateway] }
    radio: { rollup: { function: n_of_m, n: 1, min: 2 } }
  lookback: 1s
`);
    let error: UserError | undefined;
    try {
      defineHealth(config);
    } catch (e) {
      error = e as UserError;
    }
    expect(error).toBeInstanceOf(UserError);
    const text = error!.details.map((d) => `${d.where} ${d.message}`).join('\n');
    for (const want of [
      /health\.yaml:\d+:\d+ health\.rules\[0\]\.since give exactly one of attr or message/,
      /health\.rules\[1\]\.clears no rule "dwn" to clear/,
      /health\.rules\[2\]\.match\.message invalid regular expression/,
      /health\.rules\[3\]\.name rule name "down" is taken/,
      /health\.rules\[3\]\.match an empty match/,
      /stale_after must be longer than every/,
      /dependency cycle: gateway -> video -> gateway/,
      /health\.subsystems\.radio unknown subsystem "radio"/,
      /health\.subsystems\.radio\.rollup min must not be above n/,
      /health\.lookback lookback is shorter/,
    ])
      expect(text).toMatch(want);
  });
});
