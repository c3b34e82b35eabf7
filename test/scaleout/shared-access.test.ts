// Stateless servers: users, sessions, API tokens, lockouts and the audit log live in the shared
// ClickHouse warehouse. Two real `mortar serve` processes on one ClickHouse: a user added by
// `mortar user add` signs in on A, the cookie works on B, a logout on B ends it on A, a password
// change by the CLI ends sessions everywhere, a token made on A works on B (and stops on both when
// revoked), an OIDC sign-in started on A completes on B, and each server's audit log shows the
// other's entries. Then the store itself on a two-shard cluster, each side entering through
// another shard's server.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseAccessStore } from '../../src/access/clickhouse-access.ts';
import type { PolicyResponse } from '../../src/api/types.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { startProvider, type TestProvider } from '../access/oidc-provider.ts';
import {
  type ClickHouseCluster,
  type ClickHouseServer,
  startClickHouse,
  startClickHouseCluster,
} from '../support/clickhouse.ts';
import { serveOnClickHouse } from './chaos-support.ts';

const BIN = fileURLToPath(new URL('../../bin/mortar.js', import.meta.url));
const PASSWORD = 'ann-first-password';

let ch: ClickHouseServer;
let cluster: ClickHouseCluster;
let provider: TestProvider;
const dir = mkdtempSync(join(tmpdir(), 'mortar-shared-access-'));
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  [ch, cluster, provider] = await Promise.all([
    startClickHouse(),
    startClickHouseCluster('access_test', 2),
    startProvider('mortar-test', 'a-client-secret'),
  ]);
}, 60_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await Promise.all([ch?.stop(), cluster?.stop(), provider?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** `mortar user ...` as a child process, `input` on its standard input. */
function mortarUser(args: string[], config: string, input = ''): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'user', ...args, '-c', config]);
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    child.on('exit', (code) => resolve({ code: code ?? -1, out }));
    child.stdin.end(input);
  });
}

interface Session {
  cookie: string;
  csrf: string;
}

async function login(url: string, user: string, password: string): Promise<Session> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = cookies.find((c) => c.startsWith('mortar_csrf='))!.split('=')[1]!;
  return { cookie: cookies.join('; '), csrf };
}

const who = async (url: string, s: Session): Promise<string | null> =>
  (
    (await (await fetch(`${url}/api/auth/me`, { headers: { cookie: s.cookie } })).json()) as {
      user: string | null;
    }
  ).user;

const post = (url: string, path: string, s: Session, body: unknown = {}) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('two servers on one ClickHouse share access', () => {
  it('shares users, sessions, logout, password changes, tokens and the audit log', async () => {
    // The servers inherit the environment: the OIDC client secret is read from it.
    process.env.MORTAR_TEST_OIDC_SECRET = 'a-client-secret';
    const access = {
      access: {
        enabled: true,
        oidc: {
          name: 'Test IdP',
          issuer: provider.issuer,
          client_id: 'mortar-test',
          client_secret_env: 'MORTAR_TEST_OIDC_SECRET',
          // Whichever server the balancer picks: the test sends the browser to B by hand.
          redirect_url: 'http://127.0.0.1:9/api/auth/oidc/callback',
          user_claim: 'preferred_username',
          roles_claim: 'groups',
          role_map: { operators: ['viewer'] },
        },
      },
    };
    const [a, b] = await Promise.all([
      serveOnClickHouse(dir, 'a', ch.url, 'shared', cleanups, access),
      serveOnClickHouse(dir, 'b', ch.url, 'shared', cleanups, access),
    ]);
    // The CLI runs with its own data_dir: what it writes can only reach the servers through ClickHouse.
    const cliConfig = join(dir, 'cli.yaml');
    writeFileSync(
      cliConfig,
      JSON.stringify({
        data_dir: join(dir, 'cli'),
        warehouse: { type: 'clickhouse', url: ch.url, database: 'shared' },
        ...access,
      }),
    );
    const add = await mortarUser(
      ['add', 'ann', '--role', 'admin', '--password-stdin'],
      cliConfig,
      `${PASSWORD}\n`,
    );
    expect(add.out).toMatch(/added ann \(admin\)/);
    expect(add.code).toBe(0);
    expect((await mortarUser(['list'], cliConfig)).out).toMatch(/^ann\tadmin\t-\tactive$/m);

    // Signed in on A, known on B; a logout on B ends the session on A too.
    const s1 = await login(a.url, 'ann', PASSWORD);
    expect(await who(a.url, s1)).toBe('ann');
    expect(await who(b.url, s1)).toBe('ann');
    expect((await post(b.url, '/api/auth/logout', s1)).status).toBe(200);
    expect(await who(a.url, s1)).toBeNull();
    expect((await fetch(`${a.url}/api/admin/overview`, { headers: { cookie: s1.cookie } })).status).toBe(401);

    // A token made on A works on B; revoked on B, it stops on A.
    const s2 = await login(a.url, 'ann', PASSWORD);
    const made = await post(a.url, '/api/auth/tokens', s2, { name: 'shared', permissions: ['view_reports'] });
    expect(made.status).toBe(201);
    const { token, info } = (await made.json()) as { token: string; info: { id: string } };
    const bearer = { authorization: `Bearer ${token}` };
    const viaB = await fetch(`${b.url}/api/auth/me`, { headers: bearer });
    expect(((await viaB.json()) as { user: string }).user).toBe('ann');
    expect(
      (
        await fetch(`${b.url}/api/auth/tokens/${info.id}`, {
          method: 'DELETE',
          headers: { cookie: s2.cookie, 'x-csrf-token': s2.csrf },
        })
      ).status,
    ).toBe(200);
    expect((await fetch(`${a.url}/api/reports`, { headers: bearer })).status).toBe(401);

    // A password change by the CLI ends the sessions on both servers.
    expect(await who(b.url, s2)).toBe('ann');
    const passwd = await mortarUser(
      ['passwd', 'ann', '--password-stdin'],
      cliConfig,
      'ann-second-password\n',
    );
    expect(passwd.code, passwd.out).toBe(0);
    expect(await who(a.url, s2)).toBeNull();
    expect(await who(b.url, s2)).toBeNull();
    await expect(login(b.url, 'ann', PASSWORD)).rejects.toThrow();

    // An OIDC sign-in started on A (pending state in the warehouse) completes on B.
    provider.next = { claims: { preferred_username: 'olga', groups: ['operators'] } };
    const started = await fetch(`${a.url}/api/auth/oidc/login`, { redirect: 'manual' });
    expect(started.status).toBe(302);
    const stateCookie = started.headers.getSetCookie()[0]!.split(';')[0]!;
    const authorized = await fetch(started.headers.get('location')!, { redirect: 'manual' });
    const back = new URL(authorized.headers.get('location')!);
    const onB = await fetch(`${b.url}${back.pathname}${back.search}`, {
      headers: { cookie: stateCookie },
      redirect: 'manual',
    });
    expect(onB.headers.get('location')).toBe('/');
    const olga = onB.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .filter((c) => c.startsWith('mortar_session='));
    expect(await who(a.url, { cookie: olga.join('; '), csrf: '' })).toBe('olga');

    // The access policy saved on A (olga's viewer role gains view_raw) applies on B within its
    // check interval, without a new sign-in.
    const s3 = await login(b.url, 'ann', 'ann-second-password');
    const olgaPermissions = async (url: string) =>
      (
        (await (await fetch(`${url}/api/auth/me`, { headers: { cookie: olga.join('; ') } })).json()) as {
          permissions: string[];
        }
      ).permissions;
    expect(await olgaPermissions(b.url)).not.toContain('view_raw');
    const policy = (await (
      await fetch(`${a.url}/api/admin/policy`, { headers: { cookie: s3.cookie } })
    ).json()) as PolicyResponse;
    expect(policy.source).toEqual({ kind: 'config', version: 0 });
    const saved = await fetch(`${a.url}/api/admin/policy`, {
      method: 'PUT',
      headers: { cookie: s3.cookie, 'x-csrf-token': s3.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({
        baseVersion: 0,
        policy: {
          roles: { viewer: { permissions: ['view_cockpit', 'view_reports', 'view_raw'] } },
          masks: [],
        },
      }),
    });
    expect(saved.status, await saved.clone().text()).toBe(200);
    expect(await olgaPermissions(a.url)).toContain('view_raw');
    const until = Date.now() + 10_000;
    while (!(await olgaPermissions(b.url)).includes('view_raw') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 200));
    expect(await olgaPermissions(b.url)).toContain('view_raw');
    const onBPolicy = (await (
      await fetch(`${b.url}/api/admin/policy`, { headers: { cookie: s3.cookie } })
    ).json()) as PolicyResponse;
    expect(onBPolicy.source).toMatchObject({ kind: 'store', version: 1, actor: 'ann' });

    // One audit log, read from either server: A's logins, B's logout and revocation, the CLI's changes.
    for (const url of [a.url, b.url]) {
      const res = await fetch(`${url}/api/audit?limit=100`, { headers: { cookie: s3.cookie } });
      const rows = ((await res.json()) as { rows: { seq: number; action: string; outcome: string }[] }).rows;
      const actions = rows.map((r) => `${r.action}:${r.outcome}`);
      for (const expected of [
        'user_add:ok',
        'login:ok',
        'logout:ok',
        'token_create:ok',
        'token_revoke:ok',
        'user_change:ok',
        'login:failed',
        'policy:ok',
      ])
        expect(actions).toContain(expected);
      // Newest first.
      expect(rows.map((r) => r.seq)).toEqual([...rows.map((r) => r.seq)].sort((x, y) => y - x));
    }
    // The audit log has no route that changes or removes entries, on either server.
    for (const method of ['DELETE', 'PUT', 'PATCH', 'POST'])
      expect(
        (
          await fetch(`${a.url}/api/audit`, {
            method,
            headers: { cookie: s3.cookie, 'x-csrf-token': s3.csrf },
          })
        ).status,
      ).toBeGreaterThanOrEqual(400);
  }, 60_000);
});

describe('the ClickHouse access store on a two-shard cluster', () => {
  it('keeps one view of users, sessions, tokens, lockouts, sign-ins and the audit log through either shard', async () => {
    const open = (entry: number) =>
      openWarehouse({
        type: 'clickhouse',
        url: cluster.servers[entry]!.url,
        database: 'acc',
        cluster: cluster.name,
        shards: cluster.servers.map((s) => s.url),
      });
    const w0 = await open(0);
    cleanups.push(() => w0.close());
    const w1 = await open(1);
    cleanups.push(() => w1.close());
    const [x, y] = [new ClickHouseAccessStore(w0), new ClickHouseAccessStore(w1)];
    const now = Date.now();

    // Users: added once (a second add of the name is refused on either side), changed on the other.
    for (let i = 0; i < 6; i++)
      expect(await x.addUser({ name: `u${i}`, passwordHash: 'h', roles: ['viewer'] }, now)).toBe(true);
    expect(await y.addUser({ name: 'u0', passwordHash: 'h', roles: ['admin'] }, now)).toBe(false);
    expect((await y.users()).map((u) => u.name)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u5']);
    expect(await y.updateUser('u1', { roles: ['analyst'], attrs: { site: 'north' } })).toBe(true);
    expect(await x.user('u1')).toMatchObject({
      roles: ['analyst'],
      attrs: { site: 'north' },
      disabled: false,
    });

    // Sessions of several users (spread over both shards): made on one side, ended on the other.
    const sessions = await Promise.all(['u0', 'u1', 'u2', 'u3'].map((u) => x.createSession(u, now, 60_000)));
    for (const [i, s] of sessions.entries()) expect((await y.session(s.token, now))?.user).toBe(`u${i}`);
    await y.deleteSession(sessions[0]!.token);
    expect(await x.session(sessions[0]!.token, now)).toBeUndefined();
    expect(await x.session(sessions[1]!.token, now + 60_000)).toBeUndefined(); // expired
    // A new password (or disabling) ends all of the user's sessions, wherever they were made.
    const more = await y.createSession('u2', now, 60_000);
    await x.updateUser('u2', { passwordHash: 'h2' });
    expect(await y.session(sessions[2]!.token, now)).toBeUndefined();
    expect(await x.session(more.token, now)).toBeUndefined();
    expect((await y.session(sessions[3]!.token, now))?.user).toBe('u3');

    // An OIDC-born session keeps its ID token (the provider logout's hint) until it ends, on either
    // side; a logout learns how the session began. No ID token outlives its session in the log.
    const idTokensKept = () =>
      w1.query(sql`select count() as n from access_session_oidc_log final where id_token is not null`);
    const viaOidc = await x.createSession('u0', now, 60_000, null, { idToken: 'id-token-of-u0' });
    expect((await y.session(viaOidc.token, now))?.user).toBe('u0');
    expect(await idTokensKept()).toEqual([{ n: 1 }]);
    expect(await y.deleteSession(viaOidc.token)).toEqual({ method: 'oidc', idToken: 'id-token-of-u0' });
    expect(await x.session(viaOidc.token, now)).toBeUndefined();
    expect(await x.deleteSession(sessions[1]!.token)).toEqual({ method: 'password', idToken: null });
    expect(await x.deleteSession('no-such-session')).toBeUndefined();
    const oidcMore = await y.createSession('u5', now, 60_000, null, { idToken: 'id-token-of-u5' });
    await x.updateUser('u5', { passwordHash: 'h5' });
    expect(await y.session(oidcMore.token, now)).toBeUndefined();
    expect(await idTokensKept()).toEqual([{ n: 0 }]);

    // A session made by a server whose clock runs an hour ahead still ends on a logout here: the
    // tombstone's version is above the stored one, not merely this server's clock.
    const ahead = 'session-from-a-fast-clock';
    const hash = createHash('sha256').update(ahead).digest('hex');
    await w0.execute([
      sql`insert into access_sessions_log values (${hash}, 'u5', 'c', ${now}, ${now + 60_000}, null, ${(now + 3_600_000) * 1000}, 0)`,
    ]);
    expect((await y.session(ahead, now))?.user).toBe('u5');
    await y.deleteSession(ahead);
    expect(await x.session(ahead, now)).toBeUndefined();

    // Tokens: valid on the other side; disabling the user revokes them everywhere.
    const t = await x.createToken(
      { user: 'u3', name: 'n', permissions: ['view_reports'], expiresAt: null },
      now,
    );
    expect((await y.validToken(t.token, now))?.user).toBe('u3');
    expect((await x.tokens('u3'))[0]?.lastUsedAt).toBe(now);
    await y.updateUser('u3', { disabled: true });
    expect(await x.validToken(t.token, now)).toBeUndefined();
    expect(await x.session(sessions[3]!.token, now)).toBeUndefined();
    expect((await x.tokens('u3'))[0]?.revokedAt).not.toBeNull();
    expect(await y.revokeToken(t.id, now)).toBe(false); // already revoked

    // Lockout: failures counted on both sides add up; a reset clears them.
    expect((await x.recordFailedLogin('u4', now, 3, 60_000)).lockedUntil).toBe(0);
    expect((await y.recordFailedLogin('u4', now, 3, 60_000)).lockedUntil).toBe(0);
    expect((await x.user('u4'))?.failedLogins).toBe(2);
    expect((await y.recordFailedLogin('u4', now, 3, 60_000)).lockedUntil).toBe(now + 60_000);
    expect((await x.user('u4'))?.lockedUntil).toBe(now + 60_000);
    await x.resetFailedLogins('u4');
    expect(await y.user('u4')).toMatchObject({ failedLogins: 0, lockedUntil: 0 });

    // A pending OIDC sign-in started on one side completes on the other, once.
    await x.putPendingSignIn('state-1', { verifier: 'v', nonce: 'n', at: now });
    expect(await y.takePendingSignIn('state-1')).toEqual({ verifier: 'v', nonce: 'n', at: now });
    expect(await x.takePendingSignIn('state-1')).toBeUndefined();

    // The access policy log: a version saved through one shard is the newest through the other; the
    // same version again is refused (a concurrent save lost), the next one wins.
    expect(await y.policy()).toBeUndefined();
    expect(await x.savePolicy({ version: 1, at: now, actor: 'a', doc: '{"roles":{},"masks":[]}' })).toBe(
      true,
    );
    expect(await y.savePolicy({ version: 1, at: now + 1, actor: 'b', doc: null })).toBe(false);
    expect(await y.policy()).toEqual({ version: 1, at: now, actor: 'a', doc: '{"roles":{},"masks":[]}' });
    expect(await y.savePolicy({ version: 2, at: now + 2, actor: 'b', doc: null })).toBe(true);
    expect(await x.policy()).toEqual({ version: 2, at: now + 2, actor: 'b', doc: null });

    // The audit log: entries from both sides, newest first, paged by seq, filtered.
    for (let i = 0; i < 10; i++)
      await (i % 2 ? x : y).audit({
        at: now + i,
        actor: `a${i % 3}`,
        action: i % 2 ? 'odd' : 'even',
        outcome: 'ok',
        detail: { i },
      });
    const log = await x.auditLog({ limit: 100 });
    expect(log.map((r) => r.detail?.i)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect((await y.auditLog({ limit: 100 })).map((r) => r.seq)).toEqual(log.map((r) => r.seq));
    const page2 = await y.auditLog({ limit: 4, before: log[3]!.seq });
    expect(page2.map((r) => r.detail?.i)).toEqual([5, 4, 3, 2]);
    expect((await y.auditLog({ limit: 100, action: 'odd', actor: 'a0' })).map((r) => r.detail?.i)).toEqual([
      9, 3,
    ]);
  }, 60_000);
});
