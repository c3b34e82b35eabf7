// The Patterns page in a real browser against the real demo: the mined templates of the demo
// sources appear with counts and sparklines, a click opens a pattern's example messages, and the
// source filter narrows the page to one source. Screenshot in SCREENS_DIR (see helpers.ts).
import { describe, expect, it } from 'vitest';
import { screenshotPath } from './helpers.ts';
import { useBrowserSuite } from './useBrowserSuite.ts';

describe('patterns page', () => {
  const suite = useBrowserSuite();

  it('shows templates per source, opens examples and filters by source', async () => {
    const page = suite.page;
    await page.goto(`${suite.demo.url}patterns`);
    await page.getByRole('heading', { name: 'Patterns', level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Patterns' }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    const gateway = page.getByTestId('pattern-source-gateway');
    await gateway.waitFor({ timeout: 60_000 });
    await page.getByTestId('pattern-source-sensors').waitFor({ timeout: 60_000 });
    const first = gateway.locator('tbody tr[data-key]').first();
    await expect.poll(() => first.locator('code').textContent(), { timeout: 30_000 }).toContain('<*>');
    await first.click();
    const examples = page.getByTestId('pattern-examples');
    await examples.waitFor({ timeout: 15_000 });
    await expect.poll(() => examples.locator('li').count()).toBeGreaterThan(0);
    await expect.poll(() => new URL(page.url()).searchParams.get('open') ?? '').toMatch(/^gateway\//);
    await page.screenshot({ path: screenshotPath('patterns'), fullPage: true });
    await page.goto(`${suite.demo.url}patterns?source=sensors`);
    await page.getByTestId('pattern-source-sensors').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('[data-testid^="pattern-source-"]').count()).toBe(1);
    expect(suite.pageErrors).toEqual([]);
  }, 180_000);
});
