// Catalog and inferred links scored against the simulator: every field of every simulated format
// found with the right type (the table below is read off the simulator's writers, src/sim/), and
// link inference finding exactly the true id bridges of the ground truth (truth.jsonl edges whose
// receiving step is where the receiver first sees the alarm), proposing nothing false.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCatalogTables, processCatalog } from '../../src/process/catalog/catalog-processor.ts';
import { type CatalogResponse, readCatalog } from '../../src/process/catalog/catalog-queries.ts';
import {
  ensureLinkTables,
  type LinkRunResult,
  processLinks,
} from '../../src/process/links/link-processor.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { simulatedWarehouse } from '../support/simulated-warehouse.ts';

const START = Date.parse('2026-01-01T00:00:00Z') * 1000;
const VIEWER = { user: 'test', roles: [], sees: () => true, shown: () => (v: string) => v };

type Spec = Record<string, string>;
const APP = { 'attrs.app': 'string', 'attrs.procid': 'int' };
const SENSOR_ALARM = {
  'keys.evt': 'int',
  'keys.alarm_ref': 'string',
  'attrs.zone': 'string',
  'attrs.input': 'int',
  'attrs.state': 'string',
};
const TAKEOVER = { 'attrs.role': 'string', 'attrs.peer': 'string', 'attrs.silent_ms': 'int' };
const START_FIELDS = { 'attrs.role': 'string', 'attrs.version': 'string' };

/** pipeline -> event type -> field -> type: what each simulated format writes. */
const FORMATS: Record<string, Record<string, Spec>> = {
  sensors: {
    'sensor.alarm': SENSOR_ALARM,
    'sensor.restore': SENSOR_ALARM,
    heartbeat: { 'attrs.state': 'string', 'attrs.uptime_s': 'int', 'attrs.temp_c': 'float' },
    'sensor.info': { 'attrs.state': 'string' },
    'sensor.fault': { 'attrs.state': 'string', 'attrs.zone': 'string', 'attrs.input': 'int' },
  },
  gateway: {
    'gateway.forwarded': {
      'keys.evt': 'int',
      'keys.alarm_ref': 'string',
      'attrs.attempt': 'int',
      'attrs.sensor': 'string',
      'attrs.target': 'string',
    },
    heartbeat: { 'attrs.queue_depth': 'int', 'attrs.role': 'string', 'attrs.uplink': 'string' },
    'gateway.link_stats': { 'attrs.rx_per_min': 'int', 'attrs.sensors_connected': 'int' },
    'gateway.sensor_reconnect': { 'attrs.down_ms': 'int', 'attrs.sensor': 'string' },
    'ha.takeover': TAKEOVER,
    'service.start': START_FIELDS,
  },
  'alarm-server': {
    'alarm.raised': {
      ...APP,
      'keys.alarm_id': 'string',
      'keys.alarm_ref': 'string',
      'attrs.prio': 'int',
      'attrs.zone': 'string',
    },
    'alarm.dispatched': { ...APP, 'keys.alarm_id': 'string', 'attrs.targets': 'string' },
    'alarm.acknowledged': {
      ...APP,
      'keys.alarm_id': 'string',
      'attrs.console': 'string',
      'attrs.operator': 'string',
    },
    'alarm.cleared': { ...APP, 'keys.alarm_id': 'string' },
    heartbeat: { ...APP, 'attrs.open_alarms': 'int', 'attrs.role': 'string' },
    'alarm_server.db_checkpoint': { ...APP, 'attrs.duration_ms': 'int' },
    'ha.takeover': { ...APP, ...TAKEOVER },
    'service.start': { ...APP, ...START_FIELDS },
  },
  console: {
    'console.displayed': {
      'keys.alarm_id': 'string',
      'attrs.logger': 'string',
      'attrs.operator': 'string',
      'attrs.prio': 'int',
      'attrs.zone': 'string',
    },
    'console.acknowledged': {
      'keys.alarm_id': 'string',
      'attrs.ack_after_s': 'float',
      'attrs.logger': 'string',
      'attrs.operator': 'string',
    },
    heartbeat: {
      'attrs.heap_used_mb': 'int',
      'attrs.logger': 'string',
      'attrs.open_alarms': 'int',
      'attrs.operator': 'string',
    },
    log: { 'attrs.logger': 'string', 'attrs.exception': 'string', 'attrs.stack': 'text' },
    'console.render': { 'attrs.logger': 'string' },
    'console.session': { 'attrs.logger': 'string', 'attrs.operator': 'string' },
  },
  video: {
    'video.bookmark': {
      'keys.alarm_id': 'string',
      'attrs.camera': 'string',
      'attrs.clip': 'string',
      'attrs.pre_s': 'int',
      'attrs.post_s': 'int',
    },
    heartbeat: { 'attrs.cameras_online': 'int', 'attrs.cameras_total': 'int' },
    'video.storage': {
      'attrs.recording': 'int',
      'attrs.retention_days': 'int',
      'attrs.storage_used_pct': 'float',
    },
    'video.camera_lost': { 'attrs.camera': 'string' },
    'video.camera_restored': { 'attrs.camera': 'string' },
    'video.retention_purge': { 'attrs.freed_gb': 'int' },
  },
};
/** Fields only some events of their type carry (a console error has a stack trace or not). */
const OPTIONAL = new Set(['console|log|attrs.exception', 'console|log|attrs.stack']);
/** Types the run must have produced (the others depend on chance). */
const REQUIRED_TYPES = [
  'sensors|sensor.alarm',
  'sensors|sensor.restore',
  'sensors|heartbeat',
  'gateway|gateway.forwarded',
  'gateway|heartbeat',
  'gateway|ha.takeover',
  'gateway|service.start',
  'alarm-server|alarm.raised',
  'alarm-server|alarm.dispatched',
  'alarm-server|alarm.acknowledged',
  'alarm-server|alarm.cleared',
  'alarm-server|heartbeat',
  'alarm-server|ha.takeover',
  'alarm-server|service.start',
  'console|console.displayed',
  'console|console.acknowledged',
  'console|heartbeat',
  'video|video.bookmark',
  'video|heartbeat',
  'video|video.storage',
];

interface TruthEdge {
  from_subsystem: string;
  to_subsystem: string;
  to_step: string;
}
interface TruthAlarm {
  evt: string;
  alarm_ref: string;
  alarm_id: string | null;
  steps: { subsystem: string; step: string }[];
}

let warehouse: Warehouse;
let catalog: CatalogResponse;
let links: LinkRunResult;
let truthEdges: TruthEdge[];
let alarms: TruthAlarm[];
let catalogMs: number;
let events: number;

beforeAll(async () => {
  const sim = await simulatedWarehouse(
    {
      seed: 21,
      durationMs: 20 * 60_000,
      ratePerSecond: 1,
      start: new Date(START / 1000),
      // Random failovers of both pairs (one planned for the alarm server) bring out the HA lines.
      failoverMeanMs: 6 * 60_000,
      scenarios: 'failover:subsystem=alarm-server,console-stall,storm:for=2m,clock-skew,corrupt',
    },
    'mortar-discover-',
  );
  warehouse = sim.warehouse;
  truthEdges = sim.truth<TruthEdge>('edge');
  alarms = sim.truth<TruthAlarm>('alarm');
  await ensureCatalogTables(warehouse);
  const r = await processCatalog(warehouse, { settleUs: 0 });
  catalogMs = r.ms;
  events = r.events;
  catalog = await readCatalog(warehouse, VIEWER);
  await ensureLinkTables(warehouse);
  links = await processLinks(warehouse, { fromUs: START - 3600e6, toUs: START + 2 * 3600e6 });
}, 240_000);

afterAll(async () => {
  await warehouse?.close();
});

describe('catalog of the simulated formats', () => {
  it('finds every field of every format with the right type, and nothing else', () => {
    const wrong: string[] = [];
    const found = new Set<string>();
    for (const s of catalog.sources) {
      for (const t of s.types) {
        found.add(`${s.pipeline}|${t.type}`);
        const spec = FORMATS[s.pipeline]?.[t.type];
        if (!spec) {
          wrong.push(`unexpected type ${s.pipeline} ${t.type}`);
          continue;
        }
        for (const f of t.fields.filter((x) => x.source !== 'column')) {
          if (spec[f.field] === undefined) wrong.push(`unexpected field ${s.pipeline} ${t.type} ${f.field}`);
          else if (spec[f.field] !== f.type)
            wrong.push(`${s.pipeline} ${t.type} ${f.field}: ${f.type}, expected ${spec[f.field]}`);
        }
        for (const field of Object.keys(spec)) {
          const f = t.fields.find((x) => x.field === field);
          if (!f && !OPTIONAL.has(`${s.pipeline}|${t.type}|${field}`))
            wrong.push(`missing ${s.pipeline} ${t.type} ${field}`);
        }
      }
    }
    for (const t of REQUIRED_TYPES) if (!found.has(t)) wrong.push(`type not found: ${t}`);
    expect(wrong).toEqual([]);
  });

  it('reports the event columns, fill rates, cardinality and real examples', () => {
    const raised = catalog.sources
      .find((s) => s.pipeline === 'alarm-server')!
      .types.find((t) => t.type === 'alarm.raised')!;
    expect(raised.fields.map((f) => f.field).slice(0, 5)).toEqual([
      'component',
      'kind',
      'message',
      'severity',
      'ts',
    ]);
    expect(raised.fields.find((f) => f.field === 'ts')!.type).toBe('timestamp');
    expect(raised.fields.find((f) => f.field === 'message')!.type).toBe('text');
    const id = raised.fields.find((f) => f.field === 'keys.alarm_id')!;
    expect(id.fill).toBe(1);
    // Distinct alarm ids raised, per the truth (each raised line carries a fresh one).
    const truthIds = new Set(
      alarms.filter((a) => a.steps.some((s) => s.step === 'alarm.raised')).map((a) => a.alarm_id),
    );
    expect(Math.abs(id.cardinality - truthIds.size) / truthIds.size).toBeLessThan(0.15);
    expect(id.cardinalityExact).toBe(false);
    expect(id.examples).toHaveLength(5);
    for (const x of id.examples) expect(truthIds.has(x)).toBe(true);
    const prio = raised.fields.find((f) => f.field === 'attrs.prio')!;
    expect([prio.cardinality, prio.cardinalityExact, prio.numeric]).toEqual([3, true, true]);
    expect(raised.rates.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    for (const s of catalog.sources)
      for (const t of s.types)
        for (const f of t.fields) {
          expect(f.present, `${t.type} ${f.field}`).toBeLessThanOrEqual(t.events);
          expect(f.cardinality, `${t.type} ${f.field}`).toBeLessThanOrEqual(Math.max(f.present, 1));
        }
    const total = catalog.sources.reduce((a, s) => a + s.events, 0);
    expect(total).toBe(events);
    console.log(
      `catalog: ${events} events in ${catalogMs.toFixed(0)} ms (${Math.round(events / (catalogMs / 1000))} events/s)`,
    );
  });

  it('records no drift on a steady simulation', async () => {
    // All of history arrives in one increment: it is the baseline, not a change.
    const rows = await warehouse.query(
      (await import('../../src/warehouse/sql.ts')).sql`select count(*) as n from catalog_drift`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});

describe('inferred links against the ground truth', () => {
  it('proposes exactly the true id bridges (precision and recall 1)', () => {
    // Where each subsystem first sees an alarm: the step types whose edges bridge ids.
    const firstStep = new Map<string, Set<string>>();
    for (const a of alarms) {
      const seen = new Set<string>();
      for (const s of a.steps) {
        if (seen.has(s.subsystem)) continue;
        seen.add(s.subsystem);
        firstStep.set(s.subsystem, (firstStep.get(s.subsystem) ?? new Set()).add(s.step));
      }
    }
    const bridges = new Set(
      truthEdges
        .filter((e) => e.from_subsystem !== e.to_subsystem && firstStep.get(e.to_subsystem)?.has(e.to_step))
        .map((e) => `${e.from_subsystem}>${e.to_subsystem}`),
    );
    const allTrue = new Set(truthEdges.map((e) => `${e.from_subsystem}>${e.to_subsystem}`));
    const proposed = new Set(links.edges.map((e) => `${e.from}>${e.to}`));
    const hits = [...proposed].filter((e) => bridges.has(e));
    const precision = hits.length / proposed.size;
    const recall = hits.length / bridges.size;
    console.log(
      `links: ${proposed.size} proposed, ${bridges.size} true bridges, precision ${precision}, recall ${recall}; ` +
        `all true edges (incl. return paths): ${hits.length}/${allTrue.size}; explained away: ${links.explained.map((x) => `${x.a}~${x.b}`).join(', ')}; ${links.ms.toFixed(0)} ms`,
    );
    expect([...bridges].sort()).toEqual([
      'alarm-server>console',
      'alarm-server>video',
      'gateway>alarm-server',
      'sensors>gateway',
    ]);
    expect([...proposed].sort()).toEqual([...bridges].sort());
    for (const e of links.edges) expect(allTrue.has(`${e.from}>${e.to}`)).toBe(true);
  });

  it('gives evidence: the bridging keys, real example values, direction and typical delay', () => {
    const edge = (from: string, to: string) => links.edges.find((e) => e.from === from && e.to === to)!;
    const refs = new Set(alarms.map((a) => a.alarm_ref));
    const ids = new Set(alarms.map((a) => a.alarm_id));
    const sg = edge('sensors', 'gateway');
    expect(sg.keys.map((k) => `${k.fromField}>${k.toField}`).sort()).toEqual([
      'keys.alarm_ref>keys.alarm_ref',
      'keys.evt>keys.evt',
    ]);
    const ga = edge('gateway', 'alarm-server').keys[0]!;
    expect([ga.fromField, ga.toField, ga.fromType, ga.toType]).toEqual([
      'keys.alarm_ref',
      'keys.alarm_ref',
      'gateway.forwarded',
      'alarm.raised',
    ]);
    for (const x of ga.examples) expect(refs.has(x.value)).toBe(true);
    // TRUTH.md: gateway -> raised takes 20-200 ms.
    expect(ga.delayMs.p50).toBeGreaterThan(20);
    expect(ga.delayMs.p50).toBeLessThan(200);
    for (const to of ['video', 'console']) {
      const k = edge('alarm-server', to).keys[0]!;
      expect([k.fromField, k.toField, k.fromType]).toEqual([
        'keys.alarm_id',
        'keys.alarm_id',
        'alarm.raised',
      ]);
      for (const x of k.examples) expect(ids.has(x.value)).toBe(true);
      expect(k.directionShare).toBeGreaterThan(0.95);
      expect(k.confidence).toBeGreaterThan(0.9);
    }
    // The clock-skewed sensor (2.5 s ahead) shows as a lower direction share, not a lost edge.
    expect(sg.keys[0]!.directionShare).toBeGreaterThan(0.7);
    expect(sg.keys[0]!.directionShare).toBeLessThan(0.95);
  });

  it('explains the false pairs away instead of proposing them', () => {
    const why = new Map(links.explained.map((x) => [[x.a, x.b].sort().join('~'), x.reason]));
    expect(why.get('console~video')).toMatch(/from alarm-server/);
    expect(why.get('alarm-server~sensors')).toMatch(/gateway sees these ids in between/);
  });
});
