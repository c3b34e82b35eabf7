// The access policy editor's API end to end: a simulated world in a real DuckDB file, access control
// on (real SQLite store). What an admin saves on /api/admin/policy must change what an already
// signed-in user sees at the next request (scopes and masks), be refused whole with every error
// named when it is wrong, never lock the saving admin out or orphan a role in use, survive a
// restart, be audited, and return to the configuration on reset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/access/access-control.ts';
import type { EventsResponse, PolicyResponse, ReportRunResult } from '../../src/api/types.ts';
import { ALL_TIME } from '../reports/fixture.ts';
import { type AccessWorld, accessWorld, type Client } from './signed-in-world.ts';

const T = `f.time=${encodeURIComponent(ALL_TIME)}`;
const RUN = `/api/reports/event-volume-by-subsystem/run?${T}&limit=10000`;
const [FROM, TO] = ALL_TIME.split('..') as [string, string];
const RANGE = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;

let aw: AccessWorld;

beforeAll(async () => {
  aw = await accessWorld(
    'mortar-policy-',
    `    op:
      description: one site's operator
      permissions: [view_cockpit, view_reports, view_raw]
      scopes: {events: ["subsystem in [video, console]"]}
`,
    { ada: { roles: ['admin'] }, olly: { roles: ['op'] }, ana: { roles: ['analyst'] } },
    '  logins_per_minute: 10000\n',
  );
}, 120_000);
afterAll(async () => aw?.close());

const subsystemsOf = (r: ReportRunResult) => {
  const i = r.columns.findIndex((c) => c.name === 'subsystem');
  return [...new Set(r.rows.map((row) => String(row[i])))].sort();
};
const put = async (c: Client, body: unknown) => {
  const r = await c.req('PUT', '/api/admin/policy', body);
  return {
    status: r.status,
    body: (await r.json()) as PolicyResponse & { error?: { details?: { where: string; message: string }[] } },
  };
};

describe('access policy editor API', () => {
  it('shows the configured policy with what the editor needs; only for manage_users', async () => {
    const ada = await aw.as('ada');
    const p = await ada.json<PolicyResponse>('/api/admin/policy');
    expect(p.source).toEqual({ kind: 'config', version: 0 });
    expect(p.policy.roles.op?.scopes).toEqual({ events: ['subsystem in [video, console]'] });
    expect(p.config).toEqual(p.policy);
    expect(Object.keys(p.builtinRoles).sort()).toEqual(['admin', 'analyst', 'auditor', 'viewer']);
    expect(p.holders.op).toEqual(['olly']);
    const events = p.datasets.find((d) => d.name === 'events')!;
    expect(events.fields).toContain('subsystem');
    expect(events.textFields).toContain('attrs.<name>');
    expect(p.permissions.map((x) => x.name)).toContain('view_personal_data');
    const olly = await aw.as('olly');
    expect((await olly.get('/api/admin/policy')).status).toBe(403);
    expect((await olly.req('PUT', '/api/admin/policy', { baseVersion: 0, policy: null })).status).toBe(403);
  });

  it('a saved scope and mask apply to a signed-in user at the next request, and are audited', async () => {
    const [ada, olly, ana] = [await aw.as('ada'), await aw.as('olly'), await aw.as('ana')];
    expect(subsystemsOf(await olly.json<ReportRunResult>(RUN))).toEqual(['console', 'video']);
    const opsBefore = await ana.json<EventsResponse>(`/api/events?${RANGE}&subsystem=console&limit=1000`);
    const named = opsBefore.rows.filter((e) => e.attrs.operator !== undefined);
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((e) => !String(e.attrs.operator).endsWith('***'))).toBe(true);

    const p = await ada.json<PolicyResponse>('/api/admin/policy');
    const doc = structuredClone(p.policy);
    doc.roles.op!.scopes = { events: ['subsystem = video'] };
    doc.masks.push({
      dataset: 'events',
      field: 'attrs.operator',
      mode: 'partial',
      unless: 'view_personal_data',
    });
    const saved = await put(ada, { baseVersion: p.source.version, policy: doc });
    expect(saved.status).toBe(200);
    expect(saved.body.source).toMatchObject({ kind: 'store', version: 1, actor: 'ada' });
    expect(saved.body.policy).toEqual(doc);

    // the same sessions, no new sign-in
    expect(subsystemsOf(await olly.json<ReportRunResult>(RUN))).toEqual(['video']);
    const opsAfter = await ana.json<EventsResponse>(`/api/events?${RANGE}&subsystem=console&limit=1000`);
    const masked = opsAfter.rows.filter((e) => e.attrs.operator !== undefined);
    expect(masked.length).toBe(named.length);
    for (const e of masked) expect(String(e.attrs.operator)).toMatch(/\*\*\*$/);
    // the admin holds view_personal_data: unmasked
    const adaRows = await ada.json<EventsResponse>(`/api/events?${RANGE}&subsystem=console&limit=1000`);
    expect(
      adaRows.rows
        .filter((e) => e.attrs.operator !== undefined)
        .every((e) => !String(e.attrs.operator).endsWith('***')),
    ).toBe(true);

    const audit = await aw.access.store.auditLog({ limit: 5, action: 'policy' });
    expect(audit[0]).toMatchObject({ actor: 'ada', outcome: 'ok' });
    expect(audit[0]!.detail).toMatchObject({
      version: 1,
      rolesChanged: ['op'],
      masksAdded: ['events:attrs.operator:partial:view_personal_data'],
    });
  });

  it('a wrong policy is refused whole with every error named, and changes nothing', async () => {
    const ada = await aw.as('ada');
    const p = await ada.json<PolicyResponse>('/api/admin/policy');
    const doc = structuredClone(p.policy);
    doc.roles.op!.permissions.push('fly');
    doc.roles.op!.scopes = {
      events: ['subsystem in video', 'site = north'],
      nosuch: ['subsystem = video'],
    };
    doc.masks.push({ dataset: 'flow_alerts', field: 'e2e_ms', mode: 'hide', unless: 'view_personal_data' });
    doc.masks.push({ dataset: 'events', field: 'attrs.x', mode: 'hide', unless: 'see_all' });
    const r = await put(ada, { baseVersion: p.source.version, policy: doc });
    expect(r.status).toBe(400);
    const where = r.body.error!.details!.map((d) => d.where).sort();
    expect(where).toEqual(
      [
        'masks.1.field',
        'masks.2.unless',
        'roles.op.permissions.3',
        'roles.op.scopes.events.0',
        'roles.op.scopes.events.1',
        'roles.op.scopes.nosuch',
      ].sort(),
    );
    const schema = await put(ada, {
      baseVersion: p.source.version,
      policy: { roles: { Op: { permissions: 'x' } } },
    });
    expect(schema.status).toBe(400);
    expect(schema.body.error!.details!.length).toBeGreaterThan(0);
    const after = await ada.json<PolicyResponse>('/api/admin/policy');
    expect(after.source.version).toBe(p.source.version);
    expect(after.policy).toEqual(p.policy);
  });

  it('never locks the saving admin out, never drops a role in use, and refuses a stale edit', async () => {
    const ada = await aw.as('ada');
    const p = await ada.json<PolicyResponse>('/api/admin/policy');
    const lockout = structuredClone(p.policy);
    lockout.roles.admin = { permissions: ['view_cockpit'] };
    const l = await put(ada, { baseVersion: p.source.version, policy: lockout });
    expect(l.status).toBe(400);
    expect(JSON.stringify(l.body)).toMatch(/manage_users/);

    const orphan = structuredClone(p.policy);
    delete orphan.roles.op;
    const o = await put(ada, { baseVersion: p.source.version, policy: orphan });
    expect(o.status).toBe(400);
    expect(o.body.error!.details).toEqual([
      expect.objectContaining({ where: 'roles.op', message: 'role "op" is held by olly' }),
    ]);

    const stale = await put(ada, { baseVersion: p.source.version - 1, policy: p.policy });
    expect(stale.status).toBe(409);
    expect((await ada.json<PolicyResponse>('/api/admin/policy')).source.version).toBe(p.source.version);
  });

  it('a saved policy holds after a restart; a reset returns to the configuration', async () => {
    // a second AccessControl on the same store: what a restarted server reads
    const again = new AccessControl(aw.store, aw.access.settings);
    await again.refreshPolicy(true);
    expect(again.policy().source).toMatchObject({ kind: 'store', version: 1 });
    expect(again.roles.op!.scopes).toEqual({ events: ['subsystem = video'] });

    const [ada, olly] = [await aw.as('ada'), await aw.as('olly')];
    const p = await ada.json<PolicyResponse>('/api/admin/policy');
    const r = await put(ada, { baseVersion: p.source.version, policy: null });
    expect(r.status).toBe(200);
    expect(r.body.source).toMatchObject({ kind: 'config', version: p.source.version + 1, actor: 'ada' });
    expect(r.body.policy).toEqual(r.body.config);
    expect(subsystemsOf(await olly.json<ReportRunResult>(RUN))).toEqual(['console', 'video']);
    const [entry] = await aw.access.store.auditLog({ limit: 1, action: 'policy' });
    expect(entry!.detail).toMatchObject({
      reset: true,
      rolesChanged: ['op'],
      masksRemoved: [expect.any(String)],
    });
  });

  it('a saved policy that no longer passes the checks applies failing closed, with the problem shown', async () => {
    const [ada, olly, ana] = [await aw.as('ada'), await aw.as('olly'), await aw.as('ana')];
    expect((await olly.get(RUN)).status).toBe(200);
    const p = await ada.json<PolicyResponse>('/api/admin/policy');
    // as an older version of Mortar could have saved it: a field since renamed, a permission since gone
    const doc = {
      roles: { op: { permissions: ['view_cockpit', 'view_reports'], scopes: { events: ['site = north'] } } },
      masks: [{ dataset: 'events', field: 'attrs.operator', mode: 'partial', unless: 'see_names' }],
    };
    const version = p.source.version + 1;
    expect(aw.store.savePolicy({ version, at: Date.now(), actor: 'old-ada', doc: JSON.stringify(doc) })).toBe(
      true,
    );
    await aw.access.refreshPolicy(true);

    const now = await ada.json<PolicyResponse>('/api/admin/policy');
    expect(now.source).toMatchObject({ kind: 'store', version });
    expect(now.problem).toMatch(/roles\.op\.scopes\.events\.0.*masks\.0\.unless.*failing closed/);
    // the role with the failing rule grants nothing (not the configuration's wider one)
    expect((await olly.get(RUN)).status).toBe(403);
    // the mask with the unknown permission masks for everyone without view_personal_data
    const rows = (await ana.json<EventsResponse>(`/api/events?${RANGE}&subsystem=console&limit=1000`)).rows;
    const named = rows.filter((e) => e.attrs.operator !== undefined);
    expect(named.length).toBeGreaterThan(0);
    for (const e of named) expect(String(e.attrs.operator)).toMatch(/\*\*\*$/);

    expect((await put(ada, { baseVersion: version, policy: null })).status).toBe(200);
    expect((await olly.get(RUN)).status).toBe(200);
  });
});
