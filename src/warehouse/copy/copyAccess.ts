// `mortar migrate`'s copy of the access records: the embedded installation's SQLite file
// (access/store.ts) into the ClickHouse warehouse's access tables (clickhouse/accessSchema.ts),
// so users keep their passwords, roles and lockouts, API tokens keep working and the audit log
// keeps its history. Sessions stay behind: users sign in again.
//
// Resumable like the rest of the copy, by being idempotent rather than by a progress record: a
// user or token already in the target is left as it is (a rerun skips it; one made on ClickHouse
// meanwhile is not overwritten), and each row is written after the rows that belong to it (a
// user's failed-login counter before the user, a token's last use before the token), so a present
// key means a complete one. Audit entries get deterministic sequence numbers in the source's
// order, near their time (ms × 1000, +1 where times tie or step back), so a rerun finds the ones
// already there and the log reads in the same order, before anything written after the move.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { StoredPolicy } from '../../access/policy.ts';
import type { RawToken, RawUser } from '../../access/store.ts';
import { ACCESS_LOGIN_FAILURES, ACCESS_TOKENS, ACCESS_USERS } from '../clickhouse/accessSchema.ts';
import { type DerivedTable, nextVersion } from '../clickhouse/derivedTables.ts';
import { type SqlValue, sql } from '../sql.ts';
import type { Warehouse } from '../warehouse.ts';

/** Rows of one kind: in the source, written by this run, and found already in the target. */
export interface MovedCount {
  source: number;
  copied: number;
  kept: number;
}

export interface AccessCopyResult {
  users: MovedCount;
  tokens: MovedCount;
  audit: MovedCount;
  /** Versions of the access policy saved on the admin page (policy.ts). */
  policy: MovedCount;
  /** Sessions still valid in the source, not copied (users sign in again). */
  sessionsLeft: number;
  /** The source's last audit sequence number (0: empty log): which state of the log was moved. */
  throughSeq: number;
  /** The target sequence number of the last moved entry (0: none). */
  lastTargetSeq: number;
}

export interface AccessCopyOptions {
  batchRows?: number;
  now?: number;
  /** Test hook: called after each audit batch is written. */
  afterBatch?: () => Promise<void>;
}

const logOf = (t: DerivedTable) => sql.id(`${t.name}_log`);

/** One insert of `rows` (values in `t`'s column order) as new live versions of their keys. */
function putRows(t: DerivedTable, rows: SqlValue[][]) {
  const version = nextVersion();
  const cols = [...t.columns.map(([n]) => sql.id(n)), sql.id('_version'), sql.id('_deleted')];
  return sql`insert into ${logOf(t)} (${sql.join(cols)})
    values ${sql.join(rows.map((r) => sql`(${sql.list([...r, version, 0])})`))}`;
}

async function liveKeys(
  target: Warehouse,
  t: DerivedTable,
  key: string,
  keys: string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await target.query(
    sql`select ${sql.id(key)} as k from ${logOf(t)} final
      where ${sql.id(key)} in (${sql.list(keys)}) and _deleted = 0`,
  );
  return new Set(rows.map((r) => String(r.k)));
}

interface RawAudit {
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  detail: string;
  ip: string | null;
}

/**
 * Copies the access store at `path` into `target` (a ClickHouse warehouse). Undefined when there
 * is no file (the installation never had access control on).
 */
export async function copyAccess(
  path: string,
  target: Warehouse,
  o: AccessCopyOptions = {},
): Promise<AccessCopyResult | undefined> {
  if (target.dialect !== 'clickhouse') throw new Error('copyAccess writes to a ClickHouse warehouse');
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const empty: AccessCopyResult = {
      users: { source: 0, copied: 0, kept: 0 },
      tokens: { source: 0, copied: 0, kept: 0 },
      audit: { source: 0, copied: 0, kept: 0 },
      policy: { source: 0, copied: 0, kept: 0 },
      sessionsLeft: 0,
      throughSeq: 0,
      lastTargetSeq: 0,
    };
    // A file whose schema was never created holds nothing.
    if ((db.pragma('user_version', { simple: true }) as number) < 1) return empty;
    const now = o.now ?? Date.now();
    const users = await copyUsers(db, target);
    const tokens = await copyTokens(db, target);
    const policy = await copyPolicy(db, target);
    const audit = await copyAudit(db, target, o.batchRows ?? 1_000, o.afterBatch);
    const sessionsLeft = (
      db.prepare('SELECT count(*) AS n FROM sessions WHERE expires_at > ?').get(now) as { n: number }
    ).n;
    return { users, tokens, policy, ...audit, sessionsLeft };
  } finally {
    db.close();
  }
}

/** The policy log's versions the target lacks (an older store has no such table: nothing to move). */
async function copyPolicy(db: Database.Database, target: Warehouse): Promise<MovedCount> {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'policy'").get();
  const all = table
    ? (db.prepare('SELECT version, at, actor, doc FROM policy ORDER BY version').all() as StoredPolicy[])
    : [];
  if (all.length === 0) return { source: 0, copied: 0, kept: 0 };
  const present = new Set(
    (await target.query(sql`select distinct version from access_policy`)).map((r) => Number(r.version)),
  );
  const missing = all.filter((p) => !present.has(p.version));
  if (missing.length)
    await target.execute([
      sql`insert into access_policy (version, at, actor, doc)
        values ${sql.join(missing.map((p) => sql`(${sql.list([p.version, p.at, p.actor, p.doc])})`))}`,
    ]);
  return { source: all.length, copied: missing.length, kept: all.length - missing.length };
}

async function copyUsers(db: Database.Database, target: Warehouse): Promise<MovedCount> {
  const all = db.prepare('SELECT * FROM users ORDER BY name').all() as RawUser[];
  const present = await liveKeys(
    target,
    ACCESS_USERS,
    'name',
    all.map((u) => u.name),
  );
  const missing = all.filter((u) => !present.has(u.name));
  // The counter first: a user row in the target means its counter is there too.
  const failures = missing.filter((u) => u.failed_logins !== 0 || u.locked_until !== 0);
  const statements = [];
  if (failures.length > 0)
    statements.push(
      putRows(
        ACCESS_LOGIN_FAILURES,
        failures.map((u) => [u.name, u.failed_logins, u.locked_until]),
      ),
    );
  if (missing.length > 0)
    statements.push(
      putRows(
        ACCESS_USERS,
        missing.map((u) => [u.name, u.password_hash, u.roles, u.attrs, u.disabled ? 1 : 0, u.created_at]),
      ),
    );
  for (const s of statements) await target.execute([s]);
  return { source: all.length, copied: missing.length, kept: all.length - missing.length };
}

async function copyTokens(db: Database.Database, target: Warehouse): Promise<MovedCount> {
  const all = db.prepare('SELECT * FROM tokens ORDER BY created_at, id').all() as RawToken[];
  const present = await liveKeys(
    target,
    ACCESS_TOKENS,
    'id',
    all.map((t) => t.id),
  );
  const missing = all.filter((t) => !present.has(t.id));
  // Last uses first (skipping any a cut-short run already wrote), then the token rows.
  const used = missing.filter((t) => t.last_used_at !== null);
  if (used.length > 0) {
    const written = new Set(
      (
        await target.query(
          sql`select id, at from access_token_uses where id in (${sql.list(used.map((t) => t.id))})`,
        )
      ).map((r) => `${String(r.id)}/${Number(r.at)}`),
    );
    const uses = used.filter((t) => !written.has(`${t.id}/${t.last_used_at}`));
    if (uses.length > 0)
      await target.execute([
        sql`insert into access_token_uses (id, at)
          values ${sql.join(uses.map((t) => sql`(${sql.list([t.id, t.last_used_at])})`))}`,
      ]);
  }
  if (missing.length > 0)
    await target.execute([
      putRows(
        ACCESS_TOKENS,
        missing.map((t) => [
          t.id,
          t.user,
          t.name,
          t.secret_hash,
          t.permissions,
          t.created_at,
          t.expires_at,
          t.revoked_at,
        ]),
      ),
    ]);
  return { source: all.length, copied: missing.length, kept: all.length - missing.length };
}

async function copyAudit(
  db: Database.Database,
  target: Warehouse,
  batch: number,
  afterBatch: (() => Promise<void>) | undefined,
): Promise<{ audit: MovedCount; throughSeq: number; lastTargetSeq: number }> {
  const counts: MovedCount = { source: 0, copied: 0, kept: 0 };
  let throughSeq = 0;
  let last = 0;
  const page = db.prepare('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?');
  for (;;) {
    const rows = page.all(throughSeq, batch) as RawAudit[];
    if (rows.length === 0) break;
    // Deterministic target numbers: the same source prefix always maps to the same numbers.
    const mapped = rows.map((r) => {
      last = Math.max(r.at * 1000, last + 1);
      return { seq: last, r };
    });
    const lo = mapped[0]!.seq;
    const hi = mapped[mapped.length - 1]!.seq;
    const have = new Set(
      (
        await target.query(
          sql`select seq, at, actor, action from access_audit where seq >= ${lo} and seq <= ${hi}`,
        )
      ).map((x) => `${Number(x.seq)}/${Number(x.at)}/${String(x.actor)}/${String(x.action)}`),
    );
    const missing = mapped.filter((m) => !have.has(`${m.seq}/${m.r.at}/${m.r.actor}/${m.r.action}`));
    if (missing.length > 0)
      await target.execute([
        sql`insert into access_audit (seq, at, actor, action, target, outcome, detail, ip)
          values ${sql.join(
            missing.map(
              ({ seq, r }) =>
                sql`(${sql.list([seq, r.at, r.actor, r.action, r.target, r.outcome, r.detail, r.ip])})`,
            ),
          )}`,
      ]);
    counts.source += rows.length;
    counts.copied += missing.length;
    counts.kept += rows.length - missing.length;
    throughSeq = rows[rows.length - 1]!.seq;
    await afterBatch?.();
  }
  return { audit: counts, throughSeq, lastTargetSeq: last };
}

/** What `recordMigration` writes into the target's audit log. */
export interface MigrationEntry {
  actor: string;
  /** The moved installation (its DuckDB file). */
  source: string;
  at: number;
  /** The source audit log's last sequence number that was moved. */
  throughSeq: number;
  /** Sequence number of the last moved entry: the record goes after it. */
  afterSeq: number;
  detail: Record<string, unknown>;
}

/**
 * Appends one `migrate` entry to the target's audit log, unless one for the same source and the
 * same state of its log is there already (a rerun after a complete move records nothing more).
 * True when it wrote one.
 */
export async function recordMigration(target: Warehouse, e: MigrationEntry): Promise<boolean> {
  const earlier = await target.query(
    sql`select detail from access_audit where action = 'migrate' and target = ${e.source}`,
  );
  const done = earlier.some((r) => {
    try {
      return (JSON.parse(String(r.detail)) as { through_seq?: unknown }).through_seq === e.throughSeq;
    } catch {
      return false;
    }
  });
  if (done) return false;
  const seq = Math.max(e.at * 1000, e.afterSeq + 1);
  const detail = JSON.stringify({ ...e.detail, through_seq: e.throughSeq });
  await target.execute([
    sql`insert into access_audit (seq, at, actor, action, target, outcome, detail, ip)
      values (${seq}, ${e.at}, ${e.actor}, 'migrate', ${e.source}, 'ok', ${detail}, ${null})`,
  ]);
  return true;
}
