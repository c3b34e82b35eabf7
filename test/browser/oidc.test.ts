// Sign-in with an OpenID Connect provider in the browser: the sign-in page offers "Sign in with
// <provider>" when access.oidc is configured; the button goes through the provider (a small one on
// loopback, test/access/oidc-provider.ts) and back into the app signed in; a person the provider
// knows but whose groups grant no Mortar role comes back to the sign-in page with the reason.
// Single logout: signing out of an OIDC session goes through the provider's end_session endpoint
// (which ends the provider's session and sends the browser back to Mortar's sign-in page), so the
// next sign-in asks the provider for credentials again; a password user's sign-out stays in Mortar.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/access/password.ts';
import { AccessStore } from '../../src/access/store.ts';
import { startProvider, type TestProvider } from '../access/oidc-provider.ts';
import {
  ensureWebBuild,
  freePort,
  launchBrowser,
  ROOT,
  screenshotPath,
  startServe,
  stopProcess,
} from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'mortar-browser-oidc-'));
let provider: TestProvider;
let child: ChildProcess;
let browser: Browser;
let page: Page;
let url: string;
const errors: string[] = [];

beforeAll(async () => {
  ensureWebBuild();
  provider = await startProvider('mortar-web', 'web-secret', { sessions: true });
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  writeFileSync(
    join(dir, 'mortar.yaml'),
    `include: [${join(ROOT, 'config/demo/subsystems.yaml')}]
data_dir: ${dir}
access:
  enabled: true
  oidc:
    name: Corp SSO
    issuer: ${provider.issuer}
    client_id: mortar-web
    client_secret_env: MORTAR_WEB_OIDC_SECRET
    redirect_url: ${url}api/auth/oidc/callback
    role_map: {operators: viewer}
`,
  );
  const store = AccessStore.open(join(dir, 'access.sqlite'));
  store.addUser(
    { name: 'pat', passwordHash: await hashPassword('pat-local-password'), roles: ['viewer'] },
    0,
  );
  store.close();
  child = await startServe(join(dir, 'mortar.yaml'), port, { MORTAR_WEB_OIDC_SECRET: 'web-secret' });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => errors.push(String(e)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (child) await stopProcess(child, 10_000);
  await provider?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OpenID Connect sign-in in the browser', () => {
  it('refuses a person without a mapped group on the sign-in page, with the reason', async () => {
    provider.next = { claims: { preferred_username: 'nora', groups: ['staff'] } };
    await page.goto(`${url}cockpit`);
    await page.getByRole('button', { name: 'Sign in with Corp SSO', exact: true }).click();
    // no provider session yet: the provider asks for credentials
    await page.getByRole('button', { name: 'Sign in at the test provider' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(
      /Corp SSO gave "nora" no group that grants a Mortar role/,
    );
    expect(page.url()).not.toContain('signin_error');
    await page.screenshot({ path: screenshotPath('oidc-refused') });
  });

  it('signs in through the provider and lands in the app', async () => {
    provider.next = { claims: { preferred_username: 'olga', groups: ['operators'] } };
    await page.goto(`${url}cockpit`);
    const button = page.getByRole('button', { name: 'Sign in with Corp SSO', exact: true });
    await button.waitFor();
    await page.screenshot({ path: screenshotPath('oidc-login') });
    await button.click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cockpit' }).waitFor();
    await expect(page.locator('.topbar__user-name').textContent()).resolves.toContain('olga');
    // the provider session from the first sign-in is reused: no second credentials prompt
    expect(provider.loginPrompts).toBe(1);
    expect(errors).toEqual([]);
  });

  it('signing out ends the provider session too, and the next sign-in asks for credentials again', async () => {
    const idToken = provider.idTokens.at(-1)!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    const signIn = page.getByRole('button', { name: 'Sign in with Corp SSO', exact: true });
    await signIn.waitFor();
    expect(provider.endSessionCalls).toEqual([
      { client_id: 'mortar-web', id_token_hint: idToken, post_logout_redirect_uri: url },
    ]);
    expect(page.url()).toBe(url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.screenshot({ path: screenshotPath('oidc-signed-out') });
    await signIn.click();
    await page.getByRole('button', { name: 'Sign in at the test provider' }).click();
    expect(provider.loginPrompts).toBe(2);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cockpit' }).waitFor();
    await expect(page.locator('.topbar__user-name').textContent()).resolves.toContain('olga');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn.waitFor();
    expect(provider.endSessionCalls).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it("a password user's sign-out stays in Mortar", async () => {
    await page.getByLabel('User name').fill('pat');
    await page.getByLabel('Password').fill('pat-local-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.locator('.topbar__user-name').textContent()).resolves.toContain('pat');
    const before = provider.endSessionCalls.length;
    const res = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await (await res).json()).toEqual({ ok: true });
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(provider.endSessionCalls).toHaveLength(before);
    expect(new URL(page.url()).origin).toBe(new URL(url).origin);
    expect(errors).toEqual([]);
  });
});
