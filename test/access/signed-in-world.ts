// Shared fixture of the access quality-bar suites: a small simulated world in a real DuckDB file,
// the HTTP app with access control on (real SQLite store, argon2id passwords), users with given
// roles, and a browser-like client that signs in over HTTP and keeps its cookies.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { expect } from 'vitest';
import { AccessControl } from '../../src/access/access-control.ts';
import { hashPassword } from '../../src/access/password.ts';
import { accessSettings } from '../../src/access/settings.ts';
import { AccessStore } from '../../src/access/store.ts';
import { LiveTotals } from '../../src/api/live.ts';
import { createApp } from '../../src/api/server.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Ingest } from '../../src/pipeline/ingest.ts';
import { type ReportWorld, reportWorld } from '../reports/fixture.ts';

export const PASSWORD = 'a-long-password';

export interface AccessWorld {
  w: ReportWorld;
  app: Hono;
  store: AccessStore;
  access: AccessControl;
  /** A fresh client signed in as `user` (asserts the login succeeded). */
  as(user: string): Promise<Client>;
  close(): Promise<void>;
}

/** A browser-like client over app.request: keeps cookies, sends the CSRF header unless told not to. */
export class Client {
  cookies = new Map<string, string>();
  constructor(
    readonly app: Hono,
    readonly opts: { csrf?: boolean; address?: string; headers?: Record<string, string> } = {},
  ) {}
  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...this.opts.headers, ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.opts.csrf !== false && this.cookies.has('mortar_csrf'))
      h['x-csrf-token'] = this.cookies.get('mortar_csrf')!;
    if (body !== undefined) h['content-type'] = 'application/json';
    const env = { incoming: { socket: { remoteAddress: this.opts.address ?? '127.0.0.1' } } };
    const res = await this.app.request(
      path,
      { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) },
      env,
    );
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const k = pair!.slice(0, i);
      const v = pair!.slice(i + 1);
      if (v === '' || /max-age=0/i.test(c)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    return res;
  }
  get(path: string, headers?: Record<string, string>) {
    return this.req('GET', path, undefined, headers);
  }
  async json<T>(path: string, status = 200): Promise<T> {
    const r = await this.get(path);
    const text = await r.text();
    expect(r.status, `${path}: ${text.slice(0, 300)}`).toBe(status);
    return JSON.parse(text) as T;
  }
  login(user: string, password = PASSWORD) {
    return this.req('POST', '/api/auth/login', { user, password });
  }
}

/**
 * A world with access control on. `rolesYaml` is the YAML body of access.roles (indented by 4);
 * `users` maps a name to its roles and attributes.
 */
export async function accessWorld(
  prefix: string,
  rolesYaml: string,
  users: Record<string, { roles: string[]; attrs?: Record<string, string> }>,
  extra = '',
  /** The ingest whose counters the app shows; default: the world's first (finished) ingest. */
  ingestOf?: (w: ReportWorld) => Promise<Ingest>,
): Promise<AccessWorld> {
  const w = await reportWorld(prefix, { durationMs: 3 * 60_000 });
  const ingest = ingestOf ? await ingestOf(w) : w.sim.ingest;
  const dir = mkdtempSync(join(tmpdir(), `${prefix}cfg-`));
  writeFileSync(
    join(dir, 'mortar.yaml'),
    `data_dir: ${dir}\naccess:\n  enabled: true\n${extra}  roles:\n${rolesYaml}`,
  );
  const settings = accessSettings(loadConfig(join(dir, 'mortar.yaml')));
  const store = AccessStore.open(join(dir, 'access.sqlite'));
  const hash = await hashPassword(PASSWORD);
  for (const [name, u] of Object.entries(users))
    store.addUser({ name, passwordHash: hash, roles: u.roles, attrs: u.attrs ?? {} }, Date.now());
  const access = new AccessControl(store, settings);
  const app = createApp({
    config: w.sim.config,
    warehouse: w.sim.warehouse,
    ingest,
    live: await LiveTotals.seed(w.sim.warehouse),
    liveIntervalMs: 50,
    flows: w.flows,
    version: 'test',
    access,
  });
  return {
    w,
    app,
    store,
    access,
    async as(user) {
      const c = new Client(app);
      const r = await c.login(user);
      expect(r.status, `login ${user}: ${await r.clone().text()}`).toBe(200);
      return c;
    },
    async close() {
      store.close();
      await w.sim.warehouse.close();
    },
  };
}
