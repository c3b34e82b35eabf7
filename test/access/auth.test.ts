// Sign-in, sessions, CSRF, lockout, rate limiting, API tokens, "view as" and the feature gate,
// over real HTTP (node server on loopback), a real DuckDB warehouse and the real SQLite access store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/access/access-control.ts';
import { hashPassword } from '../../src/access/password.ts';
import { accessSettings, accessStorePath } from '../../src/access/settings.ts';
import { AccessStore } from '../../src/access/store.ts';
import { ruleFor } from '../../src/api/access-rules.ts';
import { LiveTotals } from '../../src/api/live.ts';
import { createApp } from '../../src/api/server.ts';
import type { AuditRowInfo, MeResponse, NewTokenResponse } from '../../src/api/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';

const dir = mkdtempSync(join(tmpdir(), 'mortar-access-'));
const demo = fileURLToPath(new URL('../../config/demo/', import.meta.url));
const PASSWORDS = {
  ada: 'ada-correct-horse',
  vic: 'vic-battery-staple',
  aud: 'aud-auditor-pass',
  eve: 'eve-analyst-pass',
};
let warehouse: Warehouse;
let store: AccessStore;
let app: ReturnType<typeof createApp>;
let server: ReturnType<typeof serve>;
let base: string;

beforeAll(async () => {
  writeFileSync(
    join(dir, 'mortar.yaml'),
    `include: [${join(demo, 'subsystems.yaml')}, ${join(demo, 'flows.yaml')}]
data_dir: ${dir}
access:
  enabled: true
  lockout: {attempts: 3, duration: 10m}
  logins_per_minute: 1000
  roles:
    operator: {permissions: [view_cockpit, view_raw], description: control room}
`,
  );
  const config = loadConfig(join(dir, 'mortar.yaml'));
  warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
  store = AccessStore.open(accessStorePath(config));
  const now = Date.now();
  store.addUser({ name: 'ada', passwordHash: await hashPassword(PASSWORDS.ada), roles: ['admin'] }, now);
  store.addUser(
    {
      name: 'vic',
      passwordHash: await hashPassword(PASSWORDS.vic),
      roles: ['viewer'],
      attrs: { site: 'north' },
    },
    now,
  );
  store.addUser({ name: 'aud', passwordHash: await hashPassword(PASSWORDS.aud), roles: ['auditor'] }, now);
  store.addUser({ name: 'eve', passwordHash: await hashPassword(PASSWORDS.eve), roles: ['operator'] }, now);
  const access = new AccessControl(store, accessSettings(config));
  app = createApp({ config, warehouse, live: await LiveTotals.seed(warehouse), version: 'test', access });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server?.close();
  store?.close();
  await warehouse?.close();
});

/** A browser-like client: keeps cookies, sends the CSRF header when told to. */
class Client {
  cookies = new Map<string, string>();
  constructor(readonly csrf = true) {}
  async req(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.csrf && this.cookies.has('mortar_csrf')) h['x-csrf-token'] = this.cookies.get('mortar_csrf')!;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(base + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = pair!.split('=');
      if (v === '' || /max-age=0/i.test(c)) this.cookies.delete(k!);
      else this.cookies.set(k!, v!);
    }
    return res;
  }
  async login(user: keyof typeof PASSWORDS): Promise<Response> {
    return this.req('POST', '/api/auth/login', { user, password: PASSWORDS[user] });
  }
}

const audit = async (): Promise<AuditRowInfo[]> => {
  const a = new Client();
  expect((await a.login('aud')).status).toBe(200);
  return ((await (await a.req('GET', '/api/audit?limit=1000')).json()) as { rows: AuditRowInfo[] }).rows;
};

describe('sign-in', () => {
  it('refuses every guarded route without an identity', async () => {
    const paths = new Set<string>();
    for (const r of app.routes) {
      if (!(r.path.startsWith('/api/') || r.path === '/metrics') || r.method === 'ALL') continue;
      const rule = ruleFor(r.method, r.path);
      expect(rule, `${r.method} ${r.path} has an access rule`).toBeDefined();
      if (rule === 'public') continue;
      const path = r.path.replace(/:[a-z]+/gi, 'x');
      paths.add(`${r.method} ${path}`);
      const res = await fetch(base + path, { method: r.method });
      expect(res.status, `${r.method} ${path} without identity`).toBe(401);
    }
    expect(paths.size).toBeGreaterThan(15);
  });

  it('a route without a rule is refused even when signed in (fail closed)', () => {
    expect(ruleFor('GET', '/api/something-new')).toBeUndefined();
    expect(ruleFor('DELETE', '/api/events')).toBeUndefined();
  });

  it('logs in with HttpOnly SameSite cookies and says who is signed in', async () => {
    const c = new Client();
    const res = await c.login('vic');
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie();
    const session = set.find((s) => s.startsWith('mortar_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(set.find((s) => s.startsWith('mortar_csrf='))).not.toMatch(/HttpOnly/);
    const me = (await (await c.req('GET', '/api/auth/me')).json()) as MeResponse;
    expect(me).toMatchObject({ enabled: true, user: 'vic', roles: ['viewer'] });
    expect(me.permissions).toEqual(['view_cockpit', 'view_reports']);
    const anon = (await (await new Client().req('GET', '/api/auth/me')).json()) as MeResponse;
    expect(anon.user).toBeNull();
  });

  it('answers the same for an unknown user and a wrong password, and audits both', async () => {
    const a = await new Client().req('POST', '/api/auth/login', {
      user: 'nobody',
      password: 'whatever-long',
    });
    const b = await new Client().req('POST', '/api/auth/login', {
      user: 'aud',
      password: 'wrong-password-x',
    });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(((await a.json()) as { error: { message: string } }).error.message).toBe(
      ((await b.json()) as { error: { message: string } }).error.message,
    );
    const log = await audit();
    expect(log.some((r) => r.action === 'login' && r.actor === 'nobody' && r.outcome === 'failed')).toBe(
      true,
    );
  });

  it('locks an account after repeated failures, even for the right password', async () => {
    store.addUser(
      { name: 'lou', passwordHash: await hashPassword('lou-right-password'), roles: ['viewer'] },
      Date.now(),
    );
    for (let i = 0; i < 3; i++)
      expect(
        (await new Client().req('POST', '/api/auth/login', { user: 'lou', password: `bad-password-${i}` }))
          .status,
      ).not.toBe(200);
    const res = await new Client().req('POST', '/api/auth/login', {
      user: 'lou',
      password: 'lou-right-password',
    });
    expect(res.status).toBe(423);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /locked.*try again in \d+ min/,
    );
  });

  it('needs the CSRF token on state-changing requests made with the cookie', async () => {
    const c = new Client(false);
    await c.login('ada');
    const no = await c.req('POST', '/api/auth/tokens', { name: 'x', permissions: ['view_cockpit'] });
    expect(no.status).toBe(403);
    const yes = await c.req(
      'POST',
      '/api/auth/tokens',
      { name: 'x', permissions: ['view_cockpit'] },
      { 'x-csrf-token': c.cookies.get('mortar_csrf')! },
    );
    expect(yes.status).toBe(201);
  });

  it('logout ends the session on the server', async () => {
    const c = new Client();
    await c.login('vic');
    const cookie = c.cookies.get('mortar_session')!;
    expect((await c.req('POST', '/api/auth/logout')).status).toBe(200);
    const replay = await fetch(`${base}/api/topology`, { headers: { cookie: `mortar_session=${cookie}` } });
    expect(replay.status).toBe(401);
  });
});

describe('feature permissions', () => {
  it('opens exactly what the roles grant and audits denials', async () => {
    const vic = new Client();
    await vic.login('vic');
    expect((await vic.req('GET', '/api/topology')).status).toBe(200);
    expect((await vic.req('GET', '/api/events')).status).toBe(403);
    expect((await vic.req('GET', '/api/dead-letters')).status).toBe(403);
    expect((await vic.req('GET', '/api/admin/overview')).status).toBe(403);
    expect((await vic.req('GET', '/api/audit')).status).toBe(403);
    const eve = new Client();
    await eve.login('eve'); // operator from the config: cockpit + raw lines
    expect((await eve.req('GET', '/api/events')).status).toBe(200);
    expect((await eve.req('GET', '/api/dead-letters')).status).toBe(403);
    const log = await audit();
    expect(
      log.some((r) => r.action === 'denied' && r.actor === 'vic' && r.target === 'GET /api/events'),
    ).toBe(true);
  });

  it('an unknown permission in a role is a config error naming file and path', () => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      `data_dir: ${dir}\naccess:\n  enabled: true\n  roles:\n    x: {permissions: [view_cockpit, see_everything]}\n`,
    );
    const config = loadConfig(join(dir, 'bad.yaml'));
    expect(() => accessSettings(config)).toThrow(/the access section has errors/);
    try {
      accessSettings(config);
    } catch (e) {
      const d = (e as { details: { where: string; message: string }[] }).details[0]!;
      expect(d.where).toMatch(/bad\.yaml:5:\d+ .*access\.roles\.x\.permissions\[1\]|bad\.yaml:5/);
      expect(d.message).toMatch(/see_everything/);
    }
  });
});

describe('API tokens', () => {
  it('act for their user within their permissions, and stop when revoked', async () => {
    const eve = new Client();
    await eve.login('eve');
    const over = await eve.req('POST', '/api/auth/tokens', {
      name: 'too much',
      permissions: ['manage_users'],
    });
    expect(over.status).toBe(403);
    const res = await eve.req('POST', '/api/auth/tokens', {
      name: 'script',
      permissions: ['view_cockpit'],
      expires: '1d',
    });
    expect(res.status).toBe(201);
    const { token, info } = (await res.json()) as NewTokenResponse;
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${base}/api/topology`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${base}/api/events`, { headers: auth })).status).toBe(403); // eve may, the token may not
    expect((await fetch(`${base}/metrics`, { headers: auth })).status).toBe(200);
    expect((await eve.req('DELETE', `/api/auth/tokens/${info.id}`)).status).toBe(200);
    expect((await fetch(`${base}/api/topology`, { headers: auth })).status).toBe(401);
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(
      (await fetch(`${base}/api/topology`, { headers: { authorization: `Bearer ${forged}` } })).status,
    ).toBe(401);
  });

  it('expire', () => {
    const t = store.createToken(
      { user: 'vic', name: 'old', permissions: ['view_cockpit'], expiresAt: Date.now() - 1 },
      Date.now() - 10_000,
    );
    expect(store.validToken(t.token, Date.now())).toBeUndefined();
  });
});

describe('administration', () => {
  it('adds users, disables them (ending their sessions), and previews a user as admin (audited)', async () => {
    const ada = new Client();
    await ada.login('ada');
    const add = await ada.req('POST', '/api/admin/users', {
      name: 'neo',
      password: 'neo-new-password',
      roles: ['viewer'],
      attrs: { site: 'south' },
    });
    expect(add.status).toBe(201);
    expect(
      (await ada.req('POST', '/api/admin/users', { name: 'neo2', password: 'short', roles: ['viewer'] }))
        .status,
    ).toBe(400);
    expect(
      (
        await ada.req('POST', '/api/admin/users', {
          name: 'neo3',
          password: 'long-enough-pw',
          roles: ['wizard'],
        })
      ).status,
    ).toBe(400);
    const neo = new Client();
    expect(
      (await neo.req('POST', '/api/auth/login', { user: 'neo', password: 'neo-new-password' })).status,
    ).toBe(200);
    expect((await neo.req('GET', '/api/topology')).status).toBe(200);
    expect((await ada.req('PATCH', '/api/admin/users/neo', { disabled: true })).status).toBe(200);
    expect((await neo.req('GET', '/api/topology')).status).toBe(401);

    const view = await ada.req('POST', '/api/admin/view-as', { user: 'vic' });
    expect(view.status).toBe(200);
    const me = (await (await ada.req('GET', '/api/auth/me')).json()) as MeResponse;
    expect(me).toMatchObject({ user: 'vic', viewAsBy: 'ada' });
    expect((await ada.req('GET', '/api/events')).status).toBe(403); // sees what vic sees
    expect((await ada.req('POST', '/api/auth/view-as/stop')).status).toBe(200);
    expect(((await (await ada.req('GET', '/api/auth/me')).json()) as MeResponse).user).toBe('ada');
    const log = await audit();
    expect(log.some((r) => r.action === 'view_as' && r.actor === 'ada' && r.target === 'vic')).toBe(true);
    expect(log.some((r) => r.action === 'user_change' && r.target === 'neo')).toBe(true);
  });

  it('stores argon2id hashes and keeps the audit log append-only for every writer', () => {
    expect(store.user('ada')!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const raw = new Database(join(dir, 'access.sqlite'));
    try {
      expect(() => raw.exec("UPDATE audit SET outcome = 'ok'")).toThrow(/append-only/);
      expect(() => raw.exec('DELETE FROM audit')).toThrow(/append-only/);
      expect((raw.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n).toBeGreaterThan(5);
    } finally {
      raw.close();
    }
  });
});
