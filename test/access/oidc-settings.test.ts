// access.oidc beyond the end-to-end flow (oidc.test.ts): the configuration checks that keep a
// mistake from failing open or silently, and roles_from: store, where only users already in the
// access store may sign in, with their stored roles. Runs the app in-process against the same
// loopback test provider.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/access/access-control.ts';
import { accessSettings } from '../../src/access/settings.ts';
import { AccessStore } from '../../src/access/store.ts';
import { LiveTotals } from '../../src/api/live.ts';
import { createApp } from '../../src/api/server.ts';
import type { MeResponse } from '../../src/api/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { isUserError } from '../../src/events/errors.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { startProvider, type TestProvider } from './oidc-provider.ts';

const dir = mkdtempSync(join(tmpdir(), 'mortar-oidc-settings-'));
const REDIRECT = 'http://127.0.0.1:9/api/auth/oidc/callback';
let provider: TestProvider;

beforeAll(async () => {
  provider = await startProvider('mortar-store', 'store-secret');
});
afterAll(async () => {
  await provider?.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
let lastFile = '';
function settingsOf(oidcYaml: string) {
  const file = join(dir, `mortar-${n++}.yaml`);
  lastFile = file;
  writeFileSync(file, `data_dir: ${dir}\naccess:\n  enabled: true\n  oidc:\n${oidcYaml}`);
  return accessSettings(loadConfig(file));
}
function errorsOf(oidcYaml: string): string {
  try {
    settingsOf(oidcYaml);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return e.details.map((d) => `${d.where}: ${d.message}`).join('\n');
  }
  throw new Error('expected the configuration to be refused');
}

describe('access.oidc configuration', () => {
  it('refuses unknown roles, plain http off loopback, a missing secret and a claim mode without a map', () => {
    expect(
      errorsOf(
        `    issuer: https://idp.example\n    client_id: m\n    redirect_url: ${REDIRECT}\n    role_map: {ops: [viewer, no-such-role]}\n`,
      ),
    ).toMatch(/role_map.*unknown role "no-such-role"/);
    expect(
      errorsOf(
        `    issuer: http://idp.example\n    client_id: m\n    redirect_url: ${REDIRECT}\n    role_map: {ops: viewer}\n`,
      ),
    ).toMatch(/issuer.*http:\/\/idp\.example is not https/);
    expect(
      errorsOf(
        `    issuer: https://idp.example\n    client_id: m\n    client_secret_env: MORTAR_NO_SUCH_SECRET_VAR\n    redirect_url: ${REDIRECT}\n    role_map: {ops: viewer}\n`,
      ),
    ).toMatch(/MORTAR_NO_SUCH_SECRET_VAR is not set/);
    expect(
      errorsOf(`    issuer: https://idp.example\n    client_id: m\n    redirect_url: ${REDIRECT}\n`),
    ).toMatch(/role_map.*would let nobody in/);
  });

  it('accepts a store-mode provider on loopback and maps the options', () => {
    const s = settingsOf(
      `    name: Corp\n    issuer: https://idp.example/realms/x\n    client_id: m\n    redirect_url: https://mortar.example/api/auth/oidc/callback\n    roles_from: store\n    user_claim: email\n`,
    );
    expect(s.oidc).toMatchObject({
      name: 'Corp',
      rolesFrom: 'store',
      userClaim: 'email',
      scopes: ['openid', 'profile', 'email'],
      roleMap: {},
      // the sign-in page behind the callback, where the provider's logout sends the browser back
      postLogoutRedirectUrl: 'https://mortar.example/',
    });
    expect(s.oidc?.clientSecret).toBeUndefined();
  });

  it('derives the post-logout page under a proxy prefix, or takes the configured one (https)', () => {
    const base = `    issuer: https://idp.example\n    client_id: m\n    role_map: {ops: viewer}\n`;
    expect(
      settingsOf(`${base}    redirect_url: https://proxy.example/mortar/api/auth/oidc/callback\n`).oidc
        ?.postLogoutRedirectUrl,
    ).toBe('https://proxy.example/mortar/');
    expect(
      settingsOf(
        `${base}    redirect_url: ${REDIRECT}\n    post_logout_redirect_url: https://mortar.example/bye\n`,
      ).oidc?.postLogoutRedirectUrl,
    ).toBe('https://mortar.example/bye');
    expect(
      errorsOf(
        `${base}    redirect_url: ${REDIRECT}\n    post_logout_redirect_url: http://mortar.example/\n`,
      ),
    ).toMatch(/post_logout_redirect_url.*is not https/);
  });
});

describe('roles_from: store', () => {
  let app: Hono;
  let store: AccessStore;
  let warehouse: Warehouse;

  beforeAll(async () => {
    process.env.MORTAR_STORE_TEST_SECRET = 'store-secret';
    const settings = settingsOf(
      `    issuer: ${provider.issuer}\n    client_id: mortar-store\n    client_secret_env: MORTAR_STORE_TEST_SECRET\n    redirect_url: ${REDIRECT}\n    roles_from: store\n    user_claim: email\n`,
    );
    store = AccessStore.open(join(dir, 'access.sqlite'));
    store.addUser({ name: 'sam@example.org', passwordHash: null, roles: ['viewer'] }, 0);
    store.addUser({ name: 'rob@example.org', passwordHash: null, roles: [] }, 0);
    store.addUser({ name: 'dis@example.org', passwordHash: null, roles: ['admin'] }, 0);
    store.updateUser('dis@example.org', { disabled: true });
    warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
    app = createApp({
      config: loadConfig(lastFile),
      warehouse,
      live: await LiveTotals.seed(warehouse),
      version: 'test',
      access: new AccessControl(store, settings),
    });
  });
  afterAll(async () => {
    store?.close();
    await warehouse?.close();
  });

  /** The whole flow in-process: login -> provider -> callback; returns the session cookie or the refusal. */
  async function signIn(email: string): Promise<{ session?: string; error: string | null }> {
    provider.next = { claims: { email, preferred_username: email } };
    const start = await app.request('/api/auth/oidc/login');
    expect(start.status).toBe(302);
    const stateCookie = /mortar_oidc=([^;]+)/.exec(start.headers.get('set-cookie') ?? '')![1]!;
    const back = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const cb = new URL(back.headers.get('location')!);
    const done = await app.request(`${cb.pathname}${cb.search}`, {
      headers: { cookie: `mortar_oidc=${stateCookie}` },
    });
    expect(done.status).toBe(302);
    const session = /mortar_session=([^;]+)/.exec(done.headers.getSetCookie().join('\n'))?.[1];
    return {
      session,
      error: new URL(done.headers.get('location')!, 'http://x').searchParams.get('signin_error'),
    };
  }

  it('a stored user signs in with its stored roles', async () => {
    const r = await signIn('sam@example.org');
    expect(r.error).toBeNull();
    const me = (await (
      await app.request('/api/auth/me', { headers: { cookie: `mortar_session=${r.session}` } })
    ).json()) as MeResponse;
    expect(me).toMatchObject({ user: 'sam@example.org', roles: ['viewer'] });
  });

  it('an unknown, a role-less and a disabled user are refused without a session', async () => {
    for (const [email, message] of [
      ['uma@example.org', /has no Mortar account/],
      ['rob@example.org', /has no Mortar role/],
      ['dis@example.org', /is disabled/],
    ] as const) {
      const r = await signIn(email);
      expect(r.error, email).toMatch(message);
      expect(r.session, email).toBeUndefined();
    }
    expect(store.user('uma@example.org')).toBeUndefined();
    const denied = store.auditLog({ limit: 100, action: 'login' }).filter((e) => e.outcome === 'denied');
    expect(denied.map((e) => e.actor).sort()).toEqual([
      'dis@example.org',
      'rob@example.org',
      'uma@example.org',
    ]);
  });
});
