// The Events page in a real browser against the real demo: loads, shows all five subsystems with
// events, the live total grows, the table has rows, a row opens and stays open through live
// refreshes, and filters live in the URL. Screenshots go to SCREENS_DIR (see helpers.ts).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Demo, ensureWebBuild, launchBrowser, screenshotPath, startDemo } from './helpers.ts';

const SUBSYSTEMS = ['sensors', 'gateway', 'alarm-server', 'video', 'console'];

describe('events page', () => {
  let demo: Demo | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    demo = await startDemo();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  });

  // A failing step leaves a screenshot of what the page showed, and the demo's output in the log.
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      await page?.screenshot({
        path: screenshotPath(`failed-${task.name.replace(/\W+/g, '-')}`),
        fullPage: true,
      });
      console.error(`--- demo output ---\n${demo?.output().slice(-4000)}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const total = async () =>
    Number(await page.getByTestId('stat-total').locator('[data-value]').getAttribute('data-value'));
  const chipCount = async (name: string) =>
    Number(
      ((await page.locator(`.chip[data-value="${name}"] .chip__count`).textContent()) ?? '0').replace(
        /\D/g,
        '',
      ),
    );

  it('loads the cockpit with its shell', async () => {
    await page.goto(`${demo!.url}events`);
    await expect(page.title()).resolves.toBe('Mortar');
    await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByText('Cockpit').waitFor();
    await page.locator('[data-testid="live-indicator"][data-status="live"]').waitFor({ timeout: 15_000 });
  });

  it('shows all five subsystems with events', async () => {
    for (const name of SUBSYSTEMS) {
      await expect.poll(() => chipCount(name), { timeout: 45_000, interval: 500 }).toBeGreaterThan(0);
    }
    await page.getByTestId('volume-chart').locator('canvas').first().waitFor();
  });

  it('counts the live total up', async () => {
    await page.getByTestId('stat-total').locator('[data-value]').waitFor();
    const before = await total();
    await expect.poll(total, { timeout: 15_000, interval: 500 }).toBeGreaterThan(before);
  });

  it('lists the latest events in the table', async () => {
    const rows = page.locator('[data-testid="events-table"] tbody tr[data-key]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const subsystemsSeen = await rows.locator('.cell-subsystem').allTextContents();
    expect(subsystemsSeen.every((s) => SUBSYSTEMS.includes(s.trim()))).toBe(true);
    await page.screenshot({ path: screenshotPath('events'), fullPage: true });
  });

  it('opens a row and keeps it open through live refreshes', async () => {
    // Click whichever row is first and read its key afterwards: under load a live refresh can push a
    // row picked by key off the page before the click lands, while an open row holds the table still.
    await page.locator('[data-testid="events-table"] tbody tr[data-key]').first().click();
    const key = await page
      .locator('[data-testid="events-table"] tbody tr[aria-expanded="true"]')
      .getAttribute('data-key');
    const row = page.locator(`tr[data-key="${key}"]`);
    const detail = page.getByTestId('event-detail');
    await detail.waitFor();
    await detail.getByText('Lineage').waitFor();
    expect(await detail.locator('.event-detail__raw').textContent()).not.toBe('');
    await page.screenshot({ path: screenshotPath('events-row-open'), fullPage: true });
    // Several refresh periods later the same row is still the open one.
    await page.waitForTimeout(4_500);
    await expect(row.getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(page.getByTestId('event-detail').count()).resolves.toBe(1);
    await row.click();
    await expect(page.getByTestId('event-detail').count()).resolves.toBe(0);
  });

  it('keeps the filters in the URL', async () => {
    await page.locator('.chip[data-value="gateway"]').click();
    await expect
      .poll(() => new URL(page.url()).searchParams.get('subsystem'))
      .toBe(SUBSYSTEMS.filter((s) => s !== 'gateway').join(','));
    await page.getByRole('button', { name: '5 min', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('5m');
    await page.reload();
    await page.getByRole('button', { name: '5 min', exact: true, pressed: true }).waitFor();
    await expect(page.locator('.chip[data-value="gateway"]').getAttribute('aria-pressed')).resolves.toBe(
      'false',
    );
    const rows = page.locator('[data-testid="events-table"] tbody tr[data-key]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await rows.locator('.cell-subsystem').allTextContents()).not.toContain('gateway');
    await page.getByTestId('volume-chart').locator('canvas').first().waitFor();
    await page.waitForTimeout(500); // let the chart's entry animation finish before the screenshot
    await page.screenshot({ path: screenshotPath('events-filtered'), fullPage: true });
  });

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
