// Session security over HTTP with real sign-in: session fixation (login always issues a fresh
// session id), server-side logout, cookie flags (Secure behind TLS), brute force (per-account
// lockout and per-address rate limit) and CSRF on every state-changing route, walked from the app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleFor } from '../../src/api/access-rules.ts';
import type { MeResponse } from '../../src/api/types.ts';
import { type AccessWorld, accessWorld, Client, PASSWORD } from './signed-in-world.ts';

let aw: AccessWorld;
let nextAddress = 1;
/** A client from its own address, so the per-address login limit of one test does not hit another. */
const client = (opts: { csrf?: boolean; headers?: Record<string, string> } = {}) =>
  new Client(aw.app, { ...opts, address: `10.0.0.${nextAddress++}` });
const signedIn = async (user: string, opts: { csrf?: boolean } = {}) => {
  const c = client(opts);
  expect((await c.login(user)).status).toBe(200);
  return c;
};
const me = async (c: Client) => ((await (await c.get('/api/auth/me')).json()) as MeResponse).user;

beforeAll(async () => {
  aw = await accessWorld(
    'mortar-session-',
    '    operator: {permissions: [view_cockpit]}\n',
    {
      ada: { roles: ['admin'] },
      vic: { roles: ['viewer'] },
      eve: { roles: ['operator'] },
      lou: { roles: ['viewer'] },
      rae: { roles: ['viewer'] },
    },
    '  lockout: {attempts: 3, duration: 10m}\n  logins_per_minute: 5\n',
  );
}, 120_000);

afterAll(async () => {
  await aw?.close();
});

describe('session fixation', () => {
  it('a session id planted before login is never adopted: login issues a new one', async () => {
    // the attacker's own valid session, planted in the victim's browser
    const attacker = await signedIn('eve');
    const planted = attacker.cookies.get('mortar_session')!;
    const victim = client();
    victim.cookies.set('mortar_session', planted);
    victim.cookies.set('mortar_csrf', attacker.cookies.get('mortar_csrf')!);
    const res = await victim.login('vic');
    expect(res.status).toBe(200);
    const issued = victim.cookies.get('mortar_session')!;
    expect(issued).not.toBe(planted);
    expect(victim.cookies.get('mortar_csrf')).not.toBe(attacker.cookies.get('mortar_csrf'));
    expect(await me(victim)).toBe('vic');
    // the planted id still belongs to the attacker: it did not become the victim's session
    expect(await me(attacker)).toBe('eve');

    // an id the attacker made up is neither accepted before nor after login
    const madeUp = client();
    madeUp.cookies.set('mortar_session', 'attacker-chosen-session-id');
    expect(await me(madeUp)).toBeNull();
    expect((await madeUp.get('/api/topology')).status).toBe(401);
    expect((await madeUp.login('vic')).status).toBe(200);
    expect(madeUp.cookies.get('mortar_session')).not.toBe('attacker-chosen-session-id');
    const replay = client();
    replay.cookies.set('mortar_session', 'attacker-chosen-session-id');
    expect(await me(replay)).toBeNull();
  });

  it('session ids are long random secrets, different on every login', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await signedIn('rae')).cookies.get('mortar_session')!);
    expect(ids.size).toBe(3);
    for (const id of ids) expect(id.length).toBeGreaterThanOrEqual(32);
  });
});

describe('logout', () => {
  it('ends the session on the server: the old cookie and CSRF token are dead', async () => {
    const c = await signedIn('ada');
    const cookie = c.cookies.get('mortar_session')!;
    const csrf = c.cookies.get('mortar_csrf')!;
    expect((await c.get('/api/admin/overview')).status).toBe(200);
    const out = await c.req('POST', '/api/auth/logout');
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((s) => /^mortar_session=;/.test(s) || /Max-Age=0/i.test(s))).toBe(
      true,
    );
    const stolen = client();
    stolen.cookies.set('mortar_session', cookie);
    stolen.cookies.set('mortar_csrf', csrf);
    expect((await stolen.get('/api/admin/overview')).status).toBe(401);
    expect(
      (await stolen.req('POST', '/api/admin/users', { name: 'zed', password: PASSWORD, roles: ['admin'] }))
        .status,
    ).toBe(401);
    expect(aw.store.user('zed')).toBeUndefined();
    expect(await me(stolen)).toBeNull();
  });
});

describe('cookie flags', () => {
  it('HttpOnly + SameSite=Strict session cookie, no Secure over plain HTTP', async () => {
    const res = await client().login('vic');
    const set = res.headers.getSetCookie();
    const session = set.find((s) => s.startsWith('mortar_session='))!;
    const csrf = set.find((s) => s.startsWith('mortar_csrf='))!;
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Strict/i);
    expect(session).toMatch(/;\s*Path=\//i);
    expect(session).not.toMatch(/;\s*Secure/i);
    expect(csrf).not.toMatch(/HttpOnly/i); // the page reads it to send it back in the header
    expect(csrf).toMatch(/;\s*SameSite=Strict/i);
  });

  it('Secure when the request came over TLS (x-forwarded-proto: https)', async () => {
    const res = await client({ headers: { 'x-forwarded-proto': 'https' } }).login('vic');
    const set = res.headers.getSetCookie();
    for (const name of ['mortar_session', 'mortar_csrf']) {
      const c = set.find((s) => s.startsWith(`${name}=`))!;
      expect(c, name).toMatch(/;\s*Secure/i);
      expect(c, name).toMatch(/;\s*SameSite=Strict/i);
    }
  });
});

describe('brute force', () => {
  it('locks the account after repeated failures, from any address, even for the right password', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await client().login('lou', `wrong-password-${i}`);
      expect([401, 423]).toContain(r.status);
    }
    const right = await client().login('lou');
    expect(right.status).toBe(423);
    // another account is not affected by lou's lockout
    expect((await client().login('rae')).status).toBe(200);
  });

  it('rate-limits logins per address (429), then other addresses still sign in', async () => {
    const attacker = client();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attacker.login(`guess-${i}`, 'a-wrong-guess')).status);
    expect(statuses.every((s) => s === 401)).toBe(true);
    const limited = await attacker.login('vic'); // right password, but too many tries from here
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { message: string } }).error.message).toMatch(
      /too many login attempts/,
    );
    expect(attacker.cookies.has('mortar_session')).toBe(false);
    expect((await client().login('vic')).status).toBe(200);
  });
});

describe('CSRF', () => {
  const stateChanging = () => {
    const out = new Set<string>();
    for (const r of aw.app.routes)
      if (
        (r.path.startsWith('/api/') || r.path === '/metrics') &&
        !['GET', 'HEAD', 'OPTIONS', 'ALL'].includes(r.method)
      )
        out.add(`${r.method} ${r.path}`);
    return [...out];
  };

  it('every state-changing route refuses a cookie request without the right CSRF token', async () => {
    const routes = stateChanging();
    expect(routes.length).toBeGreaterThan(10);
    const admin = await signedIn('ada', { csrf: false });
    const other = await signedIn('ada');
    const checked: string[] = [];
    for (const key of routes) {
      const [method, pattern] = key.split(' ') as [string, string];
      if (ruleFor(method, pattern) === 'public') continue; // no session to protect (see below)
      const path = pattern.replace(/:[A-Za-z]+/g, 'event-volume-by-subsystem');
      for (const header of [undefined, 'wrong-token', other.cookies.get('mortar_csrf')!]) {
        const res = await admin.req(method, path, {}, header ? { 'x-csrf-token': header } : {});
        const body = (await res.json()) as { error?: { message: string } };
        expect(res.status, `${key} with csrf ${header}`).toBe(403);
        expect(body.error?.message, key).toMatch(/CSRF/);
      }
      checked.push(key);
    }
    // the only state-changing routes without a session to protect: sign-in, and the OIDC provider's
    // back-channel logout (a server-to-server call whose signed logout token is the credential)
    const open = routes.filter((k) => ruleFor(...(k.split(' ') as [string, string])) === 'public');
    expect(open.sort()).toEqual(['POST /api/auth/login', 'POST /api/auth/oidc/backchannel-logout']);
    expect(checked.length).toBe(routes.length - open.length);
    // the session survived all of that (logout without the token did nothing)
    expect(await me(admin)).toBe('ada');
  });

  it('a refused request changes nothing; the same request with the token goes through', async () => {
    const admin = await signedIn('ada', { csrf: false });
    const user = { name: 'csrf-victim', password: PASSWORD, roles: ['admin'] };
    expect((await admin.req('POST', '/api/admin/users', user)).status).toBe(403);
    expect(aw.store.user('csrf-victim')).toBeUndefined();
    const ok = await admin.req('POST', '/api/admin/users', user, {
      'x-csrf-token': admin.cookies.get('mortar_csrf')!,
    });
    expect(ok.status).toBe(201);
    expect(aw.store.user('csrf-victim')?.roles).toEqual(['admin']);
  });

  it('API tokens (no cookie) need no CSRF token', async () => {
    const ada = await signedIn('ada');
    const res = await ada.req('POST', '/api/auth/tokens', { name: 'script', permissions: ['edit_reports'] });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    const script = new Client(aw.app, { headers: { authorization: `Bearer ${token}` } });
    const v = await script.req('POST', '/api/reports/validate', {
      yaml: 'id: x\ntitle: X\ndataset: events\ndimensions: [subsystem]\nmeasures: [events]\n',
    });
    expect(v.status).toBe(200);
  });
});

describe('login CSRF', () => {
  it("a cross-site form (text/plain) cannot sign the victim into the attacker's account", async () => {
    // <form enctype="text/plain"> can send a JSON-looking body without a CORS preflight
    const body = '{"user":"eve","password":"a-long-password","x":"="}';
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await aw.app.request(
        '/api/auth/login',
        { method: 'POST', headers: { 'content-type': type }, body },
        { incoming: { socket: { remoteAddress: `10.1.0.${nextAddress++}` } } },
      );
      expect(res.status, type).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/JSON/);
      expect(
        res.headers.getSetCookie().some((c) => c.startsWith('mortar_session=')),
        type,
      ).toBe(false);
    }
  });
});

describe('password change', () => {
  it('ends every other session of the user and issues a fresh one', async () => {
    const a = await signedIn('rae');
    const b = await signedIn('rae');
    const old = b.cookies.get('mortar_session');
    const res = await b.req('POST', '/api/auth/password', { current: PASSWORD, next: 'rae-new-password-1' });
    expect(res.status).toBe(200);
    expect(b.cookies.get('mortar_session')).not.toBe(old);
    expect(await me(b)).toBe('rae');
    expect(await me(a)).toBeNull();
    const replay = client();
    replay.cookies.set('mortar_session', old!);
    expect(await me(replay)).toBeNull();
  });
});
