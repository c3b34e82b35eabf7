// The access store: users, sessions, API tokens and the audit log in one SQLite file next to the
// warehouse (better-sqlite3). SQLite, not the warehouse, because `mortar user ...` must work while
// a server runs (several processes, one file, WAL + busy timeout) and because these rows are
// updated in place. Secrets are never stored: session ids and token secrets as SHA-256, passwords
// as argon2id. The audit table refuses UPDATE and DELETE by trigger: append-only for every caller.
// This is the embedded (DuckDB) installation's store; with a ClickHouse warehouse the same records
// live in the warehouse, shared by all servers (clickhouse-access.ts; the seam: access-backend.ts).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Permission } from './permissions.ts';
import type { StoredPolicy } from './policy.ts';

export interface UserRow {
  name: string;
  passwordHash: string | null;
  roles: string[];
  attrs: Record<string, string>;
  disabled: boolean;
  createdAt: number;
  failedLogins: number;
  lockedUntil: number;
}

export interface SessionRow {
  user: string;
  csrf: string;
  createdAt: number;
  expiresAt: number;
  /** When an admin previews another user's view: that user. */
  viewAs: string | null;
}

/** What a logout needs to know of the session it ended: whether it began at an OIDC provider, and the ID token it got. */
export interface EndedSession {
  method: 'password' | 'oidc';
  /** A credential: only ever sent back to the provider, as id_token_hint. */
  idToken: string | null;
}

/** A live OIDC session as back-channel logout looks for it: the session's id hash (never the cookie), its user and ID token. */
export interface OidcSession {
  idHash: string;
  user: string;
  idToken: string;
}

export interface TokenRow {
  id: string;
  user: string;
  name: string;
  permissions: Permission[];
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  target?: string;
  outcome: 'ok' | 'denied' | 'failed';
  detail?: Record<string, unknown>;
  ip?: string;
}

export interface AuditRow extends AuditEntry {
  seq: number;
}

const MIGRATIONS: string[] = [
  `CREATE TABLE users (
     name TEXT PRIMARY KEY, password_hash TEXT, roles TEXT NOT NULL, attrs TEXT NOT NULL DEFAULT '{}',
     disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,
     failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL, created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL, view_as TEXT);
   CREATE INDEX sessions_user ON sessions(user);
   CREATE TABLE tokens (
     id TEXT PRIMARY KEY, user TEXT NOT NULL, name TEXT NOT NULL, secret_hash TEXT NOT NULL,
     permissions TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER,
     last_used_at INTEGER);
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,
     action TEXT NOT NULL, target TEXT, outcome TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}', ip TEXT);
   CREATE INDEX audit_at ON audit(at);
   CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
   CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
  // How a session began, for single logout: an OIDC-born session keeps the provider's ID token
  // (the id_token_hint of the provider logout), deleted with the session.
  `ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
   ALTER TABLE sessions ADD COLUMN id_token TEXT;`,
  // The access policy as saved on the admin page (policy.ts): append-only versions, the newest in force.
  `CREATE TABLE policy (version INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, doc TEXT);
   CREATE TRIGGER policy_no_update BEFORE UPDATE ON policy
     BEGIN SELECT RAISE(ABORT, 'the policy log is append-only'); END;
   CREATE TRIGGER policy_no_delete BEFORE DELETE ON policy
     BEGIN SELECT RAISE(ABORT, 'the policy log is append-only'); END;`,
];

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const secret = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** A users row as SQLite stores it (also read by the copy to ClickHouse, copyAccess.ts). */
export interface RawUser {
  name: string;
  password_hash: string | null;
  roles: string;
  attrs: string;
  disabled: number;
  created_at: number;
  failed_logins: number;
  locked_until: number;
}

const toUser = (r: RawUser): UserRow => ({
  name: r.name,
  passwordHash: r.password_hash,
  roles: JSON.parse(r.roles) as string[],
  attrs: JSON.parse(r.attrs) as Record<string, string>,
  disabled: r.disabled !== 0,
  createdAt: r.created_at,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until,
});

export class AccessStore {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string): AccessStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]!);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
    return new AccessStore(db);
  }

  close(): void {
    this.db.close();
  }

  // --- users ---

  addUser(
    u: { name: string; passwordHash: string | null; roles: string[]; attrs?: Record<string, string> },
    now: number,
  ): boolean {
    const r = this.db
      .prepare(
        'INSERT INTO users (name, password_hash, roles, attrs, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(u.name, u.passwordHash, JSON.stringify(u.roles), JSON.stringify(u.attrs ?? {}), now);
    return r.changes === 1;
  }

  user(name: string): UserRow | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as RawUser | undefined;
    return r && toUser(r);
  }

  users(): UserRow[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY name').all() as RawUser[]).map(toUser);
  }

  userCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  /** Changes what is given; returns false when there is no such user. */
  updateUser(
    name: string,
    change: { passwordHash?: string; roles?: string[]; attrs?: Record<string, string>; disabled?: boolean },
  ): boolean {
    const u = this.user(name);
    if (!u) return false;
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE users SET password_hash = ?, roles = ?, attrs = ?, disabled = ? WHERE name = ?')
        .run(
          change.passwordHash ?? u.passwordHash,
          JSON.stringify(change.roles ?? u.roles),
          JSON.stringify(change.attrs ?? u.attrs),
          (change.disabled ?? u.disabled) ? 1 : 0,
          name,
        );
      // A new password or a disabled account ends every session of that user.
      if (change.passwordHash !== undefined || change.disabled) this.deleteSessionsOf(name);
      if (change.disabled)
        this.db
          .prepare('UPDATE tokens SET revoked_at = ? WHERE user = ? AND revoked_at IS NULL')
          .run(Date.now(), name);
    })();
    return true;
  }

  /** Counts a failed login; locks the account for `lockMs` once `attempts` failures in a row are reached. */
  recordFailedLogin(name: string, now: number, attempts: number, lockMs: number): { lockedUntil: number } {
    const u = this.user(name);
    if (!u) return { lockedUntil: 0 };
    const failed = u.failedLogins + 1;
    const lockedUntil = failed >= attempts ? now + lockMs : u.lockedUntil;
    this.db
      .prepare('UPDATE users SET failed_logins = ?, locked_until = ? WHERE name = ?')
      .run(failed >= attempts ? 0 : failed, lockedUntil, name);
    return { lockedUntil };
  }

  resetFailedLogins(name: string): void {
    this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = 0 WHERE name = ?').run(name);
  }

  // --- sessions ---

  createSession(
    user: string,
    now: number,
    ttlMs: number,
    viewAs: string | null = null,
    oidc?: { idToken: string | null },
  ): { token: string; csrf: string; expiresAt: number } {
    const token = secret(32);
    const csrf = secret(24);
    const expiresAt = now + ttlMs;
    // Expired sessions go here too, not only when presented: their ID tokens must not outlive them.
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
    this.db
      .prepare(
        'INSERT INTO sessions (id_hash, user, csrf, created_at, expires_at, view_as, method, id_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        sha256(token),
        user,
        csrf,
        now,
        expiresAt,
        viewAs,
        oidc ? 'oidc' : 'password',
        oidc?.idToken ?? null,
      );
    return { token, csrf, expiresAt };
  }

  /** The live session for a cookie value; expired ones are removed and count as absent. */
  session(token: string, now: number): SessionRow | undefined {
    const r = this.db
      .prepare('SELECT user, csrf, created_at, expires_at, view_as FROM sessions WHERE id_hash = ?')
      .get(sha256(token)) as
      | { user: string; csrf: string; created_at: number; expires_at: number; view_as: string | null }
      | undefined;
    if (!r) return undefined;
    if (r.expires_at <= now) {
      this.deleteSession(token);
      return undefined;
    }
    return {
      user: r.user,
      csrf: r.csrf,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      viewAs: r.view_as,
    };
  }

  /** Deletes a session (with its ID token); what it was, or undefined when there was none. */
  deleteSession(token: string): EndedSession | undefined {
    const r = this.db
      .prepare('DELETE FROM sessions WHERE id_hash = ? RETURNING method, id_token')
      .get(sha256(token)) as { method: string; id_token: string | null } | undefined;
    return r && { method: r.method === 'oidc' ? 'oidc' : 'password', idToken: r.id_token };
  }

  deleteSessionsOf(user: string): void {
    this.db.prepare('DELETE FROM sessions WHERE user = ?').run(user);
  }

  oidcSessions(now: number): OidcSession[] {
    return this.db
      .prepare(
        "SELECT id_hash AS idHash, user, id_token AS idToken FROM sessions WHERE method = 'oidc' AND id_token IS NOT NULL AND expires_at > ?",
      )
      .all(now) as OidcSession[];
  }

  deleteSessionsByHash(idHashes: string[]): void {
    const del = this.db.prepare('DELETE FROM sessions WHERE id_hash = ?');
    this.db.transaction(() => {
      for (const h of idHashes) del.run(h);
    })();
  }

  // --- API tokens ---

  /** A new token; its full text is returned once and never stored. */
  createToken(
    t: { user: string; name: string; permissions: Permission[]; expiresAt: number | null },
    now: number,
  ): { id: string; token: string } {
    const id = randomBytes(6).toString('hex');
    const s = secret(32);
    this.db
      .prepare(
        'INSERT INTO tokens (id, user, name, secret_hash, permissions, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(id, t.user, t.name, sha256(s), JSON.stringify(t.permissions), now, t.expiresAt);
    return { id, token: `mortar_${id}_${s}` };
  }

  /** The token row for a presented token when it is valid now (right secret, not expired or revoked). */
  validToken(presented: string, now: number): TokenRow | undefined {
    const m = /^mortar_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(presented);
    if (!m) return undefined;
    const r = this.db.prepare('SELECT * FROM tokens WHERE id = ?').get(m[1]) as RawToken | undefined;
    if (!r || r.secret_hash !== sha256(m[2]!)) return undefined;
    if (r.revoked_at !== null || (r.expires_at !== null && r.expires_at <= now)) return undefined;
    this.db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(now, r.id);
    return toToken(r);
  }

  tokens(user?: string): TokenRow[] {
    const rows = (
      user === undefined
        ? this.db.prepare('SELECT * FROM tokens ORDER BY created_at').all()
        : this.db.prepare('SELECT * FROM tokens WHERE user = ? ORDER BY created_at').all(user)
    ) as RawToken[];
    return rows.map(toToken);
  }

  revokeToken(id: string, now: number, user?: string): boolean {
    const r =
      user === undefined
        ? this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id)
        : this.db
            .prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND user = ? AND revoked_at IS NULL')
            .run(now, id, user);
    return r.changes === 1;
  }

  // --- audit ---

  audit(e: AuditEntry): void {
    this.db
      .prepare(
        'INSERT INTO audit (at, actor, action, target, outcome, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        e.at,
        e.actor,
        e.action,
        e.target ?? null,
        e.outcome,
        JSON.stringify(e.detail ?? {}),
        e.ip ?? null,
      );
  }

  auditLog(q: { limit: number; before?: number; action?: string; actor?: string }): AuditRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM audit WHERE (? IS NULL OR seq < ?) AND (? IS NULL OR action = ?) AND (? IS NULL OR actor = ?)
         ORDER BY seq DESC LIMIT ?`,
      )
      .all(
        q.before ?? null,
        q.before ?? null,
        q.action ?? null,
        q.action ?? null,
        q.actor ?? null,
        q.actor ?? null,
        q.limit,
      ) as {
      seq: number;
      at: number;
      actor: string;
      action: string;
      target: string | null;
      outcome: AuditEntry['outcome'];
      detail: string;
      ip: string | null;
    }[];
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      actor: r.actor,
      action: r.action,
      target: r.target ?? undefined,
      outcome: r.outcome,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
      ip: r.ip ?? undefined,
    }));
  }

  /** The newest version of the access policy log (policy.ts), if an admin ever saved one. */
  policy(): StoredPolicy | undefined {
    return this.db
      .prepare('SELECT version, at, actor, doc FROM policy ORDER BY version DESC LIMIT 1')
      .get() as StoredPolicy | undefined;
  }

  /** Appends a policy version; false when that version exists (someone saved in between). */
  savePolicy(p: StoredPolicy): boolean {
    return (
      this.db
        .prepare('INSERT INTO policy (version, at, actor, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(p.version, p.at, p.actor, p.doc).changes === 1
    );
  }
}

/** A tokens row as SQLite stores it. */
export interface RawToken {
  id: string;
  user: string;
  name: string;
  secret_hash: string;
  permissions: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

const toToken = (r: RawToken): TokenRow => ({
  id: r.id,
  user: r.user,
  name: r.name,
  permissions: JSON.parse(r.permissions) as Permission[],
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});
