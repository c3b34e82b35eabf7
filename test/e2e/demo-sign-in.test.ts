// `mortar demo --sign-in`: the demo with access control on and three demo users. A real demo
// process with MORTAR_DEMO_PASSWORD: it prints the users; each signs in; the operator sees only the
// north half's components, the analyst sees operator names masked, the admin sees them. Then the
// users' set-up alone: random passwords per data directory, kept across starts, and a too short
// MORTAR_DEMO_PASSWORD refused with what to do.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/access/password.ts';
import { accessStorePath } from '../../src/access/settings.ts';
import { AccessStore } from '../../src/access/store.ts';
import type { EventsResponse } from '../../src/api/types.ts';
import { DEMO_CONFIG } from '../../src/cli/commands/demo.ts';
import { ensureDemoUsers, withDemoSignIn } from '../../src/cli/demo-users.ts';
import { loadConfig } from '../../src/config/load.ts';
import { type DemoProcess, startDemo } from './demo-process.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'mortar-demo-sign-in-'));
  dirs.push(d);
  return d;
};
let demo: DemoProcess | undefined;
const saved = process.env.MORTAR_DEMO_PASSWORD;

afterAll(async () => {
  await demo?.stop();
  if (saved === undefined) delete process.env.MORTAR_DEMO_PASSWORD;
  else process.env.MORTAR_DEMO_PASSWORD = saved;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const NORTH = ['sc-01', 'sc-02', 'sc-03', 'op-console-1'];
type Session = { status: number; cookie: string };

describe('mortar demo --sign-in', () => {
  it('creates the demo users; each sees what their role allows', async () => {
    process.env.MORTAR_DEMO_PASSWORD = 'demo-password-for-tests';
    demo = await startDemo(tmp(), ['--sign-in']);
    delete process.env.MORTAR_DEMO_PASSWORD;
    const base = demo.url.replace(/\/$/, '');
    for (let i = 0; i < 50 && !demo.output().includes('(analyst)'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(demo.output()).toMatch(/sign in as:\n\s+admin\s+demo-password-for-tests\s+\(admin\)/);
    expect(demo.output()).toMatch(/operator\s+demo-password-for-tests\s+\(north-operator\)/);
    expect(demo.output()).toMatch(/analyst\s+demo-password-for-tests\s+\(analyst\)/);
    expect((await fetch(`${base}/api/health`)).status).toBe(401);
    const login = async (user: string, password = 'demo-password-for-tests') => {
      const res = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user, password }),
      });
      return {
        status: res.status,
        cookie: res.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; '),
      };
    };
    expect((await login('admin', 'wrong-password-1')).status).toBe(401);
    const [admin, operator, analyst] = (await Promise.all(
      ['admin', 'operator', 'analyst'].map((u) => login(u)),
    )) as [Session, Session, Session];
    for (const s of [admin, operator, analyst]) expect(s.status).toBe(200);
    const get = async <T>(cookie: string, path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { cookie } });
      expect(res.status, path).toBe(200);
      return (await res.json()) as T;
    };
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const events = (cookie: string, q = '') =>
      get<EventsResponse>(cookie, `/api/events?from=${from}&to=${to}&limit=1000${q}`);
    // wait for the console to have displayed alarms with operator names
    const until = Date.now() + 60_000;
    let all = await events(admin.cookie, '&subsystem=console');
    while (!all.rows.some((e) => e.attrs.operator !== undefined) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1_000));
      all = await events(admin.cookie, '&subsystem=console');
    }
    const named = all.rows.filter((e) => e.attrs.operator !== undefined);
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((e) => !String(e.attrs.operator).includes('***'))).toBe(true);

    const seen = await events(operator.cookie);
    expect(seen.rows.length).toBeGreaterThan(0);
    expect([...new Set(seen.rows.map((e) => e.component))].every((c) => NORTH.includes(c))).toBe(true);
    const everything = await events(admin.cookie);
    expect(everything.rows.some((e) => !NORTH.includes(e.component))).toBe(true);

    const masked = (await events(analyst.cookie, '&subsystem=console')).rows.filter(
      (e) => e.attrs.operator !== undefined,
    );
    expect(masked.length).toBeGreaterThan(0);
    for (const e of masked) expect(String(e.attrs.operator)).toMatch(/\*\*\*$/);
    expect((await fetch(`${base}/api/admin/overview`, { headers: { cookie: operator.cookie } })).status).toBe(
      403,
    );
  }, 120_000);

  it('keeps random passwords per data directory, and refuses a short MORTAR_DEMO_PASSWORD', async () => {
    delete process.env.MORTAR_DEMO_PASSWORD;
    const config = withDemoSignIn(loadConfig(DEMO_CONFIG, { dataDir: tmp() }));
    const first = await ensureDemoUsers(config);
    expect(first.map((u) => u.name)).toEqual(['admin', 'operator', 'analyst']);
    expect(new Set(first.map((u) => u.password)).size).toBe(3);
    expect(statSync(join(config.dataDir, 'demo-users.json')).mode & 0o777).toBe(0o600);
    expect(await ensureDemoUsers(config)).toEqual(first);
    const store = AccessStore.open(accessStorePath(config));
    try {
      for (const u of first)
        expect(await verifyPassword(store.user(u.name)!.passwordHash!, u.password)).toBe(true);
    } finally {
      store.close();
    }
    // another data directory: other passwords
    const other = await ensureDemoUsers(withDemoSignIn(loadConfig(DEMO_CONFIG, { dataDir: tmp() })));
    expect(other.map((u) => u.password)).not.toEqual(first.map((u) => u.password));
    process.env.MORTAR_DEMO_PASSWORD = 'short';
    await expect(ensureDemoUsers(config)).rejects.toThrow(/MORTAR_DEMO_PASSWORD is too short/);
    delete process.env.MORTAR_DEMO_PASSWORD;
  }, 60_000);
});
