// Link inference on hand-made events where the trap fields are known: one true bridge (a card
// transaction id handed from the badge reader to the access controller) beside fields that share
// values for no good reason: a low-cardinality status, timestamps, ids written as JSON numbers,
// and two counters whose values coincide minutes apart. Then the decisions through the API:
// accept makes a declared edge (in the topology at once) and returns the YAML; dismiss; errors.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LiveTotals } from '../../src/api/live.ts';
import { createApp } from '../../src/api/server.ts';
import type { LinkDecisionResponse, LinksResponse, TopologyResponse } from '../../src/api/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { AttrValue, MortarEvent } from '../../src/events/event.ts';
import {
  ensureLinkTables,
  type LinkRunResult,
  linkId,
  processLinks,
} from '../../src/process/links/link-processor.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { DEMO_CONFIG } from '../support/simulated-warehouse.ts';

const T0 = Date.parse('2026-04-01T08:00:00Z') * 1000;
let warehouse: Warehouse;
let app: ReturnType<typeof createApp>;
let result: LinkRunResult;
let seq = 0;

function event(
  subsystem: string,
  type: string,
  ts: number,
  attrs: Record<string, AttrValue>,
  keys: Record<string, string> = {},
): MortarEvent {
  seq++;
  return {
    id: `l-${seq}`,
    ts,
    receivedAt: T0 + 86_400e6,
    subsystem,
    component: `${subsystem}-1`,
    source: 'file',
    kind: 'log',
    type,
    severity: 'info',
    keys,
    attrs,
    message: `${type} ${seq}`,
    raw: `raw ${seq}`,
    pipeline: subsystem,
    file: `/var/log/${subsystem}.log`,
    offset: seq,
  };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mortar-links-'));
  warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'w.duckdb') });
  const events: MortarEvent[] = [];
  for (let i = 0; i < 200; i++) {
    const t = T0 + i * 6e6;
    const iso = new Date(t / 1000).toISOString();
    const status = i % 3 ? 'ok' : 'fail';
    events.push(
      event('badge', 'badge.read', t, { card_tx: `TX-${9000 + i}`, status, at: iso, n: i, seq: String(i) }),
      // The controller logs the transaction 40-90 ms later, under its own name.
      event(
        'access',
        'access.granted',
        t + 40_000 + (i % 6) * 10_000,
        { status, at: iso, n: i },
        { tx: `TX-${9000 + i}` },
      ),
      // A counter of its own that passes the badge reader's values ten minutes later.
      event('hvac', 'hvac.tick', t, { counter: String(100 + i), status }),
    );
  }
  await warehouse.commit({ events, deadLetters: [], positions: [] });
  await ensureLinkTables(warehouse);
  result = await processLinks(warehouse, { fromUs: T0, toUs: T0 + 3600e6 });
  const config = loadConfig(DEMO_CONFIG, { dataDir: dir });
  app = createApp({ config, warehouse, live: await LiveTotals.seed(warehouse), version: 'test' });
}, 60_000);

afterAll(async () => {
  await warehouse?.close();
});

const call = async <T>(method: string, path: string, body?: string) => {
  const res = await app.request(path, {
    method,
    body,
    headers: body ? { 'content-type': 'application/json' } : {},
  });
  return { status: res.status, body: (await res.json()) as T };
};

describe('link inference on trap fields', () => {
  it('proposes the one true bridge and nothing from status, timestamps, numbers or counters', () => {
    expect(result.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['badge>access']);
    const [key] = result.edges[0]!.keys;
    expect(result.edges[0]!.keys).toHaveLength(1);
    expect([key!.fromField, key!.toField, key!.fromType, key!.toType, key!.shared]).toEqual([
      'attrs.card_tx',
      'keys.tx',
      'badge.read',
      'access.granted',
      200,
    ]);
    expect(key!.delayMs.p50).toBeGreaterThanOrEqual(40);
    expect(key!.delayMs.p50).toBeLessThanOrEqual(90);
    expect(key!.directionShare).toBe(1);
    for (const x of key!.examples) expect(x.value).toMatch(/^TX-9\d{3}$/);
    // The counters share 100 values, but ten minutes apart: not even explained, just no link.
    expect(result.explained).toEqual([]);
  });
});

describe('links API', () => {
  it('lists candidates with evidence and the YAML that would make them permanent', async () => {
    const { status, body } = await call<LinksResponse>('GET', '/api/links');
    expect(status).toBe(200);
    const c = body.candidates[0]!;
    expect([c.id, c.from, c.to, c.status, c.declared]).toEqual([
      linkId('badge', 'access'),
      'badge',
      'access',
      'proposed',
      false,
    ]);
    const edge = parse(c.yaml.edge) as { edges: { from: string; to: string }[] };
    expect(edge.edges[0]).toMatchObject({ from: 'badge', to: 'access' });
    // attrs.card_tx must become a key before a flow can join on it; the YAML says so.
    expect(c.yaml.flow).toMatch(/card_tx is an attribute/);
    const flow = parse(c.yaml.flow) as {
      flows: Record<string, { steps: { key: string; match: { type: string } }[] }>;
    };
    const steps = Object.values(flow.flows)[0]!.steps;
    expect(steps.map((s) => [s.key, s.match.type])).toEqual([
      ['card_tx', 'badge.read'],
      ['tx', 'access.granted'],
    ]);
  });

  it('rejects bad ids, unknown candidates and malformed bodies with a hint', async () => {
    const bad = await call<{ error: { code: string; details: { hint: string }[] } }>(
      'POST',
      '/api/links/nope/accept',
    );
    expect([bad.status, bad.body.error.code]).toEqual([400, 'bad_request']);
    const unknown = await call<{ error: { code: string } }>('POST', `/api/links/${'0'.repeat(12)}/accept`);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    const id = linkId('badge', 'access');
    expect((await call('POST', `/api/links/${id}/accept`, '{not json')).status).toBe(400);
    expect((await call('POST', `/api/links/${id}/accept`, '[1]')).status).toBe(400);
    const wrongKey = await call<{ error: { details: { hint: string }[] } }>(
      'POST',
      `/api/links/${id}/accept`,
      JSON.stringify({ fromField: 'attrs.status', toField: 'attrs.status' }),
    );
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.error.details[0]!.hint).toMatch(/attrs.card_tx → keys.tx/);
  });

  it('accept turns the candidate into a declared edge of the topology, observed through shared ids', async () => {
    const before = await call<TopologyResponse>(
      'GET',
      '/api/topology?from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z',
    );
    expect(before.body.edges.find((e) => e.from === 'badge')).toBeUndefined();
    const id = linkId('badge', 'access');
    const { status, body } = await call<LinkDecisionResponse>('POST', `/api/links/${id}/accept`);
    expect(status).toBe(200);
    expect([body.candidate.status, body.candidate.decidedBy, body.candidate.decidedKey]).toEqual([
      'accepted',
      'local',
      'attrs.card_tx → keys.tx',
    ]);
    const after = await call<TopologyResponse>(
      'GET',
      '/api/topology?from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z',
    );
    const edge = after.body.edges.find((e) => e.from === 'badge' && e.to === 'access')!;
    expect(edge).toMatchObject({ declared: true, observed: true, status: 'ok', accepted: true });
    expect(edge.sharedIds).toMatchObject({ key: 'attrs.card_tx → keys.tx', values: 200 });
    expect(after.body.nodes.map((n) => n.id)).toContain('badge');
  });

  it('keeps the decision across a new inference run, and dismiss takes the edge out again', async () => {
    await processLinks(warehouse, { fromUs: T0, toUs: T0 + 3600e6 });
    const id = linkId('badge', 'access');
    const listed = await call<LinksResponse>('GET', '/api/links');
    expect(listed.body.candidates.find((c) => c.id === id)!.status).toBe('accepted');
    const dismissed = await call<LinkDecisionResponse>('POST', `/api/links/${id}/dismiss`);
    expect(dismissed.body.candidate.status).toBe('dismissed');
    const topo = await call<TopologyResponse>(
      'GET',
      '/api/topology?from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z',
    );
    expect(topo.body.edges.find((e) => e.from === 'badge')).toBeUndefined();
  });
});
