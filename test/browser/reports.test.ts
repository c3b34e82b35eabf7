// The Reports pages in a real browser against the real demo and its report API: the list (search
// kept in the URL), a built-in report whose generated filter bar changes the result and the URL,
// sorting, an export that carries the view's parameters and holds exactly the displayed rows, a
// share link and a saved view, drill-down into another report (filters carried) and into the Events
// page, back/forward through the URL state, the editor's inline validation, and a report saved from
// the editor (listed as a user report, then deleted). Screenshots go to SCREENS_DIR (helpers.ts).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath } from './helpers.ts';
import { useBrowserSuite } from './useBrowserSuite.ts';

const REPORT = 'event-volume-by-type';
const TARGET = 'event-volume-by-subsystem';
const WAIT = { timeout: 45_000, interval: 500 };

/** The raw cell values of the table's rows (data-value of each cell), in display order. */
function tableRows(page: Page): Promise<Record<string, string>[]> {
  return page.locator('[data-testid="report-table"] tbody tr[data-key]').evaluateAll((trs) =>
    trs.map((tr) => {
      const row: Record<string, string> = {};
      for (const cell of tr.querySelectorAll('[data-col]'))
        row[cell.getAttribute('data-col') ?? ''] = cell.getAttribute('data-value') ?? '';
      return row;
    }),
  );
}

/** RFC 4180 lines -> records keyed by the header row. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  const [header = [], ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

describe('reports pages', () => {
  const suite = useBrowserSuite();
  const url = () => new URL(suite.page.url());

  it('lists the built-in reports and searches them through the URL', async () => {
    const { page } = suite;
    await page.goto(`${suite.demo.url}reports`);
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Reports' }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    const cards = page.getByTestId('report-card');
    await expect.poll(() => cards.count(), WAIT).toBeGreaterThanOrEqual(7);
    const card = page.locator(`[data-testid="report-card"][data-id="${REPORT}"]`);
    await expect(card.textContent()).resolves.toContain('Built-in');
    await expect(card.textContent()).resolves.toContain('events');
    await page.screenshot({ path: screenshotPath('reports-list'), fullPage: true });

    await page.getByTestId('reports-search').fill('latency');
    await expect.poll(() => url().searchParams.get('q'), WAIT).toBe('latency');
    await expect
      .poll(() => cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))), WAIT)
      .toEqual(expect.arrayContaining(['alert-latency-by-hop']));
    const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(ids).not.toContain(REPORT);
    await page.getByTestId('reports-search').fill('');
    await expect.poll(() => url().search, WAIT).toBe('');
  });

  it('opens a built-in report; a filter changes the URL and the result', async () => {
    const { page } = suite;
    await page.locator(`[data-testid="report-card"][data-id="${REPORT}"] a`).click();
    await expect.poll(() => url().pathname).toBe(`/reports/${REPORT}`);
    await page.getByRole('heading', { name: 'Event volume by subsystem and type', level: 1 }).waitFor();
    // The filter bar comes from the definition: a time range, two multi-selects.
    await expect(page.getByTestId('filter-time').getAttribute('data-kind')).resolves.toBe('time_range');
    await expect(page.getByTestId('filter-subsystem').getAttribute('data-kind')).resolves.toBe(
      'multi_select',
    );
    // Wait for events of more than one subsystem (the demo has just started).
    await expect
      .poll(async () => new Set((await tableRows(page)).map((r) => r.subsystem)).size, {
        ...WAIT,
        message: 'the demo should store events of several subsystems (is its ingest running?)',
      })
      .toBeGreaterThan(1);
    await page.getByTestId('report-chart').waitFor();
    const before = Number(await page.getByTestId('report-result').getAttribute('data-total'));
    await page.screenshot({ path: screenshotPath('report-default'), fullPage: true });

    // Pick one subsystem from the values the data offers.
    await page.getByTestId('filter-subsystem-button').click();
    const option = page.locator('[data-testid="filter-subsystem-values"] input[data-value="sensors"]');
    await option.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: screenshotPath('report-filter-open'), fullPage: true });
    await option.check();
    await expect.poll(() => url().searchParams.getAll('f.subsystem')).toEqual(['sensors']);
    await page.keyboard.press('Escape');
    await expect
      .poll(async () => [...new Set((await tableRows(page)).map((r) => r.subsystem))], WAIT)
      .toEqual(['sensors']);
    const after = Number(await page.getByTestId('report-result').getAttribute('data-total'));
    expect(after).toBeLessThan(before);
    await expect(page.getByTestId('filter-subsystem-button').textContent()).resolves.toContain('sensors');

    // Sorting is URL state too, and runs in the engine.
    await page.getByTestId('sort-events').click();
    await expect.poll(() => url().searchParams.get('dir')).toBe('asc');
    expect(url().searchParams.get('sort')).toBe('events');
    await expect
      .poll(async () => {
        const counts = (await tableRows(page)).map((r) => Number(r.events));
        return counts.every((n, i) => i === 0 || counts[i - 1]! <= n) && counts.length > 0;
      }, WAIT)
      .toBe(true);
    await page.screenshot({ path: screenshotPath('report-filtered-sorted'), fullPage: true });
  });

  it('pages through a long result with the page in the URL', async () => {
    const { page } = suite;
    // The report does not refresh by itself: load it until the demo has written enough messages.
    const result = page.getByTestId('report-result');
    await expect
      .poll(async () => {
        await page.goto(`${suite.demo.url}reports/top-message-patterns`);
        await result.waitFor({ timeout: 20_000 });
        return Number(await result.getAttribute('data-total'));
      }, WAIT)
      .toBeGreaterThan(25);
    const first = await tableRows(page);
    expect(first.length).toBe(25);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => url().searchParams.get('page')).toBe('2');
    await expect
      .poll(async () => JSON.stringify((await tableRows(page))[0]), WAIT)
      .not.toBe(JSON.stringify(first[0]));
    // Rows 26 on (the data moves on, so the page is not compared with a count taken earlier).
    await expect(page.locator('.paged-table__range').textContent()).resolves.toMatch(/^26–/);
  });

  it('shows the API complaint about a bad filter value next to that filter', async () => {
    const { page } = suite;
    await page.goto(`${suite.demo.url}reports/${REPORT}?f.time=yesterday-ish`);
    const error = page.getByTestId('filter-time-error');
    await error.waitFor({ timeout: 20_000 });
    await expect(error.textContent()).resolves.toContain('yesterday-ish');
    await expect(page.getByTestId('filter-time').getAttribute('class')).resolves.toContain('has-error');
    await page.screenshot({ path: screenshotPath('report-filter-error'), fullPage: true });
  });

  it('exports exactly the displayed rows with the same parameters; shares and saves the view', async () => {
    const { page } = suite;
    // A fixed window that ended a few seconds ago, so the view and the export see the same rows.
    const to = new Date(Date.now() - 5_000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const search = `?f.time=${from}..${to}&f.subsystem=sensors&f.subsystem=gateway&sort=type&dir=asc`;
    await page.goto(`${suite.demo.url}reports/${REPORT}${search}`);
    await expect.poll(async () => (await tableRows(page)).length, WAIT).toBeGreaterThan(0);
    // The link shows the window it was given (a custom range, no preset).
    await expect(page.getByTestId('filter-time-custom').textContent()).resolves.not.toBe('Custom');
    const shown = await tableRows(page);
    const total = Number(await page.getByTestId('report-result').getAttribute('data-total'));
    expect(shown.length).toBe(Math.min(total, 25));

    for (const format of ['csv', 'parquet']) {
      const href = (await page.getByTestId(`export-${format}`).getAttribute('href')) ?? '';
      const params = new URL(href, suite.demo.url).searchParams;
      expect(new URL(href, suite.demo.url).pathname).toBe(`/api/reports/${REPORT}/export.${format}`);
      expect(params.get('f.time')).toBe(`${from}..${to}`);
      expect(params.getAll('f.subsystem')).toEqual(['sensors', 'gateway']);
      expect(params.get('sort')).toBe('type');
      expect(params.get('dir')).toBe('asc');
    }
    const csvHref = (await page.getByTestId('export-csv').getAttribute('href')) ?? '';
    const res = await page.request.get(new URL(csvHref, suite.demo.url).toString());
    expect(res.status()).toBe(200);
    const exported = parseCsv(await res.text());
    expect(exported.length).toBe(total);
    // Same order as the view (by type; rows of equal type may come in either order), same rows.
    const types = exported.map((r) => r.type ?? '');
    expect(types).toEqual([...types].sort());
    const key = (rows: Record<string, string>[]) => rows.map((r) => JSON.stringify(r)).sort();
    if (total <= shown.length) expect(key(exported)).toEqual(key(shown));
    else expect(key(exported)).toEqual(expect.arrayContaining(key(shown)));

    // Share link: the URL with every parameter (copied, or shown to copy where the clipboard is off).
    await page.getByTestId('share-link').click();
    await expect
      .poll(async () => {
        if ((await page.getByTestId('share-link').getAttribute('data-state')) === 'copied') return 'copied';
        return (await page.getByTestId('share-url').count()) ? 'shown' : 'waiting';
      })
      .not.toBe('waiting');
    if (await page.getByTestId('share-url').count())
      await expect(page.getByTestId('share-url').inputValue()).resolves.toBe(page.url());
    await page.keyboard.press('Escape');

    // Saved view: the current query under a name, listed, and applied from elsewhere.
    const query = url().search.slice(1);
    await page.getByTestId('saved-views').click();
    await page.getByTestId('view-name').fill('sensors and gateway, last hour');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = page.getByRole('button', { name: 'sensors and gateway, last hour' });
    await saved.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: screenshotPath('report-saved-views'), fullPage: true });
    await page.goto(`${suite.demo.url}reports/${REPORT}`);
    await page.getByTestId('saved-views').click();
    await saved.click();
    await expect.poll(() => url().search.slice(1)).toBe(query);
  });

  it('drills down into another report with the filters carried, and back again', async () => {
    const { page } = suite;
    await page.goto(`${suite.demo.url}reports/${REPORT}?f.subsystem=gateway`);
    await expect
      .poll(async () => [...new Set((await tableRows(page)).map((r) => r.subsystem))], WAIT)
      .toEqual(['gateway']);
    const source = page.url();
    await page.locator('[data-testid="report-table"] tbody tr[data-key]').first().click();
    await expect.poll(() => url().pathname).toBe(`/reports/${TARGET}`);
    // The row's subsystem is bound; the time range in force travels along.
    expect(url().searchParams.getAll('f.subsystem')).toEqual(['gateway']);
    expect(url().searchParams.get('f.time')).toBe('now-24h..now');
    await page.getByRole('heading', { name: 'Event volume by subsystem', level: 1 }).waitFor();
    const result = page.getByTestId('report-result');
    await result.waitFor({ timeout: 30_000 });
    const firstRun = await result.getAttribute('data-generated');
    await expect(page.getByTestId('filter-subsystem-button').textContent()).resolves.toContain('gateway');
    await expect(
      page.getByTestId('filter-time').locator('.segmented__item.is-active').textContent(),
    ).resolves.toBe('24 h');
    // A linked filter's values are narrowed by the filters it depends on (component by subsystem).
    await page.getByTestId('filter-component-button').click();
    const components = page.locator('[data-testid="filter-component-values"] input[data-value]');
    await expect.poll(() => components.count(), WAIT).toBeGreaterThan(0);
    const names = await components.evaluateAll((els) => els.map((e) => e.getAttribute('data-value') ?? ''));
    expect(names.every((n) => n.startsWith('gw-'))).toBe(true);
    await page.screenshot({ path: screenshotPath('report-drilldown'), fullPage: true });
    await page.keyboard.press('Escape');
    // The report declares refresh_seconds: 10, so it re-runs by itself.
    await expect.poll(() => result.getAttribute('data-generated'), WAIT).not.toBe(firstRun);
    // Back and forward walk the URL state.
    await page.goBack();
    await expect.poll(() => page.url()).toBe(source);
    await page.getByRole('heading', { name: 'Event volume by subsystem and type', level: 1 }).waitFor();
    await expect(page.getByTestId('filter-subsystem-button').textContent()).resolves.toContain('gateway');
    await page.goForward();
    await expect.poll(() => url().pathname).toBe(`/reports/${TARGET}`);
  });

  it('drills down from a row into the Events page with the filter applied', async () => {
    const { page } = suite;
    await page.goto(`${suite.demo.url}reports/data-catalog?f.subsystem=video`);
    await expect.poll(async () => (await tableRows(page)).length, WAIT).toBeGreaterThan(0);
    await page.locator('[data-testid="report-table"] tbody tr[data-key]').first().click();
    await expect.poll(() => url().pathname).toBe('/events');
    expect(url().searchParams.get('subsystem')).toBe('video');
    // The catalog's seven days are no Events preset: the window goes as from/to.
    const from = Date.parse(url().searchParams.get('from') ?? '');
    const to = Date.parse(url().searchParams.get('to') ?? '');
    expect(Math.round((to - from) / 86_400_000)).toBe(7);
  });

  it('validates YAML in the editor inline and jumps to the line of a problem', async () => {
    const { page } = suite;
    await page.goto(`${suite.demo.url}reports/new`);
    await page.getByRole('heading', { name: 'New report', level: 1 }).waitFor();
    const editor = page.getByTestId('yaml-editor');
    // The starting definition is valid and previews its rows.
    await page.getByText('Valid', { exact: true }).waitFor({ timeout: 30_000 });
    await page
      .locator('[data-testid="editor-preview"] [data-testid="report-table"]')
      .waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('save-report').isDisabled()).resolves.toBe(false);
    await page.screenshot({ path: screenshotPath('report-editor-valid'), fullPage: true });

    const yaml = await editor.inputValue();
    const broken = yaml.replace('measures: [events]', 'measures: [bogus]');
    expect(broken).not.toBe(yaml);
    const line = broken.split('\n').findIndex((l) => l.includes('bogus')) + 1;
    await editor.fill(broken);
    const problems = page.getByTestId('validation-errors');
    await problems.waitFor({ timeout: 30_000 });
    const item = problems.locator('button').first();
    await expect(item.textContent()).resolves.toContain('bogus');
    await expect(item.textContent()).resolves.toContain('measures[0]');
    await expect(item.getAttribute('data-line')).resolves.toBe(String(line));
    await expect(page.getByTestId('save-report').isDisabled()).resolves.toBe(true);
    await item.click();
    const caretLine = await editor.evaluate(
      (el: HTMLTextAreaElement) => el.value.slice(0, el.selectionStart).split('\n').length,
    );
    expect(caretLine).toBe(line);
    await page.screenshot({ path: screenshotPath('report-editor-error'), fullPage: true });
  });

  it('saves a new report from the editor, lists it as a user report and deletes it', async () => {
    const { page } = suite;
    const editor = page.getByTestId('yaml-editor');
    const yaml = (await editor.inputValue())
      .replace('measures: [bogus]', 'measures: [events]')
      .replace(/^id: .*$/m, 'id: browser-made')
      .replace(/^title: .*$/m, 'title: Made in the browser');
    await editor.fill(yaml);
    await page.getByText('Valid', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByTestId('save-report').click();
    await expect.poll(() => url().pathname, WAIT).toBe('/reports/browser-made');
    await page.getByRole('heading', { name: 'Made in the browser', level: 1 }).waitFor();
    await expect.poll(async () => (await tableRows(page)).length, WAIT).toBeGreaterThan(0);
    await page.goto(`${suite.demo.url}reports?q=browser`);
    const card = page.locator('[data-testid="report-card"][data-id="browser-made"]');
    await card.waitFor({ timeout: 20_000 });
    await expect(card.textContent()).resolves.toContain('User');

    await page.goto(`${suite.demo.url}reports/browser-made/edit`);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => url().pathname, WAIT).toBe('/reports');
    await page.goto(`${suite.demo.url}reports/browser-made`);
    await page.getByText('The report could not be loaded').waitFor({ timeout: 20_000 });
    expect(suite.pageErrors).toEqual([]);
  });
});
