// The Events page in a real browser against the real demo: loads, shows all five subsystems with
// events, the live total grows, the table has rows, a row opens and stays open through live
// refreshes, and filters live in the URL. Screenshots go to SCREENS_DIR (see helpers.ts).
import { describe, expect, it } from 'vitest';
import { screenshotPath } from './helpers.ts';
import { useBrowserSuite } from './useBrowserSuite.ts';

const SUBSYSTEMS = ['sensors', 'gateway', 'alarm-server', 'video', 'console'];

describe('events page', () => {
  const suite = useBrowserSuite();

  const total = async () =>
    Number(await suite.page.getByTestId('stat-total').locator('[data-value]').getAttribute('data-value'));
  const chipCount = async (name: string) =>
    Number(
      ((await suite.page.locator(`.chip[data-value="${name}"] .chip__count`).textContent()) ?? '0').replace(
        /\D/g,
        '',
      ),
    );

  it('loads the cockpit with its shell', async () => {
    await suite.page.goto(`${suite.demo.url}events`);
    await expect(suite.page.title()).resolves.toBe('Mortar');
    await suite.page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    await suite.page.getByRole('navigation', { name: 'Main' }).getByText('Cockpit').waitFor();
    await suite.page
      .locator('[data-testid="live-indicator"][data-status="live"]')
      .waitFor({ timeout: 15_000 });
  });

  it('shows all five subsystems with events', async () => {
    for (const name of SUBSYSTEMS) {
      await expect.poll(() => chipCount(name), { timeout: 45_000, interval: 500 }).toBeGreaterThan(0);
    }
    await suite.page.getByTestId('volume-chart').locator('canvas').first().waitFor();
  });

  it('counts the live total up', async () => {
    await suite.page.getByTestId('stat-total').locator('[data-value]').waitFor();
    const before = await total();
    await expect.poll(total, { timeout: 15_000, interval: 500 }).toBeGreaterThan(before);
  });

  it('lists the latest events in the table', async () => {
    const rows = suite.page.locator('[data-testid="events-table"] tbody tr[data-key]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const subsystemsSeen = await rows.locator('.cell-subsystem').allTextContents();
    expect(subsystemsSeen.every((s) => SUBSYSTEMS.includes(s.trim()))).toBe(true);
    await suite.page.screenshot({ path: screenshotPath('events'), fullPage: true });
  });

  it('opens a row and keeps it open through live refreshes', async () => {
    // Click whichever row is first and read its key afterwards: under load a live refresh can push a
    // row picked by key off the page before the click lands, while an open row holds the table still.
    await suite.page.locator('[data-testid="events-table"] tbody tr[data-key]').first().click();
    const key = await suite.page
      .locator('[data-testid="events-table"] tbody tr[aria-expanded="true"]')
      .getAttribute('data-key');
    const row = suite.page.locator(`tr[data-key="${key}"]`);
    const detail = suite.page.getByTestId('event-detail');
    await detail.waitFor();
    await detail.getByText('Lineage').waitFor();
    expect(await detail.locator('.event-detail__raw').textContent()).not.toBe('');
    await suite.page.screenshot({ path: screenshotPath('events-row-open'), fullPage: true });
    // Several refresh periods later the same row is still the open one.
    await suite.page.waitForTimeout(4_500);
    await expect(row.getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(suite.page.getByTestId('event-detail').count()).resolves.toBe(1);
    await row.click();
    await expect(suite.page.getByTestId('event-detail').count()).resolves.toBe(0);
  });

  it('keeps the filters in the URL', async () => {
    await suite.page.locator('.chip[data-value="gateway"]').click();
    await expect
      .poll(() => new URL(suite.page.url()).searchParams.get('subsystem'))
      .toBe(SUBSYSTEMS.filter((s) => s !== 'gateway').join(','));
    await suite.page.getByRole('button', { name: '5 min', exact: true }).click();
    await expect.poll(() => new URL(suite.page.url()).searchParams.get('range')).toBe('5m');
    await suite.page.reload();
    await suite.page.getByRole('button', { name: '5 min', exact: true, pressed: true }).waitFor();
    await expect(
      suite.page.locator('.chip[data-value="gateway"]').getAttribute('aria-pressed'),
    ).resolves.toBe('false');
    const rows = suite.page.locator('[data-testid="events-table"] tbody tr[data-key]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await rows.locator('.cell-subsystem').allTextContents()).not.toContain('gateway');
    await suite.page.getByTestId('volume-chart').locator('canvas').first().waitFor();
    await suite.page.waitForTimeout(500); // let the chart's entry animation finish before the screenshot
    await suite.page.screenshot({ path: screenshotPath('events-filtered'), fullPage: true });
  });

  it('raised no errors in the page', () => {
    expect(suite.pageErrors).toEqual([]);
  });
});
