// The Cockpit and Alert flows pages in a real browser against the real demo: the topology map shows
// the five subsystems and the declared edges with their status (once the flow runner, every second,
// has turned the first alarms into hops), an edge opens its details beside the map with the selection
// in the URL, the component level, a past window and back to live; the alarm flow's hop table fills
// with counts, and an alert opens its path with the raw line of each step. Lost and stuck alerts are
// random in the demo, so they are checked only when there are some. Screenshots go to SCREENS_DIR.
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath } from './helpers.ts';
import { useBrowserSuite } from './useBrowserSuite.ts';

const SUBSYSTEMS = ['sensors', 'gateway', 'alarm-server', 'video', 'console'];
const DECLARED = [
  'sensors>gateway',
  'gateway>alarm-server',
  'alarm-server>video',
  'alarm-server>console',
  'console>alarm-server',
];

describe('cockpit and alert flows pages', () => {
  const suite = useBrowserSuite();

  const edge = (id: string) => suite.page.locator(`[data-testid="map-edge"][data-edge="e:${id}"]`);
  const mapReady = () =>
    suite.page.locator('[data-testid="topology-map"][data-layout="ready"]').waitFor({ timeout: 30_000 });
  const param = (name: string) => new URL(suite.page.url()).searchParams.get(name);
  const clickUntil = async (target: Locator, shown: Locator, timeoutMs = 45_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await target.click({ timeout: Math.max(1_000, deadline - Date.now()) });
      try {
        await shown.waitFor({ timeout: 3_000 });
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
    }
  };

  it('shows the five subsystems and the declared edges with their status', async () => {
    await suite.page.goto(`${suite.demo.url}cockpit`);
    await suite.page.getByRole('heading', { name: 'Cockpit', level: 1 }).waitFor();
    const nav = suite.page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Cockpit' }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    await mapReady();
    for (const name of SUBSYSTEMS) {
      const node = suite.page.locator(`[data-testid="map-node"][data-node="${name}"]`);
      await node.waitFor();
      await expect(node.textContent()).resolves.toContain(name);
    }
    for (const id of DECLARED) {
      // A straight horizontal path has no height, which Playwright calls hidden: attached is enough.
      await edge(id).waitFor({ state: 'attached' });
      await expect(edge(id).getAttribute('data-status')).resolves.toMatch(/^(ok|silent|undeclared)$/);
    }
    // Once the first alarms have crossed, the alarm path's edges are ok and labelled with p95 and loss.
    for (const id of ['sensors>gateway', 'gateway>alarm-server']) {
      await expect
        .poll(() => edge(id).getAttribute('data-status'), { timeout: 45_000, interval: 500 })
        .toBe('ok');
    }
    const label = suite.page.locator('[data-testid="map-edge-label"][data-edge="e:sensors>gateway"]');
    await expect.poll(() => label.textContent(), { timeout: 10_000 }).toMatch(/p95 .*ms.* lost/);
    // The connections table below the map lists every declared edge with its status.
    const statuses = await suite.page
      .locator('[data-testid="connections-table"] [data-testid="connection-status"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThanOrEqual(DECLARED.length);
    await suite.page.getByTestId('map-legend').getByText('Health').waitFor();
    await suite.page.waitForTimeout(400); // the view settles after the first fit
    await suite.page.screenshot({ path: screenshotPath('cockpit'), fullPage: true });
    // Refreshes (every 3 s) never take the edges off the map, not even for a frame: sampled at every
    // animation frame for 7 s in the page.
    const gaps = await suite.page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let missing = 0;
          const end = performance.now() + 7_000;
          const sample = () => {
            if (document.querySelectorAll('[data-testid="map-edge"]').length === 0) missing++;
            if (performance.now() < end) requestAnimationFrame(sample);
            else resolve(missing);
          };
          requestAnimationFrame(sample);
        }),
    );
    expect(gaps, 'frames without an edge on the map').toBe(0);
  });

  it('opens an edge in the side panel, with the selection in the URL', { timeout: 120_000 }, async () => {
    const detail = suite.page.getByTestId('edge-detail');
    // A newly observed edge re-lays out the map and refits it (animated); a click landing during
    // that move misses the label, as it would for a person, who clicks again: so does the test.
    await clickUntil(
      suite.page.locator('[data-testid="map-edge-label"][data-edge="e:gateway>alarm-server"]'),
      detail,
    );
    expect(param('sel')).toBe('e:gateway>alarm-server');
    await expect(detail.getAttribute('data-status')).resolves.toBe('ok');
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain('forwarded alarms');
    expect(text).toContain('Last seen');
    expect(text).toMatch(/p95\s*\d/);
    await suite.page.waitForTimeout(500); // the map refits beside the panel
    await suite.page.screenshot({ path: screenshotPath('cockpit-edge'), fullPage: true });

    // A node opens its own details; a reload keeps the selection; Esc closes the panel.
    await clickUntil(
      suite.page.locator('[data-testid="map-node"][data-node="gateway"]'),
      suite.page.getByTestId('subsystem-detail'),
      20_000,
    );
    expect(param('sel')).toBe('n:gateway');
    await suite.page.reload();
    await suite.page.getByTestId('subsystem-detail').waitFor({ timeout: 20_000 });
    await expect(suite.page.getByTestId('subsystem-detail').textContent()).resolves.toContain('gw-a');
    await suite.page.getByRole('button', { name: 'Close the details' }).press('Escape');
    await expect.poll(() => suite.page.getByTestId('topology-panel').count()).toBe(0);
    expect(param('sel')).toBeNull();
  });

  it('shows the component level', async () => {
    await suite.page.getByRole('button', { name: 'Components', exact: true }).click();
    await expect.poll(() => param('level')).toBe('component');
    await mapReady();
    for (const c of ['gw-a', 'as-1', 'vms-1'])
      await suite.page.locator(`[data-testid="map-component"][data-node="${c}"]`).waitFor();
    const observed = suite.page.locator('[data-testid="map-edge"][data-edge^="c:"]');
    try {
      await expect.poll(() => observed.count(), { timeout: 45_000, interval: 500 }).toBeGreaterThan(0);
    } catch (e) {
      // Say which side lacks the component edges: the API (no hops with components) or the map.
      const seen = await suite.page.evaluate(async () => {
        const map = document.querySelector('[data-testid="topology-map"]');
        const edges = [...document.querySelectorAll('[data-testid="map-edge"]')].map((el) =>
          el.getAttribute('data-edge'),
        );
        const res = await fetch('/api/topology', { credentials: 'same-origin' });
        const body = res.ok ? await res.json() : { status: res.status };
        return { layout: map?.getAttribute('data-layout'), edges, api: body.componentEdges?.length, body };
      });
      throw new Error(`no component edge on the map: ${JSON.stringify(seen).slice(0, 3000)}`, { cause: e });
    }
    await suite.page.waitForTimeout(400);
    await suite.page.screenshot({ path: screenshotPath('cockpit-components'), fullPage: true });
    // Every subsystem's name is whole in its box's header: with room to spare before the count, as
    // the map is drawn scaled and a name laid out to the pixel is painted cut to an ellipsis.
    const cut = await suite.page.locator('.map-group__head').evaluateAll((heads) =>
      heads.flatMap((h) => {
        const name = h.querySelector<HTMLElement>('.map-node__name');
        const count = h.querySelector<HTMLElement>('.map-group__count');
        if (!name || !count) return [`${h.textContent}: no name or count`];
        const free = count.offsetLeft - (name.offsetLeft + name.offsetWidth) - 8;
        return name.scrollWidth > name.clientWidth || free < 4
          ? [`${name.textContent}: ${free} px free`]
          : [];
      }),
    );
    expect(cut).toEqual([]);
    await suite.page.getByRole('button', { name: 'Subsystems', exact: true }).click();
    await expect.poll(() => param('level')).toBeNull();
  });

  it('jumps to a past window and back to live', async () => {
    const d = new Date(Date.now() - 60_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    await suite.page.getByTestId('time-jump').fill(local);
    await suite.page.getByRole('button', { name: 'Go', exact: true }).click();
    await expect.poll(() => param('at')).not.toBeNull();
    await suite.page.getByTestId('time-window').waitFor();
    await mapReady();
    await suite.page.locator('[data-testid="map-node"][data-node="sensors"]').waitFor();
    await suite.page.getByRole('button', { name: '15 min', exact: true }).click();
    await expect.poll(() => param('range')).toBe('15m');
    expect(param('at')).not.toBeNull();
    await suite.page.getByRole('button', { name: 'Back to live' }).click();
    await expect.poll(() => param('at')).toBeNull();
    expect(param('range')).toBe('15m');
  });

  it('lists the hops of the alarm flow with non-zero counts', async () => {
    await suite.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Alert flows' })
      .click();
    await suite.page.getByRole('heading', { name: 'Alert flows', level: 1 }).waitFor();
    await suite.page.getByTestId('flow-summary').getByText('alarm').first().waitFor({ timeout: 20_000 });
    const counts = suite.page.locator('[data-testid="hops-table"] [data-testid="hop-count"]');
    await expect.poll(() => counts.count(), { timeout: 45_000, interval: 500 }).toBeGreaterThanOrEqual(2);
    const values = await counts.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(values.every((n) => n > 0)).toBe(true);
    const hops = await suite.page
      .locator('[data-testid="hops-table"] tbody tr[data-key]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(hops).toContain('sensor>gateway');
    await suite.page.getByTestId('hop-chart').locator('canvas').first().waitFor();
    await expect(
      suite.page.getByTestId('stat-complete').locator('[data-value]').getAttribute('data-value'),
    ).resolves.toMatch(/^\d+$/);
    // Lost or stuck alerts are random in the demo: when there are some, the default list shows them.
    const problems = await Promise.all(
      ['stuck', 'lost'].map(async (s) =>
        Number(await suite.page.getByTestId(`stat-${s}`).locator('[data-value]').getAttribute('data-value')),
      ),
    );
    if (problems.some((n) => n > 0)) {
      const rows = suite.page.locator('[data-testid="alerts-table"] [data-testid="alert-state"]');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
      const states = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
      expect(states.every((s) => s === 'late' || s === 'stuck' || s === 'lost')).toBe(true);
    }
    await suite.page.waitForTimeout(400); // the chart's entry animation
    await suite.page.screenshot({ path: screenshotPath('flows'), fullPage: true });
  });

  it("opens an alert's path with the raw line of each step", async () => {
    // Complete alerts are there within seconds; add them to the list's states.
    await suite.page.locator('.chip[data-value="complete"]').click();
    await expect.poll(() => param('state')).toContain('complete');
    const complete = suite.page.locator('[data-testid="alerts-table"] tbody tr[data-key]', {
      has: suite.page.locator('[data-state="complete"]'),
    });
    await complete.first().waitFor({ timeout: 30_000 });
    const root = await complete.first().getAttribute('data-key');
    // The list refreshes newest first: click that alert's row, wherever it has moved meanwhile.
    await suite.page.locator(`[data-testid="alerts-table"] tbody tr[data-key="${root}"]`).click();
    await expect
      .poll(() => decodeURIComponent(new URL(suite.page.url()).pathname))
      .toBe(`/flows/alarm/alerts/${root}`);
    const timeline = suite.page.getByTestId('alert-timeline');
    await timeline.waitFor({ timeout: 20_000 });
    await expect(
      suite.page.getByTestId('alert-page').getByTestId('alert-state').getAttribute('data-state'),
    ).resolves.toBe('complete');
    const steps = timeline.getByTestId('timeline-step');
    await expect.poll(() => steps.count()).toBeGreaterThanOrEqual(6);
    const sensor = timeline.locator('[data-testid="timeline-step"][data-step="sensor"]');
    await expect(sensor.getAttribute('data-seen')).resolves.toBe('true');
    await expect(sensor.getByTestId('timeline-raw').textContent()).resolves.toMatch(/;ALARM;/);
    const raws = await timeline.getByTestId('timeline-raw').allTextContents();
    expect(raws.length).toBeGreaterThanOrEqual(6);
    expect(raws.every((r) => r.trim().length > 10)).toBe(true);
    await expect(
      timeline.locator('[data-step="gateway"] [data-testid="timeline-latency"]').textContent(),
    ).resolves.toMatch(/\+.*ms.*SLA 200 ms/);
    await suite.page.screenshot({ path: screenshotPath('flow-alert'), fullPage: true });

    // The way back returns to the same list.
    await suite.page.locator('.page-header__back', { hasText: 'Alert flows' }).click();
    await expect.poll(() => new URL(suite.page.url()).pathname).toBe('/flows');
    expect(param('state')).toContain('complete');
  });

  it('raised no errors in the page', () => {
    expect(suite.pageErrors).toEqual([]);
  });
});
