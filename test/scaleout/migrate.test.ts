// `mortar migrate` as a user runs it: a real DuckDB file filled by the demo pipelines from
// simulated logs, moved to a real ClickHouse server and to a real two-shard cluster. Each run is
// SIGKILLed midway (once the target holds some but not all events) and started again: the resumed
// copy must end with exactly the source's rows, each once, identical field by field. The
// installation also has access records (a SQLite file: users, one disabled, tokens, an audit log)
// and a link decision; on the single server their copy is cut short first and finished by the
// CLI, then a `mortar serve` on the moved database takes the old password and token, refuses the
// disabled user and shows the old audit log, in order, followed by the migration's own entry.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseAccessStore } from '../../src/access/clickhouse-access.ts';
import { hashPassword } from '../../src/access/password.ts';
import { AccessStore, type AuditRow } from '../../src/access/store.ts';
import { usersLeftBehind } from '../../src/access/users-left-behind.ts';
import { loadConfig } from '../../src/config/load.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import { LINK_TABLES } from '../../src/process/links/link-tables.ts';
import { simulate } from '../../src/sim/simulate.ts';
import { copyAccess } from '../../src/warehouse/copy/copyAccess.ts';
import {
  type ClickHouseWarehouseOptions,
  openWarehouse,
  type WarehouseOptions,
} from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  type ClickHouseCluster,
  type ClickHouseServer,
  startClickHouse,
  startClickHouseCluster,
} from '../support/clickhouse.ts';
import { DEMO_CONFIG } from '../support/simulated-warehouse.ts';
import { serveOnClickHouse } from './chaos-support.ts';

const BIN = fileURLToPath(new URL('../../bin/mortar.js', import.meta.url));
const PAGE = 10_000;
const ANN_PASSWORD = 'ann-old-password';
/** An access policy saved on the admin page before the move (policy.ts). */
const POLICY_DOC = JSON.stringify({ roles: { ops: { permissions: ['view_cockpit'] } }, masks: [] });

const DECISION = [
  'l-checkout-payments',
  'checkout',
  'payments',
  'keys.order',
  'keys.order',
  'order.placed',
  'payment.taken',
  'accepted',
  1_767_225_600_000_000,
  'ann',
];

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

function mortar(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  const done = new Promise<Awaited<Run['done']>>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

async function chCount(url: string, query: string): Promise<number> {
  try {
    const res = await fetch(`${url}/?query=${encodeURIComponent(query)}`);
    return res.ok ? Number((await res.text()).trim()) : 0;
  } catch {
    return 0;
  }
}

async function allEvents(w: Warehouse) {
  const first = await w.events({ limit: PAGE, offset: 0 });
  expect(first.total).toBeLessThan(PAGE);
  return first.rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function allDeadLetters(w: Warehouse) {
  return (await w.deadLetters({ limit: PAGE, offset: 0 })).rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('mortar migrate: DuckDB -> ClickHouse, interrupted and resumed', () => {
  let dir: string;
  let single: ClickHouseServer;
  let cluster: ClickHouseCluster;
  let sourceOptions: WarehouseOptions;
  let sourceEvents = 0;
  let annToken = '';
  let bobToken = '';
  let sourceAudit: AuditRow[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mortar-migrate-'));
    [single, cluster] = await Promise.all([startClickHouse(), startClickHouseCluster('mig', 2)]);
    await simulate({
      outDir: join(dir, 'sim'),
      seed: 11,
      durationMs: 120_000,
      ratePerSecond: 3,
      corruptRate: 0.02,
      rotateBytes: 64 * 1024,
      start: new Date(Date.parse('2026-02-01T00:00:00Z')),
    });
    const loaded = loadConfig(DEMO_CONFIG, { dataDir: dir });
    const config = { ...loaded, ingest: { ...loaded.ingest, workers: 0 } };
    sourceOptions = { type: 'duckdb', path: join(dir, 'mortar.duckdb') };
    const w = await openWarehouse(sourceOptions);
    const ingest = await startIngest(config, w);
    await waitUntilIdle(ingest);
    await ingest.stop();
    sourceEvents = (await w.counts()).events;
    await w.close();
    // Derived tables (flows, health) in the source, which migrate must name as skipped.
    const reprocess = await mortar(['reprocess', '-c', DEMO_CONFIG, '--data', dir]).done;
    expect(reprocess.code, reprocess.stderr).toBe(0);

    // A link decision, as the Links page stores it on DuckDB.
    const d = await openWarehouse(sourceOptions);
    await d.execute(LINK_TABLES);
    await d.execute([sql`insert into link_decisions values (${sql.list(DECISION)})`]);
    await d.close();

    // Access records as `mortar user` and the server leave them in the SQLite file beside the warehouse.
    const store = AccessStore.open(join(dir, 'access.sqlite'));
    const t0 = Date.parse('2026-01-10T08:00:00Z');
    store.addUser({ name: 'ann', passwordHash: await hashPassword(ANN_PASSWORD), roles: ['admin'] }, t0);
    store.addUser(
      {
        name: 'bob',
        passwordHash: await hashPassword('bob-old-password'),
        roles: ['viewer'],
        attrs: { team: 'ops' },
      },
      t0,
    );
    annToken = store.createToken(
      { user: 'ann', name: 'ci', permissions: ['view_cockpit'], expiresAt: null },
      t0,
    ).token;
    bobToken = store.createToken(
      { user: 'bob', name: 'bob-ci', permissions: ['view_cockpit'], expiresAt: null },
      t0,
    ).token;
    store.updateUser('bob', { disabled: true });
    store.recordFailedLogin('ann', t0 + 500, 5, 60_000);
    store.createSession('ann', Date.now(), 3_600_000);
    store.savePolicy({ version: 1, at: t0 + 100, actor: 'ann', doc: POLICY_DOC });
    // Times tie and step back once: the moved log must keep the file's order, not re-sort by time.
    const entries: [number, string, string, AuditRow['outcome']][] = [
      [t0, 'cli:root', 'user_add', 'ok'],
      [t0, 'cli:root', 'user_add', 'ok'],
      [t0 + 1000, 'cli:root', 'token_create', 'ok'],
      [t0 + 900, 'cli:root', 'user_change', 'ok'],
      [t0 + 2000, 'ann', 'login', 'ok'],
      [t0 + 3000, 'mallory', 'login', 'denied'],
      [t0 + 4000, 'ann', 'user_change', 'ok'],
    ];
    for (const [i, [at, actor, action, outcome]] of entries.entries())
      store.audit({
        at,
        actor,
        action,
        outcome,
        target: i % 2 ? 'bob' : undefined,
        detail: { n: i },
        ip: i === 5 ? '10.0.0.9' : undefined,
      });
    sourceAudit = store.auditLog({ limit: 100 }).reverse();
    store.close();
  }, 120_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await Promise.all([single?.stop(), cluster?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function migrateWithKill(to: string, entry: string, database: string): Promise<string> {
    const args = ['migrate', '-c', DEMO_CONFIG, '--data', dir, '--to', to, '--batch', '100'];
    const first = mortar(args);
    // Kill once the target holds part of the events (polling the target, not timing the child).
    let seen = 0;
    const exited = first.done.then(() => true);
    while (!(await Promise.race([exited, new Promise<false>((r) => setTimeout(() => r(false), 20))]))) {
      seen = await chCount(entry, `select count() from ${database}.events`);
      if (seen > 0) break;
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal, `${killed.stdout}\n${killed.stderr}`).toBe('SIGKILL');
    const partial = await chCount(entry, `select count() from ${database}.events`);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(sourceEvents);
    const second = await mortar(args).done;
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);
    return second.stdout;
  }

  async function expectSameRows(target: ClickHouseWarehouseOptions): Promise<void> {
    const [src, dst] = [await openWarehouse(sourceOptions), await openWarehouse(target)];
    try {
      expect(await dst.counts()).toEqual(await src.counts());
      expect(await allEvents(dst)).toEqual(await allEvents(src));
      expect(await allDeadLetters(dst)).toEqual(await allDeadLetters(src));
      expect(await dst.positions()).toEqual(await src.positions());
      const [dup] = await dst.query(sql`select count() - uniqExact(id) as d from events`);
      expect(Number(dup?.d)).toBe(0);
    } finally {
      await Promise.all([src.close(), dst.close()]);
    }
  }

  it('moves every row to one server exactly once and prints counts and the config block', async () => {
    expect(sourceEvents).toBeGreaterThan(1000);
    const port = new URL(single.url).port;
    const out = await migrateWithKill(`clickhouse://127.0.0.1:${port}/moved`, single.url, 'moved');
    expect(out).toMatch(new RegExp(`events\\s+${sourceEvents}\\s+${sourceEvents}\\n`));
    expect(out).toMatch(/derived tables are not copied: processing rebuilds them/);
    expect(out).toMatch(/skipped: flow_alerts \([1-9]\d*\), flow_hops/);
    const n = sourceAudit.length;
    expect(out).toMatch(
      new RegExp(
        `users\\s+2\\s+2\\s+0\\n\\s+api tokens\\s+2\\s+2\\s+0\\n\\s+audit entries\\s+${n}\\s+${n}\\s+0\\n\\s+policy versions\\s+1\\s+1\\s+0\\n`,
      ),
    );
    expect(out).toContain(
      `warehouse:\n  type: clickhouse\n  url: http://127.0.0.1:${port}\n  database: moved`,
    );
    await expectSameRows({ type: 'clickhouse', url: single.url, database: 'moved' });
  }, 120_000);

  it('moves users, tokens, the audit log and link decisions once, and a server on ClickHouse uses them', async () => {
    const target = { type: 'clickhouse' as const, url: single.url, database: 'access' };
    // A first copy cut short after one page of the audit log (users and tokens are already in).
    const w = await openWarehouse(target);
    try {
      const cut = copyAccess(join(dir, 'access.sqlite'), w, {
        batchRows: 2,
        afterBatch: async () => {
          throw new Error('interrupted');
        },
      });
      await expect(cut).rejects.toThrow('interrupted');
    } finally {
      await w.close();
    }
    const port = new URL(single.url).port;
    const args = [
      'migrate',
      '-c',
      DEMO_CONFIG,
      '--data',
      dir,
      '--to',
      `clickhouse://127.0.0.1:${port}/access`,
    ];
    const run = await mortar(args).done;
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const n = sourceAudit.length;
    expect(run.stdout).toMatch(/users\s+2\s+0\s+2\n/);
    expect(run.stdout).toMatch(/api tokens\s+2\s+0\s+2\n/);
    expect(run.stdout).toMatch(new RegExp(`audit entries\\s+${n}\\s+${n - 2}\\s+2\\n`));
    expect(run.stdout).toMatch(/link decisions\s+1\s+1\s+0\n/);
    expect(run.stdout).toContain('1 sessions not copied: users sign in again');
    expect(run.stdout).toContain('the audit log records this migration');
    expect(run.stdout).not.toMatch(/skipped:.*link_decisions/);

    // Run again: nothing more is stored, not even a second migration entry.
    const again = await mortar(args).done;
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`audit entries\\s+${n}\\s+0\\s+${n}\\n`));
    expect(again.stdout).toMatch(/link decisions\s+1\s+0\s+1\n/);
    expect(again.stdout).toMatch(/policy versions\s+1\s+0\s+1\n/);
    expect(again.stdout).toContain('the audit log already records this migration');

    const moved = await openWarehouse(target);
    try {
      const [audit] = await moved.query(sql`select count() as n, uniqExact(seq) as seqs from access_audit`);
      expect([Number(audit?.n), Number(audit?.seqs)]).toEqual([n + 1, n + 1]);
      const store = new ClickHouseAccessStore(moved);
      expect(await store.policy()).toEqual({
        version: 1,
        at: Date.parse('2026-01-10T08:00:00.100Z'),
        actor: 'ann',
        doc: POLICY_DOC,
      });
      const users = await store.users();
      expect(users.map((u) => [u.name, u.roles, u.attrs, u.disabled, u.failedLogins])).toEqual([
        ['ann', ['admin'], {}, false, 1],
        ['bob', ['viewer'], { team: 'ops' }, true, 0],
      ]);
      const tokens = (await store.tokens()).sort((a, b) => (a.user < b.user ? -1 : 1));
      expect(tokens.map((t) => [t.user, t.name, t.permissions, t.revokedAt !== null])).toEqual([
        ['ann', 'ci', ['view_cockpit'], false],
        ['bob', 'bob-ci', ['view_cockpit'], true],
      ]);
      // What a server on the moved database notes about the SQLite file: no user left behind; one
      // added to (a copy of) it since is named.
      const copy = join(dir, 'access-copy.sqlite');
      copyFileSync(join(dir, 'access.sqlite'), copy);
      expect(await usersLeftBehind(copy, store)).toEqual([]);
      const later = AccessStore.open(copy);
      later.addUser({ name: 'carol', passwordHash: null, roles: ['viewer'] }, Date.now());
      later.close();
      expect(await usersLeftBehind(copy, store)).toEqual(['carol']);
      const decisions = await moved.query(sql`select * from link_decisions`);
      expect(
        decisions.map((r) => Object.values(r).map((v) => (typeof v === 'bigint' ? Number(v) : v))),
      ).toEqual([DECISION]);
    } finally {
      await moved.close();
    }

    // A server on the moved database.
    const { url } = await serveOnClickHouse(dir, 'served', single.url, 'access', cleanups, {
      access: { enabled: true },
    });
    const login = (user: string, password: string) =>
      fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user, password }),
      });
    const me = async (authorization: string) => {
      const res = await fetch(`${url}/api/auth/me`, { headers: { authorization } });
      return [res.status, ((await res.json()) as { user?: string | null }).user];
    };
    const ann = await login('ann', ANN_PASSWORD);
    expect(ann.status, await ann.clone().text()).toBe(200);
    const cookie = ann.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ');
    expect((await login('bob', 'bob-old-password')).status).not.toBe(200);
    expect(await me(`Bearer ${annToken}`)).toEqual([200, 'ann']);
    expect(await me(`Bearer ${bobToken}`)).toEqual([401, undefined]); // revoked when bob was disabled

    const res = await fetch(`${url}/api/audit?limit=100`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const rows = ((await res.json()) as { rows: (AuditRow & { at: string })[] }).rows;
    const at = rows.findIndex((r) => r.action === 'migrate');
    expect(at).toBeGreaterThan(-1);
    // Newer than the migration: this test's own logins; older: the moved log, newest first.
    expect(rows.slice(0, at).every((r) => r.action === 'login')).toBe(true);
    expect(rows[at]).toMatchObject({ actor: expect.stringMatching(/^cli:/), outcome: 'ok' });
    expect(rows[at]!.detail).toMatchObject({ users: 2, tokens: 2, audit_entries: n, link_decisions: 1 });
    const shape = (r: AuditRow | (AuditRow & { at: string })) => ({
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      action: r.action,
      target: r.target,
      outcome: r.outcome,
      detail: r.detail,
      ip: r.ip,
    });
    expect(rows.slice(at + 1).map(shape)).toEqual([...sourceAudit].reverse().map(shape));

    const links = await fetch(`${url}/api/links`, { headers: { cookie } });
    const body = (await links.json()) as { candidates: { id: string; status: string; decidedBy?: string }[] };
    expect(body.candidates.find((c) => c.id === DECISION[0])).toMatchObject({
      status: 'accepted',
      decidedBy: 'ann',
    });
  }, 90_000);

  it('moves every row to a two-shard cluster exactly once', async () => {
    const [a, b] = cluster.servers.map((s) => new URL(s.url).host);
    const to = `http://${a}/moved?cluster=${cluster.name}&shards=${a},${b}`;
    const out = await migrateWithKill(to, cluster.servers[0]!.url, 'moved');
    expect(out).toContain(`cluster: ${cluster.name}\n  shards: [http://${a}, http://${b}]`);
    const n = sourceAudit.length;
    expect(out).toMatch(
      new RegExp(
        `audit entries\\s+${n}\\s+${n}\\s+0\\n\\s+policy versions\\s+1\\s+1\\s+0\\n\\s+link decisions\\s+1\\s+1\\s+0\\n`,
      ),
    );
    await expectSameRows({
      type: 'clickhouse',
      url: cluster.servers[0]!.url,
      database: 'moved',
      cluster: cluster.name,
      shards: cluster.servers.map((s) => s.url),
    });
    // Both shards hold part of the events.
    for (const s of cluster.servers)
      expect(await chCount(s.url, 'select count() from moved.events_local')).toBeGreaterThan(0);
  }, 120_000);
});
