// Sign-in in the browser against `mortar serve` with access control on: the login page, a wrong
// password's message, a viewer's menu without raw lines or administration, personal API tokens,
// sign-out, and an admin's users page with "view as" (and the way back) and the audit log.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/access/password.ts';
import { AccessStore } from '../../src/access/store.ts';
import {
  ensureWebBuild,
  freePort,
  launchBrowser,
  ROOT,
  screenshotPath,
  startServe,
  stopProcess,
} from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'mortar-browser-access-'));
let child: ChildProcess;
let browser: Browser;
let page: Page;
let url: string;
const errors: string[] = [];

beforeAll(async () => {
  ensureWebBuild();
  writeFileSync(
    join(dir, 'mortar.yaml'),
    `include: [${join(ROOT, 'config/demo/subsystems.yaml')}]\ndata_dir: ${dir}\naccess:\n  enabled: true\n  masks:\n    - { field: attrs.operator, mode: partial }\n`,
  );
  const store = AccessStore.open(join(dir, 'access.sqlite'));
  store.addUser(
    { name: 'ada', passwordHash: await hashPassword('ada-admin-password'), roles: ['admin'] },
    Date.now(),
  );
  store.addUser(
    { name: 'vic', passwordHash: await hashPassword('vic-viewer-password'), roles: ['viewer'] },
    Date.now(),
  );
  store.close();
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  child = await startServe(join(dir, 'mortar.yaml'), port);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(String(e)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (child) await stopProcess(child, 10_000);
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(user: string, password: string) {
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('access in the browser', () => {
  it('asks to sign in, refuses a wrong password, and shows a viewer only their features', async () => {
    await page.goto(`${url}cockpit`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.screenshot({ path: screenshotPath('access-login') });
    await signIn('vic', 'not-the-password');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/wrong user name or password/);
    await signIn('vic', 'vic-viewer-password');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Cockpit' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Events' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Dead letters' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Users and roles' }).count()).toBe(0);
    await expect(page.locator('.topbar__user-name').textContent()).resolves.toContain('vic');
  });

  it('creates an API token shown once, and signs out', async () => {
    await page.goto(`${url}account`);
    await page.getByLabel('Token name').fill('grafana');
    await page.getByRole('checkbox', { name: 'view_cockpit' }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.locator('.access-page__secret').textContent();
    expect(secret).toMatch(/^mortar_[0-9a-f]{12}_/);
    const res = await fetch(`${url}api/topology`, { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status).toBe(200);
    await page.getByRole('table', { name: 'Your API tokens' }).getByText('grafana').waitFor();
    await page.screenshot({ path: screenshotPath('access-account'), fullPage: true });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('lets an admin add a user, view as them and come back, and read the audit log', async () => {
    await signIn('ada', 'ada-admin-password');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Users and roles' })
      .click();
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('User name').fill('neo');
    await form.getByLabel('Initial password').fill('neo-initial-password');
    await form.getByLabel('Attributes (site=north, …)').fill('site=south');
    await form.getByRole('button', { name: 'Add user' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByText('site=south').waitFor();
    const masks = page.getByRole('table', { name: 'Masked fields' });
    await masks
      .getByRole('row', { name: /attrs\.operator.*first 2 characters.*view personal data/ })
      .waitFor();
    await page.screenshot({ path: screenshotPath('access-admin'), fullPage: true });
    await users.getByRole('row', { name: /vic/ }).getByRole('button', { name: 'View as' }).click();
    await page.getByRole('status').filter({ hasText: 'viewing Mortar as' }).waitFor();
    await page.screenshot({ path: screenshotPath('access-view-as') });
    await page.getByRole('button', { name: 'Back to my view' }).click();
    await page.getByRole('table', { name: 'Users' }).waitFor();
    await page.goto(`${url}audit`);
    const log = page.getByRole('table', { name: 'Audit log' });
    await log.getByText('view_as', { exact: true }).first().waitFor();
    await log.getByText('user_add', { exact: true }).first().waitFor();
    await page.screenshot({ path: screenshotPath('access-audit'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
