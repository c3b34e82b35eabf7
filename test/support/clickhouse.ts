// Test fixture: private ClickHouse servers as child processes. Each server gets a generated
// config whose data lives in its own temp dir and which listens on free loopback ports only
// (HTTP, native TCP, interserver), so test runs never touch a system server or each other.
// A cluster is several such servers whose configs all name every member in `remote_servers`.
// Debian's 18.16 server is ready in ~0.1-0.3 s, so each test file starts its own.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface ClickHouseServer {
  /** HTTP interface, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly tcpPort: number;
  readonly dir: string;
  /** Milliseconds from spawn until /ping answered. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

export interface ClickHouseCluster {
  readonly name: string;
  readonly servers: readonly ClickHouseServer[];
  stop(): Promise<void>;
}

interface Ports {
  http: number;
  tcp: number;
  interserver: number;
}

/** The server binary: $MORTAR_CLICKHOUSE_SERVER, `clickhouse-server` (Debian), or `clickhouse server`. */
function serverCommand(): [string, string[]] {
  const fromEnv = process.env.MORTAR_CLICKHOUSE_SERVER;
  if (fromEnv) return [fromEnv, []];
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin'];
  const find = (name: string) =>
    dirs
      .map((d) => join(d, name))
      .find((p) => {
        try {
          accessSync(p, constants.X_OK);
          return true;
        } catch {
          return false;
        }
      });
  const debian = find('clickhouse-server');
  if (debian) return [debian, []];
  const single = find('clickhouse');
  if (single) return [single, ['server']];
  throw new Error(
    'ClickHouse is not installed: run scripts/ensure-clickhouse.sh (or set MORTAR_CLICKHOUSE_SERVER)',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function allocatePorts(): Promise<Ports> {
  return { http: await freePort(), tcp: await freePort(), interserver: await freePort() };
}

function remoteServers(cluster: { name: string; members: Ports[] } | undefined): string {
  if (!cluster) return '';
  const shards = cluster.members
    .map((m) => `<shard><replica><host>127.0.0.1</host><port>${m.tcp}</port></replica></shard>`)
    .join('');
  return `<remote_servers><${cluster.name}>${shards}</${cluster.name}></remote_servers>`;
}

function configXml(dir: string, ports: Ports, cluster?: { name: string; members: Ports[] }): string {
  const data = join(dir, 'data');
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${join(dir, 'server.log')}</log><errorlog>${join(dir, 'error.log')}</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${data}/</path>
  <tmp_path>${data}/tmp/</tmp_path>
  <user_files_path>${data}/user_files/</user_files_path>
  <format_schema_path>${data}/format_schemas/</format_schema_path>
  <users_config>${join(dir, 'users.xml')}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <mlock_executable>false</mlock_executable>
  ${remoteServers(cluster)}
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`;

/** The server process ended before answering: most often a port taken since it was allocated. */
class EarlyExit extends Error {}

async function waitReady(url: string, child: ChildProcess, dir: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  while (Date.now() < deadline) {
    if (exited) throw new EarlyExit(`clickhouse-server ${exited} before it was ready; see ${dir}/error.log`);
    try {
      const res = await fetch(`${url}/ping`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`clickhouse-server did not answer ${url}/ping within ${timeoutMs} ms; see ${dir}`);
}

async function launch(ports: Ports, cluster?: { name: string; members: Ports[] }): Promise<ClickHouseServer> {
  const [command, args] = serverCommand();
  const dir = mkdtempSync(join(tmpdir(), 'mortar-ch-'));
  const config = join(dir, 'config.xml');
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  writeFileSync(config, configXml(dir, ports, cluster));
  const started = Date.now();
  const child = spawn(command, [...args, `--config-file=${config}`], { cwd: dir, stdio: 'ignore' });
  const url = `http://127.0.0.1:${ports.http}`;
  // A test process that exits without stop() (process.exit, a crash) must not leave servers behind.
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  try {
    await waitReady(url, child, dir);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const startupMs = Date.now() - started;
  let stopped: Promise<void> | undefined;
  return {
    url,
    tcpPort: ports.tcp,
    dir,
    startupMs,
    stop() {
      stopped ??= (async () => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          // The data is thrown away, so no graceful shutdown (SIGTERM waits ~8 s on 18.16).
          const exit = new Promise<void>((r) => child.once('exit', () => r()));
          child.kill('SIGKILL');
          await exit;
        }
        await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/**
 * A free port is only free until someone binds it: another test file (or any process) may take one
 * between allocatePorts and the server's bind, and the server then exits early ("Address already in
 * use"). Such a start is retried on fresh ports; any other failure is thrown at once.
 */
async function withFreshPorts<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await start();
    } catch (e) {
      if (i >= attempts || !(e instanceof EarlyExit)) throw e;
    }
  }
}

/** One private single-node server. */
export async function startClickHouse(): Promise<ClickHouseServer> {
  return withFreshPorts(async () => launch(await allocatePorts()));
}

/** `shards` private servers that each know the cluster `name` (one replica per shard). */
export function startClickHouseCluster(name = 'mortar_test', shards = 2): Promise<ClickHouseCluster> {
  return withFreshPorts(() => launchCluster(name, shards));
}

async function launchCluster(name: string, shards: number): Promise<ClickHouseCluster> {
  const members: Ports[] = [];
  for (let i = 0; i < shards; i++) members.push(await allocatePorts());
  const started = await Promise.allSettled(members.map((p) => launch(p, { name, members })));
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.stop()));
    throw failed.reason;
  }
  return {
    name,
    servers,
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
