// Test helpers for agent mode: a real Mortar server (createApp on loopback, real DuckDB file, the
// real access store with an `ingest` API token) that can be taken down and brought back on the same
// port; an agent configuration tailing one real log file; a writer of numbered lines; and the
// exactness check (every line's offset in the warehouse exactly once).
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { AccessControl } from '../../src/access/access-control.ts';
import { accessSettings, accessStorePath } from '../../src/access/settings.ts';
import { AccessStore } from '../../src/access/store.ts';
import { LiveTotals } from '../../src/api/live.ts';
import { createApp } from '../../src/api/server.ts';
import { type Config, loadConfig } from '../../src/config/load.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';

const dirs: string[] = [];

export function tempDir(prefix = 'mortar-agent-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface TestServer {
  url: string;
  port: number;
  /** An API token with permission ingest. */
  token: string;
  warehouse(): Warehouse;
  up(): Promise<void>;
  /** Closes the port and the warehouse (the server is down). */
  down(): Promise<void>;
}

/** A server in `dir/server` with access control on (https with `tls`); it starts up. */
export async function testServer(dir: string, tls?: { key: Buffer; cert: Buffer }): Promise<TestServer> {
  const home = join(dir, 'server');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'mortar.yaml'), 'data_dir: .\naccess: { enabled: true }\n');
  const config = loadConfig(join(home, 'mortar.yaml'));
  const store = AccessStore.open(accessStorePath(config));
  store.addUser({ name: 'shipper', passwordHash: null, roles: ['admin'] }, Date.now());
  const { token } = store.createToken(
    { user: 'shipper', name: 'agent', permissions: ['ingest'], expiresAt: null },
    Date.now(),
  );
  store.close();
  let port = 0;
  let running: Awaited<ReturnType<typeof startServer>> | undefined;
  const server: TestServer = {
    url: '',
    port: 0,
    token,
    warehouse: () => running!.warehouse,
    async up() {
      running = await startServer(config, port, tls);
      port = running.port;
      server.port = port;
      server.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    },
    async down() {
      await running?.close();
      running = undefined;
    },
  };
  await server.up();
  return server;
}

async function startServer(
  config: Config,
  port: number,
  tls?: { key: Buffer; cert: Buffer },
): Promise<{ warehouse: Warehouse; port: number; close: () => Promise<void> }> {
  const warehouse = await openWarehouse({ type: 'duckdb', path: join(config.dataDir, 'mortar.duckdb') });
  await warehouse.migrate();
  const store = AccessStore.open(accessStorePath(config));
  const access = new AccessControl(store, accessSettings(config));
  const app = createApp({
    config,
    warehouse,
    live: await LiveTotals.seed(warehouse),
    version: 'test',
    access,
  });
  const http = serve({
    fetch: app.fetch,
    port,
    hostname: '127.0.0.1',
    ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
  });
  await new Promise((r) => http.once('listening', r));
  return {
    warehouse,
    port: (http.address() as AddressInfo).port,
    async close() {
      if ('closeAllConnections' in http) http.closeAllConnections();
      await new Promise((r) => http.close(r));
      store.close();
      await warehouse.close();
    },
  };
}

export interface AgentYamlOptions {
  servers: string[];
  tokenFile?: string;
  buffer?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

/** An agent configuration in `dir/agent` tailing `dir/agent/app.log`; returns its path. */
export function agentConfig(dir: string, o: AgentYamlOptions): string {
  const home = join(dir, 'agent');
  mkdirSync(home, { recursive: true });
  const file = join(home, 'agent.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      data_dir: '.',
      ingest: { batch_rows: 500, batch_interval: '20ms', workers: 0 },
      pipelines: {
        app: {
          subsystem: 'app',
          source: { type: 'file', include: ['app.log'], poll_interval: '20ms' },
          parsers: [{ type: 'regex', pattern: '^line (?<n>\\d+) (?<pad>.*)$' }],
          map: { message: 'line {n}', keys: { n: '{n}' } },
        },
      },
      agent: {
        id: 'host-1',
        servers: o.servers,
        token_file: o.tokenFile ?? 'agent.token',
        retry_max: '300ms',
        timeout: '10s',
        status: { log_interval: '1h' },
        ...(o.buffer ? { buffer: o.buffer } : {}),
        ...o.extra,
      },
    }),
  );
  return file;
}

/** Appends numbered lines `line N <pad>` to the agent's log; returns the byte offset of each. */
export class LineWriter {
  private offset = 0;
  private n = 0;
  readonly offsets: number[] = [];
  constructor(
    readonly file: string,
    private readonly pad = 'x'.repeat(60),
  ) {
    writeFileSync(file, '');
  }
  write(count: number): void {
    let text = '';
    for (let i = 0; i < count; i++) {
      const line = `line ${++this.n} ${this.pad}\n`;
      this.offsets.push(this.offset);
      this.offset += Buffer.byteLength(line);
      text += line;
    }
    appendFileSync(this.file, text);
  }
  get count(): number {
    return this.n;
  }
}

/** Offsets of the stored events of the agent's pipeline, with how often each is there. */
export async function storedOffsets(
  warehouse: Warehouse,
): Promise<{ offsets: number[]; rows: number; ids: number }> {
  const rows = await warehouse.query(
    sql`select "offset" as o, id from events where pipeline = ${'app'} order by "offset"`,
  );
  return {
    offsets: rows.map((r) => Number(r.o)),
    rows: rows.length,
    ids: new Set(rows.map((r) => String(r.id))).size,
  };
}

export async function waitFor(
  what: string,
  ok: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
