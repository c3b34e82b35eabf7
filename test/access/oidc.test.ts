// OpenID Connect sign-in end to end: a real `mortar serve` (access on, access.oidc pointing at a
// small provider on loopback, oidc-provider.ts) driven with fetch through the whole
// authorization-code flow, redirects followed by hand and cookies kept per "browser". The good
// flow must give the same session as a password login (cookie + CSRF); every spoiled flow (state,
// nonce, signature, expiry, audience, PKCE verifier, replay, no role, a local account's name) must
// end on the sign-in page with a reason, without a session, and in the audit log.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccessStore } from '../../src/access/store.ts';
import type { LogoutResponse, MeResponse } from '../../src/api/types.ts';
import { stopProcess } from '../browser/helpers.ts';
import { startProvider, type TestProvider } from './oidc-provider.ts';
import { serveWithOidc } from './oidc-serve.ts';

const dir = mkdtempSync(join(tmpdir(), 'mortar-oidc-'));
let provider: TestProvider;
let child: ChildProcess;
let base: string;

beforeAll(async () => {
  provider = await startProvider('mortar-test', 'a-client-secret');
  ({ child, base } = await serveWithOidc(
    dir,
    provider,
    `    role_map:
      mortar-admins: admin
      operators: [viewer, auditor]
      homes: home
    attribute_claims: {home: home_subsystem, site: site}
`,
    `  roles:
    home:
      permissions: [view_reports, view_raw]
      scopes: {events: ["subsystem = {user.home}"]}
`,
  ));
}, 120_000);

afterAll(async () => {
  if (child) await stopProcess(child, 10_000);
  await provider?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  provider.next = { claims: { preferred_username: 'olga', groups: ['operators', 'unrelated'] } };
});

/** A browser: a cookie jar per host, redirects followed by hand. */
class Browser {
  jar = new Map<string, Map<string, string>>();
  async get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
    const u = new URL(url);
    const cookies = this.jar.get(u.host);
    const h = { ...headers };
    if (cookies?.size) h.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { method, headers: h, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const [k, v] = [pair!.slice(0, i), pair!.slice(i + 1)];
      if (!this.jar.has(u.host)) this.jar.set(u.host, new Map());
      if (v === '' || /max-age=0/i.test(c)) this.jar.get(u.host)!.delete(k);
      else this.jar.get(u.host)!.set(k, v);
    }
    return res;
  }
  cookie(name: string): string | undefined {
    return this.jar.get(new URL(base).host)?.get(name);
  }
  async me(): Promise<MeResponse> {
    return (await (await this.get(`${base}/api/auth/me`)).json()) as MeResponse;
  }
}

const location = (r: Response) => {
  expect(r.status, `expected a redirect, got ${r.status}`).toBe(302);
  return new URL(r.headers.get('location')!, base).toString();
};

/** Starts a sign-in: the provider's authorization URL (the state cookie is now in the browser). */
async function start(b: Browser): Promise<string> {
  return location(await b.get(`${base}/api/auth/oidc/login`));
}
/** The provider's answer: the callback URL with code and state. */
async function authorize(b: Browser, authUrl: string): Promise<string> {
  return location(await b.get(authUrl));
}
/** Where the callback sends the browser, and the error it carries, if any. */
async function callback(b: Browser, cbUrl: string): Promise<{ to: URL; error: string | null }> {
  const to = new URL(location(await b.get(cbUrl)));
  return { to, error: to.searchParams.get('signin_error') };
}
async function signIn(b: Browser) {
  return callback(b, await authorize(b, await start(b)));
}

function auditOf(user: string) {
  const store = AccessStore.open(join(dir, 'access.sqlite'));
  try {
    return store.auditLog({ limit: 1000, action: 'login', actor: user });
  } finally {
    store.close();
  }
}

async function refusedWithoutSession(b: Browser, r: { to: URL; error: string | null }, pattern: RegExp) {
  expect(r.to.pathname).toBe('/');
  expect(r.error).toMatch(pattern);
  expect(b.cookie('mortar_session')).toBeUndefined();
  expect((await b.me()).user).toBeNull();
}

describe('OpenID Connect sign-in', () => {
  it('the sign-in page learns about the provider from /api/auth/me', async () => {
    const me = await new Browser().me();
    expect(me).toMatchObject({ enabled: true, user: null, oidc: { name: 'Test IdP' } });
  });

  it('the authorization request carries PKCE S256, state, nonce and the configured scopes', async () => {
    const u = new URL(await start(new Browser()));
    expect(u.origin).toBe(provider.issuer);
    const q = u.searchParams;
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(q.get('state')).toMatch(/^[\w-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(q.get('scope')?.split(' ')).toEqual(['openid', 'profile', 'groups']);
    expect(q.get('redirect_uri')).toBe(`${base}/api/auth/oidc/callback`);
  });

  it('a good flow gives a normal session: roles from the group claim, CSRF enforced, audited', async () => {
    const b = new Browser();
    const r = await signIn(b);
    expect(r.error).toBeNull();
    expect(r.to.toString()).toBe(`${base}/`);
    expect(b.cookie('mortar_session')).toBeDefined();
    expect(b.cookie('mortar_oidc')).toBeUndefined();
    const me = await b.me();
    expect(me.user).toBe('olga');
    expect(me.roles.sort()).toEqual(['auditor', 'viewer']);
    expect(me.permissions).toContain('view_audit');
    expect(me.permissions).not.toContain('view_raw');
    // the gate treats it as any session: permissions apply, state changes need the CSRF token
    expect((await b.get(`${base}/api/subsystems`)).status).toBe(200);
    expect((await b.get(`${base}/api/events`)).status).toBe(403);
    expect((await b.get(`${base}/api/auth/logout`, {}, 'POST')).status).toBe(403);
    const out = await b.get(`${base}/api/auth/logout`, { 'x-csrf-token': b.cookie('mortar_csrf')! }, 'POST');
    expect(out.status).toBe(200);
    expect((await b.me()).user).toBeNull();
    const ok = auditOf('olga').find((e) => e.outcome === 'ok');
    expect(ok?.detail).toMatchObject({ method: 'oidc', roles: ['viewer', 'auditor'] });
  });

  it('roles follow the claim at every sign-in: a changed group changes the roles', async () => {
    provider.next = { claims: { preferred_username: 'gert', groups: ['mortar-admins'] } };
    const b = new Browser();
    expect((await signIn(b)).error).toBeNull();
    expect((await b.me()).roles).toEqual(['admin']);
    provider.next = { claims: { preferred_username: 'gert', groups: 'operators' } };
    const b2 = new Browser();
    expect((await signIn(b2)).error).toBeNull();
    expect((await b2.me()).roles.sort()).toEqual(['auditor', 'viewer']);
  });

  it('user attributes follow their claims at every sign-in (for scopes such as {user.home})', async () => {
    const attrsOf = (name: string) => {
      const store = AccessStore.open(join(dir, 'access.sqlite'));
      try {
        return store.user(name)?.attrs;
      } finally {
        store.close();
      }
    };
    provider.next = {
      claims: {
        preferred_username: 'hana',
        groups: ['homes'],
        home_subsystem: 'video',
        site: ['north', 'south'],
      },
    };
    const b = new Browser();
    expect((await signIn(b)).error).toBeNull();
    expect((await b.me()).roles).toEqual(['home']);
    // a list claim gives its first value
    expect(attrsOf('hana')).toEqual({ home: 'video', site: 'north' });
    expect(auditOf('hana').find((e) => e.outcome === 'ok')?.detail).toMatchObject({
      attrs: { home: 'video' },
    });
    // the scoped role works for the session (which rows {user.home} admits: test/access/leaks.test.ts)
    expect((await b.get(`${base}/api/events`)).status).toBe(200);
    // the provider changes the claim, then drops it: the attribute follows, then goes (the scope then matches nothing)
    provider.next = { claims: { preferred_username: 'hana', groups: ['homes'], home_subsystem: 'console' } };
    expect((await signIn(new Browser())).error).toBeNull();
    expect(attrsOf('hana')).toEqual({ home: 'console' });
    provider.next = { claims: { preferred_username: 'hana', groups: ['homes'] } };
    expect((await signIn(new Browser())).error).toBeNull();
    expect(attrsOf('hana')).toEqual({});
  });

  it('claims the ID token lacks (groups, attributes) come from the userinfo endpoint', async () => {
    provider.next = {
      claims: { preferred_username: 'uli' },
      userinfo: { groups: ['homes'], home_subsystem: 'gateway', preferred_username: 'not-used' },
    };
    const b = new Browser();
    expect((await signIn(b)).error).toBeNull();
    const me = await b.me();
    // the ID token's own values win (the user name); the rest fills in
    expect([me.user, me.roles]).toEqual(['uli', ['home']]);
    const store = AccessStore.open(join(dir, 'access.sqlite'));
    try {
      expect(store.user('uli')?.attrs).toEqual({ home: 'gateway' });
    } finally {
      store.close();
    }
  });

  it('userinfo about another subject is refused and audited', async () => {
    provider.next = {
      claims: { preferred_username: 'vic' },
      userinfo: { sub: 'someone-else', groups: ['mortar-admins'] },
    };
    const b = new Browser();
    await refusedWithoutSession(b, await signIn(b), /another user/);
    expect(
      auditOf('(oidc)').some((e) => e.outcome === 'failed' && e.detail?.reason === 'userinfo: sub mismatch'),
    ).toBe(true);
  });

  it('a wrong state is refused', async () => {
    const b = new Browser();
    const cb = new URL(await authorize(b, await start(b)));
    cb.searchParams.set('state', 'forged-state-value');
    await refusedWithoutSession(b, await callback(b, cb.toString()), /expired or was not started/);
  });

  it('a callback in another browser (no state cookie) is refused: no login CSRF', async () => {
    const victim = new Browser();
    const attacker = new Browser();
    const cb = await authorize(attacker, await start(attacker));
    await refusedWithoutSession(victim, await callback(victim, cb), /not started in this browser/);
  });

  it('a replayed callback is refused (a state is good once)', async () => {
    const b = new Browser();
    const auth = await start(b);
    const cb = await authorize(b, auth);
    const cookie = b.cookie('mortar_oidc')!;
    expect((await callback(b, cb)).error).toBeNull();
    const again = new Browser();
    again.jar.set(new URL(base).host, new Map([['mortar_oidc', cookie]]));
    await refusedWithoutSession(again, await callback(again, cb), /expired or was not started/);
  });

  it('a code issued for another sign-in fails the PKCE check at the token endpoint', async () => {
    const b = new Browser();
    const mine = new URL(await start(b)); // the browser's own sign-in: its state cookie and verifier
    const stolen = new Browser();
    const other = new URL(await authorize(stolen, await start(stolen))); // a code for another challenge
    const cb = new URL(`${base}/api/auth/oidc/callback`);
    cb.searchParams.set('code', other.searchParams.get('code')!);
    cb.searchParams.set('state', mine.searchParams.get('state')!);
    const before = provider.verifierMismatches;
    await refusedWithoutSession(b, await callback(b, cb.toString()), /did not accept the sign-in code/);
    expect(provider.verifierMismatches).toBe(before + 1);
  });

  for (const [spoil, reason] of [
    ['nonce', 'nonce mismatch'],
    ['signature', 'id token: bad signature'],
    ['expired', 'id token: expired'],
    ['audience', 'id token: claim aud'],
  ] as const)
    it(`an ID token with a spoiled ${spoil} is refused and audited`, async () => {
      provider.next = {
        claims: { preferred_username: `spoiled-${spoil}`, groups: ['mortar-admins'] },
        spoil,
      };
      const b = new Browser();
      await refusedWithoutSession(
        b,
        await signIn(b),
        spoil === 'nonce' ? /does not belong/ : /could not be verified|another client/,
      );
      const store = AccessStore.open(join(dir, 'access.sqlite'));
      try {
        const failed = store
          .auditLog({ limit: 50, action: 'login', actor: '(oidc)' })
          .filter((e) => e.outcome === 'failed' && String(e.detail?.reason).startsWith(reason));
        expect(failed.length, `audited: ${reason}`).toBeGreaterThan(0);
        expect(store.user(`spoiled-${spoil}`)).toBeUndefined();
      } finally {
        store.close();
      }
    });

  it('a sign-in whose claims give no role is refused with a clear message and audited', async () => {
    provider.next = { claims: { preferred_username: 'nora', groups: ['unrelated', 'staff'] } };
    const b = new Browser();
    await refusedWithoutSession(b, await signIn(b), /no group that grants a Mortar role/);
    const denied = auditOf('nora').find((e) => e.outcome === 'denied');
    expect(String(denied?.detail?.reason)).toMatch(/no role \(claim groups: unrelated, staff\)/);
  });

  it('a user who loses every mapped group loses the roles of open sessions too', async () => {
    provider.next = { claims: { preferred_username: 'paul', groups: ['operators'] } };
    const open = new Browser();
    expect((await signIn(open)).error).toBeNull();
    expect((await open.get(`${base}/api/subsystems`)).status).toBe(200);
    provider.next = { claims: { preferred_username: 'paul', groups: [] } };
    const b = new Browser();
    await refusedWithoutSession(b, await signIn(b), /no group/);
    expect((await open.get(`${base}/api/subsystems`)).status).toBe(403);
  });

  it('a provider user never takes over a local password account of the same name', async () => {
    provider.next = { claims: { preferred_username: 'ada', groups: ['operators'] } };
    const b = new Browser();
    await refusedWithoutSession(b, await signIn(b), /local account with a password/);
    const store = AccessStore.open(join(dir, 'access.sqlite'));
    try {
      expect(store.user('ada')?.roles).toEqual(['admin']);
    } finally {
      store.close();
    }
  });

  it('keeps the ID token with the session only, and without an end_session_endpoint logs out as before', async () => {
    const b = new Browser();
    expect((await signIn(b)).error).toBeNull();
    const idToken = provider.idTokens.at(-1)!;
    const sessions = () => {
      const db = new Database(join(dir, 'access.sqlite'), { readonly: true });
      try {
        return db.prepare('SELECT user, method, id_token FROM sessions').all() as {
          user: string;
          method: string;
          id_token: string | null;
        }[];
      } finally {
        db.close();
      }
    };
    expect(sessions()).toContainEqual({ user: 'olga', method: 'oidc', id_token: idToken });
    // never sent to the page
    expect(JSON.stringify(await b.me())).not.toContain(idToken);
    const out = await b.get(`${base}/api/auth/logout`, { 'x-csrf-token': b.cookie('mortar_csrf')! }, 'POST');
    // this provider's discovery has no end_session_endpoint: nothing to go to
    expect((await out.json()) as LogoutResponse).toEqual({ ok: true });
    expect(sessions().map((r) => r.id_token)).not.toContain(idToken);
    const store = AccessStore.open(join(dir, 'access.sqlite'));
    try {
      const [last] = store.auditLog({ limit: 1, action: 'logout', actor: 'olga' });
      expect(last?.detail).toEqual({ method: 'oidc', providerLogout: 'not offered by the provider' });
    } finally {
      store.close();
    }
  });

  it('an error from the provider is shown and audited', async () => {
    const b = new Browser();
    const auth = new URL(await start(b));
    const cb = `${base}/api/auth/oidc/callback?error=access_denied&error_description=${encodeURIComponent('user cancelled')}&state=${auth.searchParams.get('state')}`;
    await refusedWithoutSession(b, await callback(b, cb), /Test IdP refused the sign-in: user cancelled/);
  });
});
