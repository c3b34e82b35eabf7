// OpenID Connect Back-Channel Logout 1.0 end to end: a real `mortar serve` (DuckDB, access on,
// access.oidc at the small provider of oidc-provider.ts). Browsers sign in through the real
// authorization-code flow; then the provider's "server" POSTs a logout token it signed. A token
// naming one provider session (sid) ends exactly the Mortar session(s) begun in it; one naming only
// the subject (sub) ends all of that user's OIDC sessions. Every spoiled token (foreign key,
// audience, issuer, no logout event, a nonce, neither sid nor sub, expired, too old, replayed jti,
// foreign typ, an ID token posted as one) is answered 400 and ends nothing; every attempt is
// audited. Then the two backends' methods behind it, the SQLite store and ClickHouse, side by side,
// and two servers on one ClickHouse: a token sent to one ends a session begun on the other.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccessBackend } from '../../src/access/access-backend.ts';
import { sqliteBackend } from '../../src/access/access-backend.ts';
import { ClickHouseAccessStore } from '../../src/access/clickhouse-access.ts';
import { AccessStore } from '../../src/access/store.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { stopProcess } from '../browser/helpers.ts';
import { serveOnClickHouse } from '../scaleout/chaos-support.ts';
import { type ClickHouseServer, startClickHouse } from '../support/clickhouse.ts';
import { startProvider, type TestProvider } from './oidc-provider.ts';
import { serveWithOidc } from './oidc-serve.ts';

const dir = mkdtempSync(join(tmpdir(), 'mortar-oidc-bcl-'));
const ENDPOINT = '/api/auth/oidc/backchannel-logout';
let provider: TestProvider;
let child: ChildProcess;
let base: string;

beforeAll(async () => {
  provider = await startProvider('mortar-test', 'a-client-secret');
  ({ child, base } = await serveWithOidc(
    dir,
    provider,
    `    role_map: {operators: viewer}
`,
  ));
}, 120_000);

afterAll(async () => {
  if (child) await stopProcess(child, 10_000);
  await provider?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  provider.next = { claims: { preferred_username: 'olga', groups: ['operators'] } };
});

/** A browser: Mortar's cookies kept, redirects followed by hand. */
class Browser {
  cookies = new Map<string, string>();
  async get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
    const h = { ...headers };
    if (url.startsWith(base) && this.cookies.size)
      h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { method, headers: h, redirect: 'manual' });
    if (url.startsWith(base))
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        const [k, v] = [pair!.slice(0, i), pair!.slice(i + 1)];
        if (v === '' || /max-age=0/i.test(c)) this.cookies.delete(k);
        else this.cookies.set(k, v);
      }
    return res;
  }
  /** Whether the session still works: a route that needs it (401 without). */
  async signedIn(): Promise<boolean> {
    const res = await this.get(`${base}/api/subsystems`);
    await res.body?.cancel();
    expect([200, 401]).toContain(res.status);
    return res.status === 200;
  }
}

/** The whole sign-in flow in a fresh browser; the provider session (sid) its ID token names. */
async function signIn(user = 'olga'): Promise<{ b: Browser; sid: string; sub: string }> {
  provider.next = { claims: { preferred_username: user, groups: ['operators'] } };
  const b = new Browser();
  const next = async (r: Response) => {
    expect(r.status).toBe(302);
    return new URL(r.headers.get('location')!, base).toString();
  };
  const done = await next(
    await b.get(await next(await b.get(await next(await b.get(`${base}/api/auth/oidc/login`))))),
  );
  expect(done).toBe(`${base}/`);
  expect(await b.signedIn()).toBe(true);
  const claims = decodeJwt(provider.idTokens.at(-1)!);
  return { b, sid: String(claims.sid), sub: String(claims.sub) };
}

const post = (body: string, type = 'application/x-www-form-urlencoded') =>
  fetch(`${base}${ENDPOINT}`, { method: 'POST', headers: { 'content-type': type }, body });
const logout = (token: string) => post(new URLSearchParams({ logout_token: token }).toString());

function audit() {
  const store = AccessStore.open(join(dir, 'access.sqlite'));
  try {
    return store.auditLog({ limit: 1000, action: 'logout' });
  } finally {
    store.close();
  }
}

describe('back-channel logout', () => {
  it('a logout token with a sid ends the session begun in that provider session, not the other', async () => {
    const one = await signIn();
    const two = await signIn();
    expect(one.sid).not.toBe(two.sid);
    const res = await logout(await provider.logoutToken({ sid: one.sid }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await one.b.signedIn()).toBe(false);
    expect(await two.b.signedIn()).toBe(true);
    expect(audit()[0]).toMatchObject({
      actor: 'olga',
      outcome: 'ok',
      detail: { method: 'oidc-backchannel', sid: one.sid, sessionsEnded: 1 },
    });
  });

  it('a logout token with only a sub ends every OIDC session of that user, and only those', async () => {
    const a = await signIn('paula');
    const b = await signIn('paula');
    const other = await signIn('quinn');
    // a password session of another user: never a provider's to end
    const ada = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ada', password: 'ada-local-password' }),
    });
    const adaCookie = ada.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const res = await logout(await provider.logoutToken({ sub: a.sub }));
    expect(res.status).toBe(200);
    expect([await a.b.signedIn(), await b.b.signedIn(), await other.b.signedIn()]).toEqual([
      false,
      false,
      true,
    ]);
    expect((await fetch(`${base}/api/subsystems`, { headers: { cookie: adaCookie } })).status).toBe(200);
    expect(audit()[0]).toMatchObject({
      actor: 'paula',
      outcome: 'ok',
      detail: { method: 'oidc-backchannel', sub: a.sub, sessionsEnded: 2 },
    });
    // sid and sub together: both must match (a sid of another subject ends nothing)
    const res2 = await logout(await provider.logoutToken({ sid: other.sid, sub: a.sub }));
    expect(res2.status).toBe(200);
    expect(await other.b.signedIn()).toBe(true);
    expect(audit()[0]?.detail).toMatchObject({ sessionsEnded: 0 });
  });

  it('a good token that matches no session is answered 200 (typ JWT and no exp accepted too)', async () => {
    const res = await logout(
      await provider.logoutToken({ sid: 'no-such-sid', exp: undefined }, { typ: 'JWT' }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(audit()[0]).toMatchObject({
      actor: '(oidc)',
      outcome: 'ok',
      detail: { method: 'oidc-backchannel', sid: 'no-such-sid', sessionsEnded: 0 },
    });
  });

  it('a replayed logout token is refused', async () => {
    const token = await provider.logoutToken({ sid: 'replay-sid' });
    expect((await logout(token)).status).toBe(200);
    const again = await logout(token);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_request' });
    expect(audit()[0]).toMatchObject({
      outcome: 'failed',
      detail: { method: 'oidc-backchannel', reason: 'logout token: replayed jti' },
    });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const spoiled: [string, (sid: string, sub: string) => Promise<string>, string | RegExp][] = [
    ['signed by another key', (sid) => provider.logoutToken({ sid }, { foreignKey: true }), 'bad signature'],
    ['for another audience', (sid) => provider.logoutToken({ sid, aud: 'another-client' }), 'claim aud'],
    ['from another issuer', (sid) => provider.logoutToken({ sid, iss: 'https://evil.example' }), 'claim iss'],
    [
      'without the events claim',
      (sid) => provider.logoutToken({ sid, events: undefined }),
      'no back-channel',
    ],
    [
      'with another event',
      (sid) => provider.logoutToken({ sid, events: { 'https://example.com/other-event': {} } }),
      'no back-channel',
    ],
    ['with a nonce', (sid) => provider.logoutToken({ sid, nonce: 'n' }), 'has a nonce'],
    ['without sid and sub', () => provider.logoutToken({}), 'neither sid nor sub'],
    ['without iat', (sid) => provider.logoutToken({ sid, iat: undefined }), 'claim iat'],
    ['without jti', (sid) => provider.logoutToken({ sid, jti: undefined }), 'claim jti'],
    ['expired', (sid) => provider.logoutToken({ sid, iat: now() - 300, exp: now() - 120 }), 'expired'],
    [
      'issued too long ago',
      (sid) => provider.logoutToken({ sid, iat: now() - 3600, exp: undefined }),
      'expired',
    ],
    ['of an access token type', (sid) => provider.logoutToken({ sid }, { typ: 'at+jwt' }), 'typ at+jwt'],
    // an ID token of the very session is no logout token (it has no event, and a nonce)
    ['that is an ID token', async () => provider.idTokens.at(-1)!, /claim jti|no back-channel|nonce/],
  ];
  for (const [what, make, reason] of spoiled)
    it(`a logout token ${what} is refused with 400, ends nothing, and is audited`, async () => {
      const s = await signIn();
      const res = await logout(await make(s.sid, s.sub));
      expect(res.status).toBe(400);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as { error: string; error_description: string };
      expect(body.error).toBe('invalid_request');
      expect(body.error_description).toMatch(/logout token refused/);
      expect(await s.b.signedIn()).toBe(true);
      const [last] = audit();
      expect(last).toMatchObject({
        actor: '(oidc)',
        outcome: 'failed',
        detail: { method: 'oidc-backchannel' },
      });
      expect(String(last?.detail?.reason)).toMatch(reason);
    });

  it('a request without a form-encoded logout_token is refused', async () => {
    const json = await post(JSON.stringify({ logout_token: 'x' }), 'application/json');
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    const none = await post('other=1');
    expect(none.status).toBe(400);
    expect(audit()[0]?.detail).toMatchObject({ reason: 'no logout_token' });
    const junk = await logout('not-a-jwt');
    expect(junk.status).toBe(400);
  });
});

describe('the backends behind it: live OIDC sessions listed and ended by id hash', () => {
  let ch: ClickHouseServer;
  let w: Warehouse;
  beforeAll(async () => {
    ch = await startClickHouse();
    w = await openWarehouse({ type: 'clickhouse', url: ch.url, database: 'bcl' });
  }, 60_000);
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await w?.close();
    await ch?.stop();
  });

  const check = async (store: AccessBackend) => {
    const now = Date.now();
    const a = await store.createSession('olga', now, 60_000, null, { idToken: 'token-a' });
    await store.createSession('olga', now, 60_000, null, { idToken: 'token-b' });
    await store.createSession('olga', now - 120_000, 60_000, null, { idToken: 'token-expired' });
    const pw = await store.createSession('ann', now, 60_000);
    const listed = await store.oidcSessions(now);
    expect(listed.map((s) => [s.user, s.idToken]).sort()).toEqual([
      ['olga', 'token-a'],
      ['olga', 'token-b'],
    ]);
    // the listing names sessions by hash, never by their cookie value
    expect(listed.map((s) => s.idHash)).not.toContain(a.token);
    await store.deleteSessionsByHash(listed.filter((s) => s.idToken === 'token-a').map((s) => s.idHash));
    expect(await store.session(a.token, now)).toBeUndefined();
    expect((await store.oidcSessions(now)).map((s) => s.idToken)).toEqual(['token-b']);
    expect((await store.session(pw.token, now))?.user).toBe('ann');
    await store.deleteSessionsByHash([]);
    await store.deleteSessionsByHash((await store.oidcSessions(now)).map((s) => s.idHash));
    expect(await store.oidcSessions(now)).toEqual([]);
  };

  it('SQLite store', async () => {
    const store = AccessStore.open(':memory:');
    try {
      await check(sqliteBackend(store));
    } finally {
      store.close();
    }
  });

  it('ClickHouse store (ended sessions lose their ID token too)', async () => {
    await check(new ClickHouseAccessStore(w));
    // the tombstones blank the ID tokens (only the expired session's, never ended, is left)
    const rows = await w.query(
      sql`select id_token from access_session_oidc_log final where id_token is not null`,
    );
    expect(rows.map((r) => r.id_token)).toEqual(['token-expired']);
  }, 60_000);

  it('two servers on ClickHouse: a sign-in on A ends by a logout token sent to B', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mortar-oidc-bcl-ch-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    // The servers inherit the environment: the OIDC client secret is read from it.
    process.env.MORTAR_TEST_OIDC_SECRET = 'a-client-secret';
    const access = {
      access: {
        enabled: true,
        oidc: {
          issuer: provider.issuer,
          client_id: 'mortar-test',
          client_secret_env: 'MORTAR_TEST_OIDC_SECRET',
          // The test takes the browser back to A by hand.
          redirect_url: 'http://127.0.0.1:9/api/auth/oidc/callback',
          roles_claim: 'groups',
          role_map: { operators: ['viewer'] },
        },
      },
    };
    const [a, b] = await Promise.all([
      serveOnClickHouse(home, 'a', ch.url, 'bcl_shared', cleanups, access),
      serveOnClickHouse(home, 'b', ch.url, 'bcl_shared', cleanups, access),
    ]);
    const signInOnA = async () => {
      provider.next = { claims: { preferred_username: 'olga', groups: ['operators'] } };
      const started = await fetch(`${a.url}/api/auth/oidc/login`, { redirect: 'manual' });
      const stateCookie = started.headers.getSetCookie()[0]!.split(';')[0]!;
      const back = new URL(
        (await fetch(started.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!,
      );
      const done = await fetch(`${a.url}${back.pathname}${back.search}`, {
        headers: { cookie: stateCookie },
        redirect: 'manual',
      });
      expect(done.headers.get('location')).toBe('/');
      const cookie = done.headers
        .getSetCookie()
        .map((c) => c.split(';')[0]!)
        .join('; ');
      return { cookie, sid: String(decodeJwt(provider.idTokens.at(-1)!).sid) };
    };
    const status = async (url: string, cookie: string) =>
      (await fetch(`${url}/api/subsystems`, { headers: { cookie } })).status;
    const one = await signInOnA();
    const two = await signInOnA();
    expect([await status(a.url, one.cookie), await status(b.url, two.cookie)]).toEqual([200, 200]);
    const res = await fetch(`${b.url}${ENDPOINT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: await provider.logoutToken({ sid: one.sid }) }),
    });
    expect(res.status).toBe(200);
    expect(await status(a.url, one.cookie)).toBe(401);
    expect(await status(b.url, one.cookie)).toBe(401);
    expect(await status(a.url, two.cookie)).toBe(200);
    const shared = await openWarehouse({ type: 'clickhouse', url: ch.url, database: 'bcl_shared' });
    cleanups.push(() => shared.close());
    const [last] = await new ClickHouseAccessStore(shared).auditLog({ limit: 1, action: 'logout' });
    expect(last).toMatchObject({
      actor: 'olga',
      outcome: 'ok',
      detail: { method: 'oidc-backchannel', sid: one.sid, sessionsEnded: 1 },
    });
  }, 120_000);
});
