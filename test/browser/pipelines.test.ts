// The Pipelines and Dead letters pages in a real browser against the real demo: the five demo
// pipelines with moving counters, a pipeline's page whose try-out box turns a valid sensors line into
// an event (with its `evt` key) and a garbage line into a dead letter with its reason, the text kept
// across a reload, and the Dead letters page (empty or not: the demo corrupts lines at random, so the
// test does not wait for one; it writes its own corrupt file, when it knows the data directory, and
// follows that one into the table). Screenshots go to SCREENS_DIR (see helpers.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshotPath } from './helpers.ts';
import { useBrowserSuite } from './useBrowserSuite.ts';

const PIPELINES = ['alarm-server', 'console', 'gateway', 'sensors', 'video'];
const SENSORS_LINE = '2026-01-01 01:00:06.005;sc-01;ALARM;1010;north-4;15;active;motion in secured area';
const GARBAGE_LINE = 'this is not a sensors line at all';

describe('pipelines and dead letters pages', () => {
  const suite = useBrowserSuite();

  const row = (name: string) => suite.page.locator(`[data-testid="pipelines-table"] tr[data-key="${name}"]`);
  const counter = async (name: string, field: string) =>
    Number(await row(name).getByTestId(`count-${field}`).getAttribute('data-value'));

  it('lists the five demo pipelines with moving counters', async () => {
    await suite.page.goto(`${suite.demo.url}pipelines`);
    await suite.page.getByRole('heading', { name: 'Pipelines', level: 1 }).waitFor();
    const nav = suite.page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Pipelines' }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    await nav.getByRole('link', { name: 'Dead letters' }).waitFor();
    await suite.page.getByTestId('pipelines-table').waitFor({ timeout: 20_000 });
    const names = await suite.page
      .locator('[data-testid="pipelines-table"] tbody tr[data-key]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(names.sort()).toEqual(PIPELINES);
    for (const name of PIPELINES) {
      await expect.poll(() => counter(name, 'read'), { timeout: 45_000, interval: 500 }).toBeGreaterThan(0);
      await expect.poll(() => counter(name, 'events'), { timeout: 45_000, interval: 500 }).toBeGreaterThan(0);
      await expect(row(name).getByTestId('pipeline-chain').textContent()).resolves.not.toBe('');
      await expect(row(name).getByTestId('pipeline-status').getAttribute('data-state')).resolves.toMatch(
        /^(healthy|lagging|errors)$/,
      );
    }
    // The counters move with the demo between polls, and rates appear once two polls have arrived.
    const before = await counter('sensors', 'read');
    await expect
      .poll(() => counter('sensors', 'read'), { timeout: 15_000, interval: 500 })
      .toBeGreaterThan(before);
    await expect.poll(() => row('sensors').getByTestId('count-events').textContent()).toMatch(/\/s$/);
    // Three polls draw the first sparkline; wait for it so the screenshot shows one.
    await suite.page.getByTestId('stat-events-rate').locator('svg.sparkline').waitFor({ timeout: 10_000 });
    await suite.page.screenshot({ path: screenshotPath('pipelines'), fullPage: true });
  });

  it('opens a pipeline and tries sample lines in the try-out box', async () => {
    await row('sensors').click();
    await expect.poll(() => new URL(suite.page.url()).pathname).toBe('/pipelines/sensors');
    await suite.page.getByRole('heading', { name: 'sensors', level: 1 }).waitFor();
    const input = suite.page.getByTestId('try-input');
    await expect(input.inputValue()).resolves.toBe('');
    expect(await input.getAttribute('placeholder')).toContain('Ctrl+Enter');
    await input.fill(`${SENSORS_LINE}\n${GARBAGE_LINE}\n`);
    await input.press('Control+Enter');

    const results = suite.page.getByTestId('try-result');
    await expect.poll(() => results.count(), { timeout: 10_000 }).toBe(2);
    const [first, second] = [results.nth(0), results.nth(1)];
    await expect(first.getAttribute('data-kind')).resolves.toBe('event');
    await expect(first.getByTestId('try-keys').textContent()).resolves.toContain('evt');
    await expect(first.getByTestId('try-keys').textContent()).resolves.toContain('1010');
    await expect(first.textContent()).resolves.toContain('motion in secured area');
    await expect(second.getAttribute('data-kind')).resolves.toBe('dead_letter');
    const reason = (await second.getByTestId('try-reason').textContent()) ?? '';
    expect(reason.trim().length).toBeGreaterThan(5);
    await expect(second.textContent()).resolves.toContain(GARBAGE_LINE);
    const summary = suite.page.getByTestId('try-summary');
    await expect(summary.getAttribute('data-events')).resolves.toBe('1');
    await expect(summary.getAttribute('data-dead-letters')).resolves.toBe('1');
    await expect(summary.textContent()).resolves.toContain('1 dead letter');
    await suite.page.getByTestId('try-out').scrollIntoViewIfNeeded();
    await suite.page.screenshot({ path: screenshotPath('pipeline-try'), fullPage: true });
  });

  it('keeps the results through live refreshes and the text through a reload', async () => {
    await suite.page.waitForTimeout(4_500); // two polls of the counters
    await expect(suite.page.getByTestId('try-result').count()).resolves.toBe(2);
    await suite.page.reload();
    await suite.page.getByRole('heading', { name: 'sensors', level: 1 }).waitFor();
    await expect(suite.page.getByTestId('try-input').inputValue()).resolves.toBe(
      `${SENSORS_LINE}\n${GARBAGE_LINE}\n`,
    );
    // The button runs it as well as Ctrl+Enter.
    await suite.page.getByTestId('try-run').click();
    await expect.poll(() => suite.page.getByTestId('try-result').count(), { timeout: 10_000 }).toBe(2);
  });

  it('loads the Dead letters page, empty or not', async () => {
    await suite.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Dead letters' })
      .click();
    await suite.page.getByRole('heading', { name: 'Dead letters', level: 1 }).waitFor();
    await suite.page
      .locator('[data-testid="dead-letters-table"], [data-testid="dead-letters-empty"]')
      .first()
      .waitFor({
        timeout: 20_000,
      });
    for (const name of PIPELINES) await suite.page.locator(`.chip[data-value="${name}"]`).waitFor();
    await suite.page.screenshot({ path: screenshotPath('dead-letters'), fullPage: true });
  });

  it('follows a corrupt line into the Dead letters table, filter and open row in the URL', async (ctx) => {
    if (!suite.demo.dataDir) return ctx.skip();
    const marker = `corrupt-line-from-the-browser-test-${Date.now()}`;
    // A new file the sensors pipeline's glob matches: read from its start, its one line cannot parse.
    writeFileSync(join(suite.demo.dataDir, 'sim/sensors/zz-browser-test.log'), `${marker}\t\n`);

    await suite.page.locator('.chip[data-value="sensors"]').click();
    await expect.poll(() => new URL(suite.page.url()).searchParams.get('pipeline')).toBe('sensors');
    const ours = suite.page.locator('[data-testid="dead-letters-table"] tbody tr[data-key]', {
      hasText: marker,
    });
    await ours.waitFor({ timeout: 30_000 });
    await ours.click();
    const detail = suite.page.getByTestId('dead-letter-detail');
    await detail.waitFor();
    await expect(detail.textContent()).resolves.toContain('sim/sensors/zz-browser-test.log');
    const id = await ours.getAttribute('data-key');
    await expect.poll(() => new URL(suite.page.url()).searchParams.get('open')).toBe(id);
    await suite.page.screenshot({ path: screenshotPath('dead-letters-open'), fullPage: true });

    // Live refreshes and a reload keep the filter and the open row.
    await suite.page.waitForTimeout(2_500);
    await suite.page.reload();
    await suite.page.getByTestId('dead-letter-detail').waitFor({ timeout: 20_000 });
    await expect(suite.page.locator(`tr[data-key="${id}"]`).getAttribute('aria-expanded')).resolves.toBe(
      'true',
    );
    await expect(
      suite.page.locator('.chip[data-value="sensors"]').getAttribute('aria-pressed'),
    ).resolves.toBe('true');
    await expect(
      suite.page.locator('.chip[data-value="gateway"]').getAttribute('aria-pressed'),
    ).resolves.toBe('false');

    // "Try this line" carries the raw text into the pipeline's try-out box.
    await detail.getByRole('button', { name: 'Try this line' }).click();
    await expect.poll(() => new URL(suite.page.url()).pathname).toBe('/pipelines/sensors');
    await expect(suite.page.getByTestId('try-input').inputValue()).resolves.toBe(`${marker}\t`);
  });

  it('raised no errors in the page', () => {
    expect(suite.pageErrors).toEqual([]);
  });
});
