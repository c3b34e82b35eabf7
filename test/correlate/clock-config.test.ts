// Clock correction in the configuration: `clock:` under a subsystem (whole or per component) and
// under a pipeline becomes the offsets flows add to event times (most specific first), and a
// malformed one is rejected with its path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { clockOffsets } from '../../src/process/flows/clock.ts';
import { defineFlows } from '../../src/process/flows/definition.ts';

function write(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mortar-clock-'));
  writeFileSync(join(dir, 'mortar.yaml'), yaml);
  return join(dir, 'mortar.yaml');
}

const BASE = `
subsystems:
  sensors:
    components: [sc-01, sc-02]
    clock: { offset_ms: 100, components: { sc-02: -2500 } }
  gateway:
    clock: { offset_ms: -0.5 }
pipelines:
  gw:
    subsystem: gateway
    source: { type: file, include: ['gw.log'] }
    parsers: [{ type: json }]
    clock: { offset_ms: 40 }
flows:
  f:
    steps:
      - { name: a, match: { subsystem: sensors, type: x }, key: k }
      - { name: b, match: { subsystem: gateway, type: y }, key: k }
`;

describe('clock correction in the configuration', () => {
  it('turns subsystem, component and pipeline offsets into flow offsets, most specific first', () => {
    const config = loadConfig(write(BASE));
    expect(clockOffsets(config)).toEqual([
      { subsystem: 'sensors', component: 'sc-02', offsetUs: -2_500_000 },
      { pipeline: 'gw', offsetUs: 40_000 },
      { subsystem: 'sensors', offsetUs: 100_000 },
      { subsystem: 'gateway', offsetUs: -500 },
    ]);
    const [flow] = defineFlows(config);
    expect(flow!.clock).toHaveLength(4);
  });

  it('rejects an offset that is not a number, naming where', () => {
    const bad = BASE.replace('offset_ms: -0.5', "offset_ms: 'ahead'");
    let details: { where: string }[] = [];
    try {
      loadConfig(write(bad));
    } catch (e) {
      details = (e as { details: { where: string }[] }).details;
    }
    expect(details.map((d) => d.where).join(' ')).toMatch(/subsystems\.gateway\.clock\.offset_ms/);
  });
});
