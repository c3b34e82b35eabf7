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
import type { PolicyResponse } from '../../src/api/types.ts';
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
    `include: [${join(ROOT, 'config/demo/subsystems.yaml')}]\ndata_dir: ${dir}\naccess:\n  enabled: true\n  roles:\n    op:\n      description: the video and console desk\n      permissions: [view_cockpit, view_reports]\n      scopes: {events: ["subsystem in [video, console]"]}\n  masks:\n    - { field: attrs.operator, mode: partial }\n`,
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
    await expect(masks.getByLabel('Mask 1 field').inputValue()).resolves.toBe('attrs.operator');
    await expect(masks.getByLabel('Mask 1 shown as').inputValue()).resolves.toBe('partial');
    await expect(masks.getByLabel('Mask 1 real value with').inputValue()).resolves.toBe('view_personal_data');
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

  it('lets an admin edit the access policy: a scope rule and a mask, inline errors, a stale save, reset', async () => {
    // signed in as ada since the previous test
    await page.goto(`${url}admin`);
    const csrf = async () =>
      (await page.context().cookies()).find((c) => c.name === 'mortar_csrf')?.value ?? '';
    const policy = async () =>
      (await (await page.request.get(`${url}api/admin/policy`)).json()) as PolicyResponse;
    // tall enough that the editor fits and its screenshots are not cut by the sticky top bar
    await page.setViewportSize({ width: 1440, height: 1800 });
    await page.getByText('From the configuration').waitFor();
    const editor = page.locator('section.card', {
      has: page.getByRole('heading', { name: 'Roles and masks' }),
    });
    await editor.screenshot({ path: screenshotPath('access-policy-builtin') });
    const roles = page.getByRole('navigation', { name: 'Roles' });
    // a new role's name is checked here; an added role held by nobody can be deleted again
    await roles.getByLabel('New role name').fill('Night shift');
    await roles.getByRole('button', { name: 'Add role' }).click();
    await roles.getByText(/a lower-case name/).waitFor();
    await roles.getByLabel('New role name').fill('night-shift');
    await roles.getByRole('button', { name: 'Add role' }).click();
    const night = page.getByRole('region', { name: 'Role night-shift' });
    await night.getByText('held by nobody').waitFor();
    await night.getByRole('button', { name: 'Delete role' }).click();
    expect(await roles.getByRole('button', { name: /^night-shift/ }).count()).toBe(0);
    // a built-in role held by a user cannot be deleted, only redefined and reverted
    await roles.getByRole('button', { name: /^viewer/ }).click();
    const viewer = page.getByRole('region', { name: 'Role viewer' });
    await viewer.getByText(/held by .*vic/).waitFor();
    expect(await viewer.getByRole('button', { name: /Delete role|Revert/ }).count()).toBe(0);
    await roles.getByRole('button', { name: /^op/ }).click();
    const op = page.getByRole('region', { name: 'Role op' });
    await expect(op.getByLabel('events rule 1', { exact: true }).inputValue()).resolves.toBe(
      'subsystem in [video, console]',
    );
    await op.getByLabel('events rule 1', { exact: true }).fill('subsystem = video');
    await op.getByRole('button', { name: 'Add rule' }).click();
    await op.getByLabel('events rule 2', { exact: true }).fill('site = north');
    await page.getByRole('button', { name: 'Add mask' }).click();
    const masks = page.getByRole('table', { name: 'Masked fields' });
    await masks.getByLabel('Mask 2 field').fill('component');
    await masks.getByLabel('Mask 2 shown as').selectOption('hash');
    const save = page.getByRole('button', { name: 'Save', exact: true });
    await save.click();
    // the wrong rule is named next to its input, and in the summary; nothing was saved
    const inline = op.locator('.policy__rule').nth(1).locator('.policy__error');
    await expect(inline.textContent()).resolves.toMatch(/dataset events has no field "site"/);
    await expect(op.getByLabel('events rule 2', { exact: true }).getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    await page.getByRole('list', { name: 'Policy errors' }).getByText('roles.op.scopes.events.1').waitFor();
    await editor.screenshot({ path: screenshotPath('access-policy-error') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await editor.screenshot({ path: screenshotPath('access-policy-error-dark') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect((await policy()).source.version).toBe(0);

    await op.getByRole('button', { name: 'Remove events rule 2' }).click();
    await save.click();
    await page.getByText('Saved as version 1').waitFor();
    await page.getByText(/Saved here by ada at/).waitFor();
    await editor.screenshot({ path: screenshotPath('access-policy') });
    const saved = await policy();
    expect(saved.source).toMatchObject({ kind: 'store', version: 1, actor: 'ada' });
    expect(saved.policy.roles.op?.scopes).toEqual({ events: ['subsystem = video'] });
    expect(saved.policy.masks).toEqual([
      { dataset: 'events', field: 'attrs.operator', mode: 'partial', unless: 'view_personal_data' },
      { dataset: 'events', field: 'component', mode: 'hash', unless: 'view_personal_data' },
    ]);

    // someone saves meanwhile: this page's edit is refused, not saved over theirs
    await op.getByLabel('Description').fill('video only');
    const other = await page.request.put(`${url}api/admin/policy`, {
      headers: { 'x-csrf-token': await csrf() },
      data: { baseVersion: 1, policy: saved.policy },
    });
    expect(other.status()).toBe(200);
    await save.click();
    await page.getByText(/Someone saved the policy meanwhile/).waitFor();
    await editor.screenshot({ path: screenshotPath('access-policy-stale') });
    expect((await policy()).policy.roles.op?.description).toBe('the video and console desk');
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByText(/\(version 2\)/).waitFor();
    await expect(op.getByLabel('Description').inputValue()).resolves.toBe('the video and console desk');

    await page.getByRole('button', { name: 'Reset to configuration' }).click();
    await page
      .getByRole('alertdialog', { name: 'Reset to configuration' })
      .getByRole('button', { name: 'Reset' })
      .click();
    await page.getByText("Back to the configuration's policy").waitFor();
    const reset = await policy();
    expect(reset.source).toMatchObject({ kind: 'config', version: 3, actor: 'ada' });
    expect(reset.policy).toEqual(reset.config);
    expect(reset.policy.roles.op?.scopes).toEqual({ events: ['subsystem in [video, console]'] });
    await expect(op.getByLabel('events rule 1', { exact: true }).inputValue()).resolves.toBe(
      'subsystem in [video, console]',
    );
    expect(errors).toEqual([]);
  });
});
