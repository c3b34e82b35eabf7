// The seam between access control and where its records live: users, sessions, API tokens,
// failed-login counters, pending OIDC sign-ins and the audit log. Two backends: the SQLite file
// next to an embedded DuckDB warehouse (store.ts, one server by construction) and the ClickHouse
// warehouse itself (clickhouse-access.ts; open-access.ts picks one), shared by every `mortar serve` on it, so a session,
// token, user or audit entry made on one server holds on all of them. Async because the shared one
// is across the network. Neither offers a way to change or remove an audit entry.

import { memoryPendingSignIns, type PendingSignIns } from './oidc.ts';
import type { Permission } from './permissions.ts';
import type { StoredPolicy } from './policy.ts';
import type {
  AccessStore,
  AuditEntry,
  AuditRow,
  EndedSession,
  OidcSession,
  SessionRow,
  TokenRow,
  UserRow,
} from './store.ts';

export interface UserChange {
  passwordHash?: string;
  roles?: string[];
  attrs?: Record<string, string>;
  disabled?: boolean;
}

export interface AccessBackend extends PendingSignIns {
  addUser(
    u: { name: string; passwordHash: string | null; roles: string[]; attrs?: Record<string, string> },
    now: number,
  ): Promise<boolean>;
  user(name: string): Promise<UserRow | undefined>;
  users(): Promise<UserRow[]>;
  /** Changes what is given; a new password or disabling ends the user's sessions (and disabling revokes tokens). False when there is no such user. */
  updateUser(name: string, change: UserChange): Promise<boolean>;
  /** Counts a failed login; locks the account for `lockMs` once `attempts` failures in a row are reached. */
  recordFailedLogin(
    name: string,
    now: number,
    attempts: number,
    lockMs: number,
  ): Promise<{ lockedUntil: number }>;
  resetFailedLogins(name: string): Promise<void>;

  createSession(
    user: string,
    now: number,
    ttlMs: number,
    viewAs?: string | null,
    /** Present for a session begun at an OIDC provider: its ID token, kept for the provider logout. */
    oidc?: { idToken: string | null },
  ): Promise<{ token: string; csrf: string; expiresAt: number }>;
  /** The live session for a cookie value (expired ones count as absent). */
  session(token: string, now: number): Promise<SessionRow | undefined>;
  /** Ends a session, its ID token with it; how it began (undefined when there was no such session). */
  deleteSession(token: string): Promise<EndedSession | undefined>;

  /** A new token; its full text is returned once and never stored. */
  createToken(
    t: { user: string; name: string; permissions: Permission[]; expiresAt: number | null },
    now: number,
  ): Promise<{ id: string; token: string }>;
  /** The token row for a presented token when it is valid now (right secret, not expired or revoked). */
  validToken(presented: string, now: number): Promise<TokenRow | undefined>;
  tokens(user?: string): Promise<TokenRow[]>;
  revokeToken(id: string, now: number, user?: string): Promise<boolean>;

  /** Appends to the audit log (the only write it takes). */
  audit(e: AuditEntry): Promise<void>;
  auditLog(q: { limit: number; before?: number; action?: string; actor?: string }): Promise<AuditRow[]>;

  /** The newest saved access policy (policy.ts); undefined when none was ever saved. */
  policy(): Promise<StoredPolicy | undefined>;
  /** Appends a policy version; false when that version already exists (a concurrent save won). */
  savePolicy(p: StoredPolicy): Promise<boolean>;

  close(): Promise<void>;

  /** The live sessions begun at the OIDC provider that kept their ID token, for back-channel logout. */
  oidcSessions(now: number): Promise<OidcSession[]>;
  /** Ends the sessions of these id hashes (as oidcSessions names them), their ID tokens with them. */
  deleteSessionsByHash(idHashes: string[]): Promise<void>;
}

/**
 * The SQLite store behind the async seam. Pending OIDC sign-ins stay in this process's memory:
 * an embedded warehouse means one server.
 */
export function sqliteBackend(store: AccessStore, now: () => number = Date.now): AccessBackend {
  return {
    addUser: async (u, at) => store.addUser(u, at),
    user: async (name) => store.user(name),
    users: async () => store.users(),
    updateUser: async (name, change) => store.updateUser(name, change),
    recordFailedLogin: async (name, at, attempts, lockMs) =>
      store.recordFailedLogin(name, at, attempts, lockMs),
    resetFailedLogins: async (name) => store.resetFailedLogins(name),
    createSession: async (user, at, ttlMs, viewAs = null, oidc) =>
      store.createSession(user, at, ttlMs, viewAs, oidc),
    session: async (token, at) => store.session(token, at),
    deleteSession: async (token) => store.deleteSession(token),
    createToken: async (t, at) => store.createToken(t, at),
    validToken: async (presented, at) => store.validToken(presented, at),
    tokens: async (user) => store.tokens(user),
    revokeToken: async (id, at, user) => store.revokeToken(id, at, user),
    audit: async (e) => store.audit(e),
    auditLog: async (q) => store.auditLog(q),
    policy: async () => store.policy(),
    savePolicy: async (p) => store.savePolicy(p),
    ...memoryPendingSignIns(now),
    close: async () => store.close(),
    oidcSessions: async (at) => store.oidcSessions(at),
    deleteSessionsByHash: async (idHashes) => store.deleteSessionsByHash(idHashes),
  };
}
