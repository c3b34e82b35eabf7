// The Catalog and Links pages in a real browser against the real demo: the catalog lists the five
// demo sources with their event types and fields (alarm ids typed and exemplified), the drift
// timeline renders; the Links page proposes the demo's id bridges with evidence, and accepting
// one shows the YAML and marks it accepted (also after a reload). Screenshots go to SCREENS_DIR.
import { describe, expect, it } from 'vitest';
import { screenshotPath } from './helpers.ts';
import { useBrowserSuite } from './useBrowserSuite.ts';

describe('catalog and links pages', () => {
  const suite = useBrowserSuite();

  it('shows sources x types x fields with types, fill, distinct values and examples', async () => {
    const { page } = suite;
    await page.goto(`${suite.demo.url}catalog`);
    await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Catalog' }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    // The catalog runner folds events in every few seconds; the page refreshes every 15 s.
    await page.locator('[data-source="alarm-server"]').waitFor({ timeout: 60_000 });
    const sources = await page
      .locator('[data-source]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-source')));
    expect(sources.length).toBeGreaterThanOrEqual(3);
    await page.getByText('Schema drift').waitFor();
    await page.screenshot({ path: screenshotPath('catalog'), fullPage: false });
    await page.getByRole('textbox', { name: 'Find a field or type' }).fill('alarm_id');
    const table = page.getByRole('table', { name: 'Fields of alarm.raised in alarm-server' });
    await table.waitFor({ timeout: 30_000 });
    const row = table.locator('tr[data-key="keys.alarm_id"]');
    await expect(row.textContent()).resolves.toMatch(/alarm_id.*key.*string.*100%.*A-\d{6}/);
    // Every type of every source opens while a search is on: the match shows in all of them.
    await expect(page.locator('table[aria-label^="Fields of"]').count()).resolves.toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: screenshotPath('catalog-search'), fullPage: false });
  });

  it('proposes the id bridges with evidence; accepting one shows its YAML', async () => {
    const { page } = suite;
    await page.goto(`${suite.demo.url}links`);
    await page.getByRole('heading', { name: 'Links', level: 1 }).waitFor();
    // The first inference runs 10 s after start, then every 30 s.
    const card = page.locator('[data-link="gateway>alarm-server"]');
    await expect
      .poll(
        async () => {
          if ((await card.count()) === 0) await page.reload();
          return card.count();
        },
        { timeout: 90_000, interval: 5000 },
      )
      .toBe(1);
    const links = await page
      .locator('[data-link]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-link')));
    for (const l of links)
      expect([
        'sensors>gateway',
        'gateway>alarm-server',
        'alarm-server>video',
        'alarm-server>console',
      ]).toContain(l);
    const box = page.locator('.card', { has: card });
    await expect(box.textContent()).resolves.toMatch(/keys\.alarm_ref.*keys\.alarm_ref/);
    await page.screenshot({ path: screenshotPath('links'), fullPage: false });
    await box.getByRole('button', { name: 'Accept as edge' }).click();
    await box.locator('pre[data-yaml="edge"]').waitFor();
    await expect(box.locator('pre[data-yaml="edge"]').textContent()).resolves.toMatch(
      /from: gateway\s+to: alarm-server/,
    );
    await expect(box.textContent()).resolves.toMatch(/accepted/);
    await page.screenshot({ path: screenshotPath('links-accepted'), fullPage: false });
    await page.reload();
    const again = page.locator('.card', { has: page.locator('[data-link="gateway>alarm-server"]') });
    await expect(again.getByRole('button', { name: 'Accepted' }).isDisabled()).resolves.toBe(true);
    expect(suite.pageErrors).toEqual([]);
  });
});
