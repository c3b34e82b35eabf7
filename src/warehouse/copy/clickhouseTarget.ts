// Parses the target of `mortar migrate --to`: a ClickHouse address as a URL,
//   clickhouse://host:port/db?cluster=name&shards=host:port,host:port&user=name
// (http:// and https:// are accepted too; clickhouse:// means http://). The port is the HTTP
// interface (8123 by default). A cluster needs every shard's HTTP address, because the schema is
// created on each (there is no ON CLUSTER without ZooKeeper).
import { UserError } from '../../events/errors.ts';
import type { ClickHouseWarehouseOptions } from '../open.ts';

const HINT =
  'e.g. clickhouse://127.0.0.1:8123/mortar or clickhouse://ch-1:8123/mortar?cluster=mortar&shards=ch-1:8123,ch-2:8123';

function bad(message: string): UserError {
  return new UserError('bad_request', `--to: ${message}`, [
    { where: '--to', message: 'not a usable ClickHouse address', hint: HINT },
  ]);
}

function httpUrl(scheme: string, hostPort: string): string {
  const url = new URL(`${scheme}//${hostPort}`);
  if (!url.port) url.port = scheme === 'https:' ? '8443' : '8123';
  return url.origin;
}

/** The warehouse options for `to`; `password` comes from the environment, never the URL. */
export function parseClickHouseTarget(to: string, password?: string): ClickHouseWarehouseOptions {
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    throw bad(`"${to}" is not a URL`);
  }
  const scheme = url.protocol === 'clickhouse:' ? 'http:' : url.protocol;
  if (scheme !== 'http:' && scheme !== 'https:')
    throw bad(`scheme ${url.protocol} is not clickhouse://, http:// or https://`);
  if (url.password) throw bad('put the password in an environment variable (--password-env), not in the URL');
  const database = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, '')) || 'mortar';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database))
    throw bad(`database "${database}" may hold letters, digits and _ only`);
  const known = new Set(['cluster', 'shards', 'user']);
  for (const k of url.searchParams.keys()) if (!known.has(k)) throw bad(`unknown parameter ${k}`);
  const cluster = url.searchParams.get('cluster') ?? undefined;
  const shardList = (url.searchParams.get('shards') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (cluster === undefined && shardList.length > 0) throw bad('shards= needs cluster=');
  if (cluster !== undefined && shardList.length === 0)
    throw bad(`cluster=${cluster} needs shards= (the HTTP host:port of every shard server)`);
  const username =
    url.searchParams.get('user') ?? (url.username ? decodeURIComponent(url.username) : undefined);
  return {
    type: 'clickhouse',
    url: httpUrl(scheme, url.host),
    database,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(cluster !== undefined
      ? { cluster, shards: shardList.map((s) => httpUrl(scheme, s.replace(/^[a-z]+:\/\//, ''))) }
      : {}),
  };
}

/** The `warehouse:` block a configuration needs to use `o` (YAML text). */
export function warehouseYaml(o: ClickHouseWarehouseOptions, passwordEnv?: string): string {
  const lines = ['warehouse:', '  type: clickhouse', `  url: ${o.url}`, `  database: ${o.database}`];
  if (o.username !== undefined) lines.push(`  username: ${o.username}`);
  if (passwordEnv !== undefined) lines.push(`  password_env: ${passwordEnv}`);
  if (o.cluster !== undefined) {
    lines.push(`  cluster: ${o.cluster}`, `  shards: [${(o.shards ?? []).join(', ')}]`);
  }
  return lines.join('\n');
}
