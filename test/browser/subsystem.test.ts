// The Subsystem pages in a real browser against the real demo: the list of subsystems with their
// health opens one; the gateway's page shows its health, both HA members with health and
// availability, a timeline track per member, its events (linking to the Events page filtered to it)
// and its connections; a past moment stays in the URL; the Cockpit map's node (coloured by health)
// opens the page; a Cockpit replay steps `at` through a window in the URL and stops at its end.

import { describe, expect, it } from 'vitest';
import type { StatesResponse } from '../../src/api/types.ts';
import { screenshotPath } from './helpers.ts';
import { useBrowserSuite } from './useBrowserSuite.ts';

describe('subsystem pages, cockpit health and replay', () => {
  const suite = useBrowserSuite();

  it('lists the subsystems with their health and opens one', async () => {
    const { page, demo } = suite;
    await page.goto(`${demo.url}subsystems`);
    await page.getByRole('heading', { name: 'Subsystems', level: 1 }).waitFor();
    const list = page.getByTestId('subsystems-list');
    for (const name of ['sensors', 'gateway', 'alarm-server', 'video', 'console'])
      await list.locator(`tr[data-key="${name}"]`).waitFor();
    await expect
      .poll(() => list.locator('tr[data-key="gateway"] .health-badge').getAttribute('data-state'), {
        timeout: 60_000,
        interval: 1000,
      })
      .toMatch(/^(ok|degraded|failed|stale)$/);
    await list.locator('tr[data-key="gateway"]').click();
    await page.waitForURL(/\/subsystems\/gateway$/);
  });

  it("shows the gateway's components, timeline, events and connections", async () => {
    const { page } = suite;
    await page.getByRole('heading', { name: 'gateway', level: 1 }).waitFor();
    const comps = page.getByTestId('subsystem-components');
    for (const c of ['gw-a', 'gw-b']) {
      const row = comps.locator(`tr[data-key="${c}"]`);
      await row.waitFor();
      await expect
        .poll(() => row.locator('.health-badge').getAttribute('data-state'), { timeout: 30_000 })
        .toMatch(/^(ok|degraded|failed|stale)$/);
    }
    const timeline = page.getByTestId('health-timeline');
    for (const r of ['gateway', 'gw-a', 'gw-b']) await timeline.locator(`[data-row="${r}"]`).waitFor();
    await expect
      .poll(() => timeline.locator('[data-row="gw-a"] .health-timeline__band').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('stat-availability').textContent()).toMatch(/\d+(\.\d+)? %/);
    const events = page.getByTestId('subsystem-events');
    await expect.poll(() => events.locator('li').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect(page.getByTestId('open-events').getAttribute('href')).resolves.toContain(
      'subsystem=gateway',
    );
    const edges = page.getByTestId('subsystem-edges');
    await edges.locator('tr[data-key="sensors>gateway"]').waitFor();
    await edges.locator('tr[data-key="gateway>alarm-server"]').waitFor();
    await page.screenshot({ path: screenshotPath('subsystem-gateway'), fullPage: true });
  });

  it('keeps a past moment in the URL', async () => {
    const { page, demo } = suite;
    // A past moment the health engine has already processed with the gateway known (the demo may
    // still be young): wait for one instead of assuming 30 s ago is covered.
    let at = '';
    await expect
      .poll(
        async () => {
          const states = (await (await fetch(`${demo.url}api/states`)).json()) as StatesResponse;
          const gw = states.subsystems.find((s) => s.subsystem === 'gateway' || s.name === 'gateway');
          if (!states.asOf || !gw || gw.state === 'unknown') return false;
          at = new Date(Date.parse(states.asOf) - 2_000).toISOString();
          const past = (await (await fetch(`${demo.url}api/states?at=${at}`)).json()) as StatesResponse;
          const g = past.subsystems.find((s) => s.subsystem === 'gateway' || s.name === 'gateway');
          return g !== undefined && g.state !== 'unknown';
        },
        { timeout: 90_000, interval: 1000 },
      )
      .toBe(true);
    await page.goto(`${demo.url}subsystems/gateway?range=15m&at=${at}`);
    await page.getByTestId('time-window').waitFor();
    await page.getByTestId('health-timeline').locator('[data-row="gw-b"]').waitFor();
    expect(new URL(page.url()).searchParams.get('at')).toBe(at);
    await expect
      .poll(() => page.getByTestId('stat-health').textContent())
      .toMatch(/OK|Degraded|Failed|Stale/);
  });

  it("opens a subsystem's page from its node on the Cockpit map", async () => {
    const { page, demo } = suite;
    await page.goto(`${demo.url}cockpit`);
    await page.locator('[data-testid="topology-map"][data-layout="ready"]').waitFor({ timeout: 30_000 });
    const node = page.locator('[data-testid="map-node"][data-node="video"]');
    await expect
      .poll(() => node.getAttribute('data-health'), { timeout: 30_000 })
      .toMatch(/^(ok|degraded|failed|stale)$/);
    await node.getByTestId('map-node-open').click();
    await page.waitForURL(/\/subsystems\/video$/);
    await page.getByRole('heading', { name: 'video', level: 1 }).waitFor();
  });

  it('replays a past window on the Cockpit, stepping at= to its end', async () => {
    const { page, demo } = suite;
    const to = new Date(Date.now() - 30_000);
    const from = new Date(to.getTime() - 120_000);
    const replay = `${from.toISOString()}~${to.toISOString()}`;
    await page.goto(`${demo.url}cockpit?range=15m&at=${from.toISOString()}&replay=${replay}&speed=60&play=1`);
    await page.getByTestId('replay').waitFor();
    const at = () => Date.parse(new URL(page.url()).searchParams.get('at') ?? '');
    await expect.poll(at, { timeout: 20_000, interval: 200 }).toBeGreaterThan(from.getTime());
    await page.screenshot({ path: screenshotPath('cockpit-replay'), fullPage: true });
    await expect.poll(at, { timeout: 30_000, interval: 250 }).toBe(to.getTime());
    await expect.poll(() => page.getByTestId('replay').getAttribute('data-playing')).toBe('false');
    expect(new URL(page.url()).searchParams.get('play')).toBeNull();
    await page.getByRole('button', { name: 'Stop the replay' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('replay')).toBeNull();
  });

  it('raised no errors in the page', () => {
    expect(suite.pageErrors).toEqual([]);
  });
});
