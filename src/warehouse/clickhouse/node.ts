// One ClickHouse server over its HTTP interface (@clickhouse/client, which works against 18.16):
// `sql` trees are compiled with the ClickHouse dialect (values as audited literals), results come
// back as JSONEachRow with 64-bit integers as JSON numbers (Mortar's µs times and offsets are far
// below 2^53). Only settings that 18.16 and current releases both know are sent.
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { UserError } from '../../events/errors.ts';
import { compile } from '../dialect.ts';
import type { Row } from '../engine.ts';
import type { Sql } from '../sql.ts';
import { clickhouseDialect } from './clickhouseDialect.ts';

export interface NodeOptions {
  url: string;
  database: string;
  username?: string;
  password?: string;
}

export interface ClickHouseNode {
  readonly url: string;
  /** Aborting `signal` cancels the HTTP request (and with it the query on the server). */
  query(q: Sql, signal?: AbortSignal): Promise<Row[]>;
  /** A statement without result rows (DDL, INSERT); `text` only for INSERTs built by literal.ts. */
  command(q: Sql | { text: string }): Promise<void>;
  close(): Promise<void>;
}

const SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  // The commit's replay guard sends one `id in (...)` list per chunk of a batch.
  max_query_size: '67108864',
  // A write through a Distributed table returns only once every shard has it.
  insert_distributed_sync: 1,
  // Progress headers keep the connection busy during long queries (no idle-socket hang-ups).
  send_progress_in_http_headers: 1,
  http_headers_progress_interval_ms: '10000',
} as const;

function client(o: NodeOptions, database: string): ClickHouseClient {
  return createClient({
    url: o.url,
    database,
    username: o.username ?? 'default',
    password: o.password ?? '',
    clickhouse_settings: SETTINGS,
    request_timeout: 300_000,
    // Every failure reaches the caller as an error; the client's own log would repeat it.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/** Creates the database when missing, then returns a node bound to it. */
export async function openNode(o: NodeOptions): Promise<ClickHouseNode> {
  const boot = client(o, 'default');
  try {
    const name = clickhouseDialect.quoteId(o.database);
    await boot.command({ query: `create database if not exists ${name}` });
  } catch (error) {
    throw new UserError('config_invalid', `cannot open ClickHouse database ${o.database} at ${o.url}`, [
      {
        where: 'warehouse',
        message: String((error as Error).message ?? error),
        hint: 'check warehouse.url (the HTTP port, 8123 by default), the user and password, and that the server runs',
      },
    ]);
  } finally {
    await boot.close();
  }
  const c = client(o, o.database);
  return {
    url: o.url,
    async query(q, signal) {
      const text = compile(q, clickhouseDialect).text;
      const result = await c.query({
        query: text,
        format: 'JSONEachRow',
        ...(signal ? { abort_signal: signal } : {}),
      });
      return result.json<Row>();
    },
    async command(q) {
      const text = 'text' in q ? q.text : compile(q, clickhouseDialect).text;
      await c.command({ query: text });
    },
    close: () => c.close(),
  };
}
