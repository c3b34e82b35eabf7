// Sign-in with an OpenID Connect provider in the browser: the sign-in page offers "Sign in with
// <provider>" when access.oidc is configured; the button goes through the provider (a small one on
// loopback, test/access/oidc-provider.ts) and back into the app signed in; a person the provider
// knows but whose groups grant no Mortar role comes back to the sign-in page with the reason.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  provider = await startProvider('mortar-web', 'web-secret');
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
    expect(errors).toEqual([]);
  });
});
