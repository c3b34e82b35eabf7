// Per-pipeline counters under data scopes: /api/ingest and /api/pipelines show a scoped user only
// the pipelines its `events` scope admits (by pipeline and, where the configuration fixes it, by
// subsystem), dead-letter counts only where its `dead_letters` scope admits them, and nothing for a
// rule that the counters cannot decide (fail closed). Expected values come from the configuration
// and the ingest's own status, not from the routes under test.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelinesResponse } from '../../src/api/types.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import { type Ingest, type IngestStatus, startIngest } from '../../src/pipeline/ingest.ts';
import { type AccessWorld, accessWorld } from './signed-in-world.ts';

const GARBLED_MORE: Record<string, number> = { 'gateway/gw-a.log': 3, 'video/vms-1.log': 2 };
let aw: AccessWorld;
let ingest: Ingest;

beforeAll(async () => {
  aw = await accessWorld(
    'mortar-counters-',
    `    video-room:
      permissions: [view_cockpit]
      scopes: {events: ["subsystem = video"]}
    gw-pipe:
      permissions: [view_cockpit]
      scopes: {events: ["pipeline in [gateway, sensors]"]}
    errors-only:
      permissions: [view_cockpit]
      scopes: {events: ["severity = error"]}
    dl-video:
      permissions: [view_cockpit]
      scopes: {dead_letters: ["pipeline = video"]}
    not-video:
      permissions: [view_cockpit]
      scopes: {events: ["subsystem not in [video]"]}
`,
    {
      ada: { roles: ['admin'] },
      vic: { roles: ['video-room'] },
      gus: { roles: ['gw-pipe'] },
      eve: { roles: ['errors-only'] },
      dan: { roles: ['dl-video'] },
      nat: { roles: ['not-video'] },
      mo: { roles: ['video-room', 'gw-pipe'] },
    },
    '',
    async (w) => {
      // A second ingest that reads known garbled lines: dead letters in gateway and video only.
      for (const [file, n] of Object.entries(GARBLED_MORE))
        appendFileSync(join(w.sim.dir, 'sim', file), '<<not a record>>\n'.repeat(n));
      ingest = await startIngest(w.sim.config, w.sim.warehouse);
      await waitUntilIdle(ingest);
      await ingest.stop();
      return ingest;
    },
  );
}, 120_000);

afterAll(async () => {
  await aw?.close();
});

const truth = () => ingest.status();
const allPipelines = () => Object.keys(aw.w.sim.config.pipelines).sort();
const subsystemOf = (p: string) => aw.w.sim.config.pipelines[p]!.subsystem;

async function seen(user: string): Promise<{ ingest: IngestStatus; pipelines: PipelinesResponse }> {
  const c = await aw.as(user);
  return {
    ingest: await c.json<IngestStatus>('/api/ingest'),
    pipelines: await c.json<PipelinesResponse>('/api/pipelines'),
  };
}

describe('per-pipeline counters under data scopes', () => {
  it('the world has counters for every pipeline, dead letters in gateway and video', () => {
    const t = truth().pipelines;
    expect(Object.keys(t).sort()).toEqual(allPipelines());
    expect(t.gateway!.deadLetters).toBe(3);
    expect(t.video!.deadLetters).toBe(2);
  });

  it('an unrestricted admin sees every pipeline with the aggregates', async () => {
    const { ingest, pipelines } = await seen('ada');
    expect(ingest.pipelines).toEqual(truth().pipelines);
    expect(ingest.commits).toEqual(truth().commits);
    expect(pipelines.pipelines.map((p) => p.name).sort()).toEqual(allPipelines());
    for (const p of pipelines.pipelines) expect(p.status).toEqual(truth().pipelines[p.name]);
  });

  it('a subsystem scope shows only the pipelines of that subsystem, without the aggregates', async () => {
    const want = allPipelines().filter((p) => subsystemOf(p) === 'video');
    expect(want.length).toBeGreaterThan(0);
    const { ingest, pipelines } = await seen('vic');
    expect(Object.keys(ingest.pipelines).sort()).toEqual(want);
    // its events scope says nothing about dead letters: their count is shown
    for (const p of want) expect(ingest.pipelines[p]).toEqual(truth().pipelines[p]);
    expect(ingest.commits).toBeUndefined();
    expect(ingest.pendingRows).toBeUndefined();
    expect(ingest.reload).toBeUndefined();
    expect(pipelines.pipelines.map((p) => p.name).sort()).toEqual(want);
    expect(pipelines.pipelines.every((p) => p.status !== undefined)).toBe(true);
  });

  it('a "not in" subsystem scope shows every other pipeline', async () => {
    const want = allPipelines().filter((p) => subsystemOf(p) !== 'video');
    const { ingest, pipelines } = await seen('nat');
    expect(Object.keys(ingest.pipelines).sort()).toEqual(want);
    expect(pipelines.pipelines.map((p) => p.name).sort()).toEqual(want);
  });

  it('a pipeline scope shows the named pipelines; two roles OR together', async () => {
    const gus = await seen('gus');
    expect(Object.keys(gus.ingest.pipelines).sort()).toEqual(['gateway', 'sensors']);
    expect(gus.pipelines.pipelines.map((p) => p.name).sort()).toEqual(['gateway', 'sensors']);
    const mo = await seen('mo');
    expect(Object.keys(mo.ingest.pipelines).sort()).toEqual(['gateway', 'sensors', 'video']);
  });

  it('a rule the counters cannot decide (severity) hides every pipeline (fail closed)', async () => {
    const { ingest, pipelines } = await seen('eve');
    expect(ingest.pipelines).toEqual({});
    expect(pipelines.pipelines).toEqual([]);
  });

  it('/metrics shows a scoped user no per-pipeline series, an admin every pipeline', async () => {
    const ada = await (await (await aw.as('ada')).get('/metrics')).text();
    for (const p of allPipelines()) expect(ada).toContain(`pipeline="${p}"`);
    const vic = await (await (await aw.as('vic')).get('/metrics')).text();
    expect(vic).not.toMatch(/pipeline="/);
  });

  it('a dead_letters scope hides the dead-letter counts of other pipelines, also inside read', async () => {
    const { ingest, pipelines } = await seen('dan');
    const t = truth().pipelines;
    expect(Object.keys(ingest.pipelines).sort()).toEqual(allPipelines());
    expect(ingest.pipelines.video).toEqual(t.video);
    const gw = ingest.pipelines.gateway!;
    expect(gw.deadLetters).toBe(0);
    expect(gw.events).toBe(t.gateway!.events);
    expect(gw.read).toBe(t.gateway!.read - t.gateway!.deadLetters);
    expect(pipelines.pipelines.find((p) => p.name === 'gateway')!.status!.deadLetters).toBe(0);
    expect(ingest.commits).toBeUndefined();
  });
});
