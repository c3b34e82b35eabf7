// The authorization matrix: every registered API route × every built-in role, a configured role
// and an API token with a subset of permissions, signed in over HTTP on a real DuckDB world. The
// permission each route needs is written down here independently of src/api/access-rules.ts, so a
// new route without an entry, a route without a rule, or a rule that differs from this spec fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Permission } from '../../src/access/permissions.ts';
import { BUILTIN_ROLES } from '../../src/access/roles.ts';
import { ruleFor } from '../../src/api/access-rules.ts';
import type { NewTokenResponse } from '../../src/api/types.ts';
import { type AccessWorld, accessWorld, Client } from './signed-in-world.ts';

/** The spec: route pattern -> what it needs ('public': nothing; 'signed_in': any identity). */
const SPEC: Record<string, Permission | 'public' | 'signed_in'> = {
  'POST /api/auth/login': 'public',
  'GET /api/auth/me': 'public',
  'GET /api/auth/oidc/login': 'public',
  'GET /api/auth/oidc/callback': 'public',
  'POST /api/auth/oidc/backchannel-logout': 'public',
  'POST /api/auth/logout': 'signed_in',
  'POST /api/auth/password': 'signed_in',
  'GET /api/auth/tokens': 'signed_in',
  'POST /api/auth/tokens': 'signed_in',
  'DELETE /api/auth/tokens/:id': 'signed_in',
  'POST /api/auth/view-as/stop': 'signed_in',
  'GET /api/health': 'signed_in',
  'GET /api/openapi.json': 'signed_in',
  'GET /api/admin/overview': 'manage_users',
  'POST /api/admin/users': 'manage_users',
  'PATCH /api/admin/users/:name': 'manage_users',
  'GET /api/admin/policy': 'manage_users',
  'PUT /api/admin/policy': 'manage_users',
  'POST /api/admin/view-as': 'manage_users',
  'GET /api/audit': 'view_audit',
  'POST /api/agent/batches': 'ingest',
  'GET /api/events': 'view_raw',
  'GET /api/flows/:name/alerts/:root': 'view_raw',
  'GET /api/dead-letters': 'view_dead_letters',
  'POST /api/pipelines/:name/try': 'edit_pipelines',
  'GET /api/reports/:id/export.csv': 'export',
  'GET /api/reports/:id/export.parquet': 'export',
  'POST /api/reports/validate': 'edit_reports',
  'PUT /api/reports/:id': 'edit_reports',
  'DELETE /api/reports/:id': 'edit_reports',
  'POST /api/reports/:id/views': 'view_reports',
  'GET /api/reports': 'view_reports',
  'GET /api/reports/:id': 'view_reports',
  'GET /api/reports/:id/run': 'view_reports',
  'GET /api/reports/:id/views': 'view_reports',
  'GET /api/reports/:id/filters/:filterId/values': 'view_reports',
  'POST /api/links/:id/accept': 'edit_pipelines',
  'POST /api/links/:id/dismiss': 'edit_pipelines',
  'GET /api/links': 'view_cockpit',
  'GET /api/catalog': 'view_cockpit',
  'GET /api/catalog/drift': 'view_cockpit',
  'GET /api/patterns': 'view_cockpit',
  'GET /api/patterns/changes': 'view_cockpit',
  'GET /api/patterns/:id': 'view_cockpit',
  'GET /api/subsystems': 'view_cockpit',
  'GET /api/volume': 'view_cockpit',
  'GET /api/live': 'view_cockpit',
  'GET /api/ingest': 'view_cockpit',
  'GET /api/pipelines': 'view_cockpit',
  'GET /api/topology': 'view_cockpit',
  'GET /api/states': 'view_cockpit',
  'GET /api/states/history': 'view_cockpit',
  'GET /api/availability': 'view_cockpit',
  'GET /api/flows': 'view_cockpit',
  'GET /api/flows/:name/alerts': 'view_cockpit',
  'GET /api/flows/:name/hops': 'view_cockpit',
  'GET /metrics': 'view_cockpit',
};

/** Real values for path parameters, so allowed requests reach the handler's real work. */
const PARAMS: Record<string, string> = {
  id: 'event-volume-by-subsystem',
  filterId: 'subsystem',
  name: 'alarm',
  root: 'no-such-alert',
};

/**
 * Refusals by the handler itself, past the gate: account routes act for a person signed in, never
 * for an API token (a token cannot mint tokens or change its user's password).
 */
const HANDLER_REFUSES_TOKENS = new Set(['POST /api/auth/password', 'POST /api/auth/tokens']);

const OPERATOR: Permission[] = ['view_cockpit', 'view_raw', 'view_reports'];
const TOKEN: Permission[] = ['view_reports', 'export', 'view_cockpit'];

let aw: AccessWorld;
let token: string;

beforeAll(async () => {
  aw = await accessWorld(
    'mortar-matrix-',
    `    operator: {permissions: [${OPERATOR.join(', ')}]}\n`,
    {
      ada: { roles: ['admin'] },
      ana: { roles: ['analyst'] },
      vic: { roles: ['viewer'] },
      aud: { roles: ['auditor'] },
      opa: { roles: ['operator'] },
    },
    '  logins_per_minute: 10000\n',
  );
  const ana = await aw.as('ana');
  const res = await ana.req('POST', '/api/auth/tokens', { name: 'subset', permissions: TOKEN });
  expect(res.status).toBe(201);
  token = ((await res.json()) as NewTokenResponse).token;
}, 120_000);

afterAll(async () => {
  await aw?.close();
});

const apiRoutes = () => {
  const seen = new Set<string>();
  for (const r of aw.app.routes) {
    if (r.method === 'ALL' || !(r.path.startsWith('/api/') || r.path === '/metrics')) continue;
    seen.add(`${r.method} ${r.path}`);
  }
  // logout last: it ends the session the other requests use
  return [...seen].sort((a, b) => Number(a.includes('/logout')) - Number(b.includes('/logout')));
};

describe('authorization matrix', () => {
  it('every registered route is in the spec and the route table agrees with it', () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(40);
    for (const key of routes) {
      const [method, path] = key.split(' ') as [string, string];
      expect(Object.keys(SPEC), `${key} is a new route: add it to the matrix spec`).toContain(key);
      expect(ruleFor(method, path), `${key}: access-rules.ts disagrees with the spec`).toBe(SPEC[key]);
    }
    // the spec lists nothing that is not a route (a removed route leaves no stale entry)
    for (const key of Object.keys(SPEC)) expect(routes, `${key} is no route any more`).toContain(key);
  });

  const identities: [string, Permission[], () => Promise<Client>][] = [
    ['admin', [...BUILTIN_ROLES.admin!.permissions], () => aw.as('ada')],
    ['analyst', [...BUILTIN_ROLES.analyst!.permissions], () => aw.as('ana')],
    ['viewer', [...BUILTIN_ROLES.viewer!.permissions], () => aw.as('vic')],
    ['auditor', [...BUILTIN_ROLES.auditor!.permissions], () => aw.as('aud')],
    ['config role operator', OPERATOR, () => aw.as('opa')],
    [
      'API token (analyst, subset)',
      TOKEN,
      async () => new Client(aw.app, { headers: { authorization: `Bearer ${token}` } }),
    ],
  ];

  for (const [label, perms, client] of identities)
    it(`${label}: 403 exactly where the permission is missing`, async () => {
      const c = await client();
      const have = new Set<string>(perms);
      const results: string[] = [];
      for (const key of apiRoutes()) {
        const [method, pattern] = key.split(' ') as [string, string];
        // deleting a built-in report is refused by the handler: delete one that does not exist
        const params = method === 'DELETE' ? { ...PARAMS, id: 'no-such-report' } : PARAMS;
        const path = pattern.replace(/:([A-Za-z]+)/g, (_, p: string) => params[p] ?? 'x');
        const res = await c.req(method, path, method === 'GET' ? undefined : {});
        const text = res.headers.get('content-type')?.includes('json') ? await res.text() : '';
        await res.body?.cancel().catch(() => undefined);
        const need = SPEC[key]!;
        const allowed = need === 'public' || need === 'signed_in' || have.has(need);
        const expected403 = !allowed || (label.startsWith('API token') && HANDLER_REFUSES_TOKENS.has(key));
        const ok = expected403 ? res.status === 403 : ![401, 403].includes(res.status) && res.status < 500;
        // a refusal for a missing permission names it
        const message = text
          ? String((JSON.parse(text) as { error?: { message?: string } }).error?.message)
          : '';
        if (!allowed && !message.includes(`"${need}" permission`))
          results.push(`${key}: refusal names no permission`);
        if (!ok) results.push(`${key} -> ${res.status} (needs ${need}, allowed: ${allowed})`);
      }
      expect(results).toEqual([]);
    });

  it('the matrix can fail: a request without the permission is really refused', async () => {
    const vic = await aw.as('vic');
    const res = await vic.get('/api/events');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/view_raw/);
  });
});
