// The access store's tables on ClickHouse (src/access/clickhouse-access.ts): users, sessions, API
// tokens, failed-login counters and pending OIDC sign-ins are mutable rows, so each is a versioned
// log behind a view like the derived tables (derivedTables.ts); the audit log is append-only, a
// plain MergeTree that nothing in Mortar ever updates or deletes from, and so are token uses.
// Secrets are never stored: session ids and token secrets as SHA-256, passwords as argon2id.
import { type Sql, sql } from '../sql.ts';
import type { DerivedTable } from './derivedTables.ts';
import { derivedTableDdl } from './derivedTables.ts';
import { type ClickHouseLayout, localName } from './migrations.ts';

export const ACCESS_USERS: DerivedTable = {
  name: 'access_users',
  columns: [
    ['name', sql`String`],
    ['password_hash', sql`Nullable(String)`],
    ['roles', sql`String`],
    ['attrs', sql`String`],
    ['disabled', sql`UInt8`],
    ['created_at', sql`Int64`],
  ],
  key: ['name'],
};

/** Kept apart from the user row so a failed login never rewrites (and races with) an admin's change. */
export const ACCESS_LOGIN_FAILURES: DerivedTable = {
  name: 'access_login_failures',
  columns: [
    ['user', sql`String`],
    ['failed', sql`Int64`],
    ['locked_until', sql`Int64`],
  ],
  key: ['user'],
};

export const ACCESS_SESSIONS: DerivedTable = {
  name: 'access_sessions',
  columns: [
    ['id_hash', sql`String`],
    ['user', sql`String`],
    ['csrf', sql`String`],
    ['created_at', sql`Int64`],
    ['expires_at', sql`Int64`],
    ['view_as', sql`Nullable(String)`],
  ],
  key: ['id_hash'],
};

/**
 * How an OIDC-born session began, for single logout: a row per such session (none for password
 * sessions) holding the provider's ID token, the id_token_hint of the provider logout. A table of
 * its own, not columns of access_sessions, because 18.16 has no `add column if not exists`: a
 * half-applied ALTER would not re-run, while `create table if not exists` does. Removed (the token
 * blanked in the tombstone) with its session.
 */
export const ACCESS_SESSION_OIDC: DerivedTable = {
  name: 'access_session_oidc',
  columns: [
    ['id_hash', sql`String`],
    ['id_token', sql`Nullable(String)`],
  ],
  key: ['id_hash'],
};

export const ACCESS_TOKENS: DerivedTable = {
  name: 'access_tokens',
  columns: [
    ['id', sql`String`],
    ['user', sql`String`],
    ['name', sql`String`],
    ['secret_hash', sql`String`],
    ['permissions', sql`String`],
    ['created_at', sql`Int64`],
    ['expires_at', sql`Nullable(Int64)`],
    ['revoked_at', sql`Nullable(Int64)`],
  ],
  key: ['id'],
};

export const ACCESS_OIDC_PENDING: DerivedTable = {
  name: 'access_oidc_pending',
  columns: [
    ['state', sql`String`],
    ['verifier', sql`String`],
    ['nonce', sql`String`],
    ['at', sql`Int64`],
  ],
  key: ['state'],
};

export const ACCESS_DERIVED: readonly DerivedTable[] = [
  ACCESS_USERS,
  ACCESS_LOGIN_FAILURES,
  ACCESS_SESSIONS,
  ACCESS_TOKENS,
  ACCESS_OIDC_PENDING,
];

/** An append-only MergeTree (local + Distributed on a cluster, spread at random: no key to keep together). */
function appendOnly(layout: ClickHouseLayout, name: string, columns: Sql, orderBy: Sql): Sql[] {
  const local = localName(layout, name);
  const out = [
    sql`create table if not exists ${sql.id(local)} (${columns}) engine = MergeTree order by (${orderBy})`,
  ];
  if (layout.cluster)
    out.push(sql`create table if not exists ${sql.id(name)} as ${sql.id(local)}
      engine = Distributed(${layout.cluster}, ${layout.database}, ${local}, rand())`);
  return out;
}

export function accessTablesDdl(layout: ClickHouseLayout): Sql[] {
  return [
    ...ACCESS_DERIVED.flatMap((t) => derivedTableDdl(layout, t)),
    ...appendOnly(
      layout,
      'access_audit',
      sql`seq Int64, at Int64, actor String, action String, target Nullable(String), outcome String,
        detail String, ip Nullable(String)`,
      sql`seq`,
    ),
    // When a token was last used: one row per token and minute of use (the last wins when read).
    ...appendOnly(layout, 'access_token_uses', sql`id String, at Int64`, sql`id, at`),
  ];
}

/**
 * The access policy as saved on the admin page (src/access/policy.ts): append-only versions, the
 * newest in force on every server. Its own migration, after the other access tables.
 */
export function accessPolicyDdl(layout: ClickHouseLayout): Sql[] {
  return appendOnly(
    layout,
    'access_policy',
    sql`version Int64, at Int64, actor String, doc Nullable(String)`,
    sql`version`,
  );
}
