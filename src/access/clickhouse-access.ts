// The access records in the ClickHouse warehouse, shared by every `mortar serve` on it: a session
// started on one server is valid on all, and a logout, password change or disabled account ends it
// on all at once, because nothing is cached: each request reads the session (and its user) from
// the warehouse. Tables: src/warehouse/clickhouse/accessSchema.ts.
//
// ClickHouse has no transactions or UPDATE: a change is a new version of the row in its log (read
// back with FINAL), a removal a tombstone. A key's new version is always above its stored one
// (greatest of this server's µs clock and the stored version + 1), so a logout on a server whose
// clock is behind still ends a session made on another. Two changes of one row at the same moment
// from two servers: the later version wins and the other is lost (admin edits are rare; a token's
// revocation never competes with its use, which is recorded in a separate append-only table).
import { createHash, randomBytes, randomInt } from 'node:crypto';
import {
  ACCESS_LOGIN_FAILURES,
  ACCESS_OIDC_PENDING,
  ACCESS_SESSION_OIDC,
  ACCESS_SESSIONS,
  ACCESS_TOKENS,
  ACCESS_USERS,
} from '../warehouse/clickhouse/accessSchema.ts';
import { type DerivedTable, nextVersion } from '../warehouse/clickhouse/derivedTables.ts';
import type { Row } from '../warehouse/engine.ts';
import { type Sql, type SqlValue, sql } from '../warehouse/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { AccessBackend, UserChange } from './access-backend.ts';
import type { PendingSignIn } from './oidc.ts';
import type { Permission } from './permissions.ts';
import type { StoredPolicy } from './policy.ts';
import type {
  AuditEntry,
  AuditRow,
  EndedSession,
  OidcSession,
  SessionRow,
  TokenRow,
  UserRow,
} from './store.ts';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const secret = (bytes: number): string => randomBytes(bytes).toString('base64url');
const TOKEN = /^mortar_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** A token's last use is written at most this often per server (one insert per request would flood the log). */
const USE_EVERY_MS = 60_000;

const logOf = (t: DerivedTable) => sql.id(`${t.name}_log`);
const columnIds = (t: DerivedTable) => t.columns.map(([n]) => sql.id(n));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const NO_ID_TOKEN = { id_token: sql`cast(null as Nullable(String))` };

let lastSeq = 0;

export class ClickHouseAccessStore implements AccessBackend {
  private readonly usesWritten = new Map<string, number>();

  constructor(private readonly w: Warehouse) {}

  async close(): Promise<void> {}

  // --- versioned rows ---

  /** A version above both this server's last and the key's stored one. */
  private version(stored: unknown): number {
    return Math.max(nextVersion(), (num(stored) ?? 0) + 1);
  }

  /** Inserts one row (values in the table's column order) as a new version of its key. */
  private async put(t: DerivedTable, values: SqlValue[], version: number): Promise<void> {
    await this.w.execute([
      sql`insert into ${logOf(t)} (${sql.join([...columnIds(t), sql.id('_version'), sql.id('_deleted')])})
        values (${sql.list(values)}, ${version}, 0)`,
    ]);
  }

  /** The live rows of `t` matching `where`, read from the log (so its key index serves point reads), with `_version`. */
  private rows(t: DerivedTable, where: Sql): Promise<Row[]> {
    return this.w.query(
      sql`select ${sql.join([...columnIds(t), sql.id('_version')])} from ${logOf(t)} final
        where ${where} and _deleted = 0`,
    );
  }

  /**
   * Rewrites the live rows of `t` matching `where` in one statement: `set` gives replacement
   * expressions for some columns; `remove` writes tombstones instead.
   */
  private rewrite(t: DerivedTable, where: Sql, o: { set?: Record<string, Sql>; remove?: boolean }): Sql {
    const v = nextVersion();
    const values = t.columns.map(([n]) => o.set?.[n] ?? sql.id(n));
    return sql`insert into ${logOf(t)} (${sql.join([...columnIds(t), sql.id('_version'), sql.id('_deleted')])})
      select ${sql.join(values)}, greatest(toUInt64(${v}), _version + 1), ${o.remove ? 1 : 0}
      from ${logOf(t)} final where ${where} and _deleted = 0`;
  }

  // --- users ---

  async addUser(
    u: { name: string; passwordHash: string | null; roles: string[]; attrs?: Record<string, string> },
    now: number,
  ): Promise<boolean> {
    // Two servers adding one name at the same instant both succeed and the later row wins.
    const [cur] = await this.rows(ACCESS_USERS, sql`name = ${u.name}`);
    if (cur) return false;
    await this.put(
      ACCESS_USERS,
      [u.name, u.passwordHash, JSON.stringify(u.roles), JSON.stringify(u.attrs ?? {}), 0, now],
      nextVersion(),
    );
    return true;
  }

  async user(name: string): Promise<UserRow | undefined> {
    const [[u], [f]] = await Promise.all([
      this.rows(ACCESS_USERS, sql`name = ${name}`),
      this.rows(ACCESS_LOGIN_FAILURES, sql`${sql.id('user')} = ${name}`),
    ]);
    return u && toUser(u, f);
  }

  async users(): Promise<UserRow[]> {
    const [us, fs] = await Promise.all([
      this.w.query(sql`select * from ${sql.id(ACCESS_USERS.name)} order by name`),
      this.w.query(sql`select * from ${sql.id(ACCESS_LOGIN_FAILURES.name)}`),
    ]);
    const failures = new Map(fs.map((f) => [String(f.user), f]));
    return us.map((u) => toUser(u, failures.get(String(u.name))));
  }

  async updateUser(name: string, change: UserChange): Promise<boolean> {
    const [cur] = await this.rows(ACCESS_USERS, sql`name = ${name}`);
    if (!cur) return false;
    const u = toUser(cur, undefined);
    await this.put(
      ACCESS_USERS,
      [
        name,
        change.passwordHash ?? u.passwordHash,
        JSON.stringify(change.roles ?? u.roles),
        JSON.stringify(change.attrs ?? u.attrs),
        (change.disabled ?? u.disabled) ? 1 : 0,
        u.createdAt,
      ],
      this.version(cur._version),
    );
    // A new password or a disabled account ends every session of that user, on every server.
    const after: Sql[] = [];
    if (change.passwordHash !== undefined || change.disabled) {
      // The sessions' ID tokens first (found through the sessions, still live then).
      const live = sql`id_hash global in (select id_hash from ${logOf(ACCESS_SESSIONS)} final
        where ${sql.id('user')} = ${name} and _deleted = 0)`;
      after.push(this.rewrite(ACCESS_SESSION_OIDC, live, { remove: true, set: NO_ID_TOKEN }));
      after.push(this.rewrite(ACCESS_SESSIONS, sql`${sql.id('user')} = ${name}`, { remove: true }));
    }
    if (change.disabled)
      after.push(
        this.rewrite(ACCESS_TOKENS, sql`${sql.id('user')} = ${name} and revoked_at is null`, {
          set: { revoked_at: sql`toNullable(toInt64(${Date.now()}))` },
        }),
      );
    if (after.length) await this.w.execute(after);
    return true;
  }

  // Servers share the counter but do not lock it: two servers counting failures of one user at the
  // same instant may each count from the same old value, so a race can allow a couple of attempts
  // beyond `attempts` before the lock. (Each server's per-address rate limit still applies.)
  async recordFailedLogin(
    name: string,
    now: number,
    attempts: number,
    lockMs: number,
  ): Promise<{ lockedUntil: number }> {
    const [[u], [f]] = await Promise.all([
      this.rows(ACCESS_USERS, sql`name = ${name}`),
      this.rows(ACCESS_LOGIN_FAILURES, sql`${sql.id('user')} = ${name}`),
    ]);
    if (!u) return { lockedUntil: 0 };
    const failed = (num(f?.failed) ?? 0) + 1;
    const lockedUntil = failed >= attempts ? now + lockMs : (num(f?.locked_until) ?? 0);
    await this.put(
      ACCESS_LOGIN_FAILURES,
      [name, failed >= attempts ? 0 : failed, lockedUntil],
      this.version(f?._version),
    );
    return { lockedUntil };
  }

  async resetFailedLogins(name: string): Promise<void> {
    const [f] = await this.rows(ACCESS_LOGIN_FAILURES, sql`${sql.id('user')} = ${name}`);
    // Most logins follow no failure: nothing to write then.
    if (!f || (num(f.failed) === 0 && num(f.locked_until) === 0)) return;
    await this.put(ACCESS_LOGIN_FAILURES, [name, 0, 0], this.version(f._version));
  }

  // --- sessions ---

  async createSession(
    user: string,
    now: number,
    ttlMs: number,
    viewAs: string | null = null,
    oidc?: { idToken: string | null },
  ): Promise<{ token: string; csrf: string; expiresAt: number }> {
    const token = secret(32);
    const csrf = secret(24);
    const expiresAt = now + ttlMs;
    // How it began before the session itself: a session never exists without it.
    if (oidc) await this.put(ACCESS_SESSION_OIDC, [sha256(token), oidc.idToken], nextVersion());
    await this.put(ACCESS_SESSIONS, [sha256(token), user, csrf, now, expiresAt, viewAs], nextVersion());
    return { token, csrf, expiresAt };
  }

  async session(token: string, now: number): Promise<SessionRow | undefined> {
    const [r] = await this.rows(ACCESS_SESSIONS, sql`id_hash = ${sha256(token)}`);
    // An expired row is left in place (no write per request); it never counts again.
    if (!r || Number(r.expires_at) <= now) return undefined;
    return {
      user: String(r.user),
      csrf: String(r.csrf),
      createdAt: Number(r.created_at),
      expiresAt: Number(r.expires_at),
      viewAs: str(r.view_as),
    };
  }

  async deleteSession(token: string): Promise<EndedSession | undefined> {
    const key = sql`id_hash = ${sha256(token)}`;
    const [[s], [o]] = await Promise.all([
      this.rows(ACCESS_SESSIONS, key),
      this.rows(ACCESS_SESSION_OIDC, key),
    ]);
    // The tombstone blanks the ID token; the row that held it is gone at the log's next merge.
    await this.w.execute([
      this.rewrite(ACCESS_SESSION_OIDC, key, { remove: true, set: NO_ID_TOKEN }),
      this.rewrite(ACCESS_SESSIONS, key, { remove: true }),
    ]);
    if (!s) return undefined;
    return o ? { method: 'oidc', idToken: str(o.id_token) } : { method: 'password', idToken: null };
  }

  // --- API tokens ---

  async createToken(
    t: { user: string; name: string; permissions: Permission[]; expiresAt: number | null },
    now: number,
  ): Promise<{ id: string; token: string }> {
    const id = randomBytes(6).toString('hex');
    const s = secret(32);
    await this.put(
      ACCESS_TOKENS,
      [id, t.user, t.name, sha256(s), JSON.stringify(t.permissions), now, t.expiresAt, null],
      nextVersion(),
    );
    return { id, token: `mortar_${id}_${s}` };
  }

  async validToken(presented: string, now: number): Promise<TokenRow | undefined> {
    const m = TOKEN.exec(presented);
    if (!m) return undefined;
    const [r] = await this.rows(ACCESS_TOKENS, sql`id = ${m[1]!}`);
    if (!r || r.secret_hash !== sha256(m[2]!)) return undefined;
    const t = toToken(r, null);
    if (t.revokedAt !== null || (t.expiresAt !== null && t.expiresAt <= now)) return undefined;
    if ((this.usesWritten.get(t.id) ?? 0) <= now - USE_EVERY_MS) {
      this.usesWritten.set(t.id, now);
      if (this.usesWritten.size > 10_000) this.usesWritten.delete(this.usesWritten.keys().next().value!);
      await this.w.execute([sql`insert into access_token_uses (id, at) values (${t.id}, ${now})`]);
    }
    return { ...t, lastUsedAt: now };
  }

  async tokens(user?: string): Promise<TokenRow[]> {
    const [rows, uses] = await Promise.all([
      this.w.query(
        sql`select * from ${sql.id(ACCESS_TOKENS.name)}
          ${user === undefined ? sql.empty : sql`where ${sql.id('user')} = ${user}`} order by created_at`,
      ),
      this.w.query(sql`select id, max(at) as last from access_token_uses group by id`),
    ]);
    const last = new Map(uses.map((u) => [String(u.id), Number(u.last)]));
    return rows.map((r) => toToken(r, last.get(String(r.id)) ?? null));
  }

  async revokeToken(id: string, now: number, user?: string): Promise<boolean> {
    const [r] = await this.rows(ACCESS_TOKENS, sql`id = ${id}`);
    if (!r || r.revoked_at !== null || (user !== undefined && r.user !== user)) return false;
    await this.w.execute([
      this.rewrite(ACCESS_TOKENS, sql`id = ${id}`, { set: { revoked_at: sql`toNullable(toInt64(${now}))` } }),
    ]);
    return true;
  }

  // --- audit: appended, never changed ---

  /**
   * The entry's sequence number: its time in ms × 1000 plus a random part (monotonic within this
   * server), so numbers from several servers interleave by time and rarely collide; `before`
   * paging relies on them.
   */
  private nextSeq(): number {
    lastSeq = Math.max(Date.now() * 1000 + randomInt(1000), lastSeq + 1);
    return lastSeq;
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.w.execute([
      sql`insert into access_audit (seq, at, actor, action, target, outcome, detail, ip)
        values (${this.nextSeq()}, ${e.at}, ${e.actor}, ${e.action}, ${e.target ?? null}, ${e.outcome},
          ${JSON.stringify(e.detail ?? {})}, ${e.ip ?? null})`,
    ]);
  }

  async auditLog(q: {
    limit: number;
    before?: number;
    action?: string;
    actor?: string;
  }): Promise<AuditRow[]> {
    const where: Sql[] = [sql`1 = 1`];
    if (q.before !== undefined) where.push(sql`seq < ${q.before}`);
    if (q.action !== undefined) where.push(sql`action = ${q.action}`);
    if (q.actor !== undefined) where.push(sql`actor = ${q.actor}`);
    const rows = await this.w.query(
      sql`select seq, at, actor, action, target, outcome, detail, ip from access_audit
        where ${sql.join(where, sql` and `)} order by seq desc limit ${q.limit}`,
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: Number(r.at),
      actor: String(r.actor),
      action: String(r.action),
      target: str(r.target) ?? undefined,
      outcome: r.outcome as AuditEntry['outcome'],
      detail: JSON.parse(String(r.detail)) as Record<string, unknown>,
      ip: str(r.ip) ?? undefined,
    }));
  }

  // --- the access policy (policy.ts) ---

  async policy(): Promise<StoredPolicy | undefined> {
    const [r] = await this.w.query(
      sql`select version, at, actor, doc from access_policy order by version desc, at desc limit 1`,
    );
    return r
      ? { version: Number(r.version), at: Number(r.at), actor: String(r.actor), doc: str(r.doc) }
      : undefined;
  }

  // Checked, then inserted: two admins saving the same version on two servers in the same instant
  // could both insert; the newest is then the later `at`, and both saves are in the audit log.
  async savePolicy(p: StoredPolicy): Promise<boolean> {
    const [r] = await this.w.query(sql`select count() as n from access_policy where version = ${p.version}`);
    if (Number(r?.n ?? 0) > 0) return false;
    await this.w.execute([
      sql`insert into access_policy (version, at, actor, doc) values (${p.version}, ${p.at}, ${p.actor}, ${p.doc})`,
    ]);
    return true;
  }

  // --- pending OIDC sign-ins ---

  async putPendingSignIn(state: string, p: PendingSignIn): Promise<void> {
    await this.put(ACCESS_OIDC_PENDING, [state, p.verifier, p.nonce, p.at], nextVersion());
  }

  // Read, then removed: two callbacks with one state reaching two servers in the same instant could
  // both read it before either removal shows. The state is also bound to the browser by a cookie.
  async takePendingSignIn(state: string): Promise<PendingSignIn | undefined> {
    const [r] = await this.rows(ACCESS_OIDC_PENDING, sql`state = ${state}`);
    if (!r) return undefined;
    await this.w.execute([this.rewrite(ACCESS_OIDC_PENDING, sql`state = ${state}`, { remove: true })]);
    return { verifier: String(r.verifier), nonce: String(r.nonce), at: Number(r.at) };
  }

  // --- back-channel logout ---

  async oidcSessions(now: number): Promise<OidcSession[]> {
    const [live, tokens] = await Promise.all([
      this.rows(
        ACCESS_SESSIONS,
        sql`expires_at > ${now} and id_hash global in (select id_hash from ${logOf(ACCESS_SESSION_OIDC)} final
          where _deleted = 0 and id_token is not null)`,
      ),
      this.rows(ACCESS_SESSION_OIDC, sql`id_token is not null`),
    ]);
    const idToken = new Map(tokens.map((t) => [String(t.id_hash), String(t.id_token)]));
    return live.flatMap((s) => {
      const t = idToken.get(String(s.id_hash));
      return t === undefined ? [] : [{ idHash: String(s.id_hash), user: String(s.user), idToken: t }];
    });
  }

  async deleteSessionsByHash(idHashes: string[]): Promise<void> {
    if (idHashes.length === 0) return;
    const key = sql`id_hash in (${sql.list(idHashes)})`;
    await this.w.execute([
      this.rewrite(ACCESS_SESSION_OIDC, key, { remove: true, set: NO_ID_TOKEN }),
      this.rewrite(ACCESS_SESSIONS, key, { remove: true }),
    ]);
  }
}

function toUser(r: Row, failures: Row | undefined): UserRow {
  return {
    name: String(r.name),
    passwordHash: str(r.password_hash),
    roles: JSON.parse(String(r.roles)) as string[],
    attrs: JSON.parse(String(r.attrs)) as Record<string, string>,
    disabled: Number(r.disabled) !== 0,
    createdAt: Number(r.created_at),
    failedLogins: num(failures?.failed) ?? 0,
    lockedUntil: num(failures?.locked_until) ?? 0,
  };
}

function toToken(r: Row, lastUsedAt: number | null): TokenRow {
  return {
    id: String(r.id),
    user: String(r.user),
    name: String(r.name),
    permissions: JSON.parse(String(r.permissions)) as Permission[],
    createdAt: Number(r.created_at),
    expiresAt: num(r.expires_at),
    revokedAt: num(r.revoked_at),
    lastUsedAt,
  };
}
