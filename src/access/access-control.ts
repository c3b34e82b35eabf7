// Authentication and identities: password login with per-IP rate limiting and per-user lockout,
// sessions, API tokens and "view as". Everything that happens here that matters later (logins,
// failures, lockouts, token and user changes) is written to the audit log.
import { type PolicyDoc, policySpec } from '../config/schema.ts';
import { type ErrorDetail, UserError } from '../events/errors.ts';
import { type AccessBackend, sqliteBackend } from './access-backend.ts';
import type { Identity } from './identity.ts';
import { type MaskRule, masksFor } from './masks.ts';
import { type OidcClaims, OidcFailure, type OidcSettings } from './oidc.ts';
import { dummyHash, verifyPassword } from './password.ts';
import type { Permission } from './permissions.ts';
import { checkPolicy, type Policy, type PolicySource, policyChange, policyDoc } from './policy.ts';
import { permissionsOf, type RoleDef, roleTable } from './roles.ts';
import { datasetScope } from './scopes.ts';
import { AccessStore, type AuditEntry, type SessionRow, type UserRow } from './store.ts';

export interface AccessSettings {
  /** Off: single-user mode, every request is the local admin. */
  enabled: boolean;
  sessionTtlMs: number;
  lockout: { attempts: number; durationMs: number };
  /** Login attempts allowed per client address per minute. */
  loginsPerMinute: number;
  roles: Record<string, RoleDef>;
  /** Field masks (masks.ts): who lacks a mask's permission sees the field masked. */
  masks: readonly MaskRule[];
  /** Secret of hash masks. */
  maskSalt: string;
  /** Sign-in through an OpenID Connect provider (oidc.ts), beside passwords. */
  oidc?: OidcSettings;
}

export const DEFAULT_ACCESS: AccessSettings = {
  enabled: false,
  sessionTtlMs: 12 * 3600_000,
  lockout: { attempts: 5, durationMs: 15 * 60_000 },
  loginsPerMinute: 20,
  roles: {},
  masks: [],
  maskSalt: '',
};

export interface LoggedIn {
  identity: Identity;
  token: string;
  csrf: string;
  expiresAt: number;
}

const WRONG = 'wrong user name or password';

/** How long a server trusts the policy it read before looking for a newer version. */
const POLICY_CHECK_MS = 2000;

export class AccessControl {
  /** The policy in force: the configuration's, or the newest version saved on the admin page (policy.ts). */
  private current: { policy: Policy; roles: Record<string, RoleDef>; source: PolicySource };
  private policyCheckedAt = Number.NEGATIVE_INFINITY;
  /** Why the newest saved policy is not in force (it no longer passes the checks), if it is not. */
  policyProblem: string | undefined;
  /** Where users, sessions, tokens and the audit log live (access-backend.ts). */
  readonly store: AccessBackend;
  // Per server: behind a load balancer an address gets this many attempts on each server.
  private readonly attemptsByIp = new Map<string, number[]>();

  /** `store`: a backend, or a SQLite store (taken behind the async seam). */
  constructor(
    store: AccessBackend | AccessStore,
    readonly settings: AccessSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.store = store instanceof AccessStore ? sqliteBackend(store, now) : store;
    const policy = { roles: settings.roles, masks: [...settings.masks] };
    this.current = { policy, roles: roleTable(policy.roles), source: { kind: 'config', version: 0 } };
  }

  /** Every role known now: the built-in ones, replaced or extended by the policy's. */
  get roles(): Record<string, RoleDef> {
    return this.current.roles;
  }

  /** The policy in force and where it came from. */
  policy(): { policy: Policy; source: PolicySource } {
    return { policy: this.current.policy, source: this.current.source };
  }

  /** The configuration's own policy (what a reset returns to). */
  configPolicy(): Policy {
    return { roles: this.settings.roles, masks: [...this.settings.masks] };
  }

  /**
   * Looks for a newer saved policy at most every POLICY_CHECK_MS (always with `force`): a change
   * saved on another server applies here within that time. A saved policy that no longer passes
   * the checks (e.g. after an upgrade renamed a field) is not applied; the configuration's is, and
   * the problem is shown on the admin page.
   */
  async refreshPolicy(force = false): Promise<void> {
    const now = this.now();
    if (!force && now - this.policyCheckedAt < POLICY_CHECK_MS) return;
    this.policyCheckedAt = now;
    const stored = await this.store.policy();
    if ((stored?.version ?? 0) === this.current.source.version) return;
    this.policyProblem = undefined;
    let policy = this.configPolicy();
    let source: PolicySource = {
      kind: 'config',
      version: stored!.version,
      at: stored!.at,
      actor: stored!.actor,
    };
    if (stored!.doc !== null) {
      source = { kind: 'store', version: stored!.version, at: stored!.at, actor: stored!.actor };
      const parsed = policySpec.safeParse(JSON.parse(stored!.doc));
      const checked = parsed.success ? checkPolicy(parsed.data, (path) => path.join('.')) : undefined;
      policy = checked
        ? withoutFailures(checked.policy, checked.errors, parsed.data!.masks)
        : { roles: {}, masks: policy.masks };
      if (!checked || checked.errors.length > 0)
        this.policyProblem = `the policy saved by ${stored!.actor} (version ${stored!.version}) no longer passes the checks (${
          checked ? checked.errors.map((e) => `${e.where}: ${e.message}`).join('; ') : 'unreadable'
        }); it applies failing closed (a role with a failing scope grants nothing, unreadable: only the built-in roles) until it is saved again`;
    }
    this.current = { policy, roles: roleTable(policy.roles), source };
  }

  /**
   * Saves a policy document from the admin page as the next version after `baseVersion` (the one
   * the editor started from; a newer one means someone else saved meanwhile: refused), or with
   * `doc` null returns to the configuration's. Refused with every error when it does not pass the
   * checks, when it would take manage_users from the admin saving it, when it drops a role users
   * still hold or the OIDC role_map names. Audited with what changed.
   */
  async savePolicy(doc: unknown, actor: Identity, baseVersion: number, ip: string): Promise<void> {
    await this.refreshPolicy(true);
    let next: Policy;
    if (doc === null) next = this.configPolicy();
    else {
      const parsed = policySpec.safeParse(doc);
      if (!parsed.success)
        throw new UserError(
          'bad_request',
          'the policy has errors',
          parsed.error.issues.map((i) => ({ where: i.path.join('.') || 'policy', message: i.message })),
        );
      const checked = checkPolicy(parsed.data, (path) => path.join('.'));
      if (checked.errors.length) throw new UserError('bad_request', 'the policy has errors', checked.errors);
      next = checked.policy;
    }
    const table = roleTable(next.roles);
    const errors: ErrorDetail[] = [];
    if (!permissionsOf(actor.roles, table).has('manage_users'))
      errors.push({
        where: 'roles',
        message: `your roles (${actor.roles.join(', ') || 'none'}) would lose manage_users: you could not undo this`,
        hint: 'keep manage_users in one of your roles',
      });
    const holders = new Map<string, string[]>();
    for (const u of await this.store.users())
      for (const r of u.roles)
        if (Object.hasOwn(this.roles, r) && !Object.hasOwn(table, r))
          holders.set(r, [...(holders.get(r) ?? []), u.name]);
    for (const [r, users] of holders)
      errors.push({
        where: `roles.${r}`,
        message: `role "${r}" is held by ${users.join(', ')}`,
        hint: 'take the role from those users first (or keep it)',
      });
    for (const [group, mapped] of Object.entries(this.settings.oidc?.roleMap ?? {}))
      for (const r of mapped)
        if (Object.hasOwn(this.roles, r) && !Object.hasOwn(table, r))
          errors.push({
            where: `roles.${r}`,
            message: `role "${r}" is what access.oidc.role_map gives group "${group}"`,
            hint: 'keep the role, or change role_map in the configuration first',
          });
    if (errors.length) throw new UserError('bad_request', 'the policy cannot be saved', errors);
    if (baseVersion !== this.current.source.version) throw stalePolicy(this.current.source);
    const at = this.now();
    const saved = await this.store.savePolicy({
      version: baseVersion + 1,
      at,
      actor: actor.viewAsBy ?? actor.user,
      doc: doc === null ? null : JSON.stringify(policyDoc(next)),
    });
    if (!saved) {
      await this.refreshPolicy(true);
      throw stalePolicy(this.current.source);
    }
    const before = this.current.policy;
    await this.refreshPolicy(true);
    await this.audit({
      actor: actor.viewAsBy ?? actor.user,
      action: 'policy',
      outcome: 'ok',
      ip,
      detail: { version: baseVersion + 1, reset: doc === null, ...policyChange(before, next) },
    });
  }

  async audit(e: Omit<AuditEntry, 'at'>): Promise<void> {
    await this.store.audit({ ...e, at: this.now() });
  }

  identityOf(user: UserRow): Identity {
    const permissions = permissionsOf(user.roles, this.roles);
    return {
      kind: 'user',
      user: user.name,
      roles: user.roles,
      permissions,
      attrs: user.attrs,
      masksOf: this.masksOf(permissions),
      scopeOf: (dataset) =>
        datasetScope(
          dataset,
          user.roles,
          (r) => (r in this.roles ? this.roles[r]!.scopes : null),
          user.attrs,
        ),
    };
  }

  async login(name: string, password: string, ip: string): Promise<LoggedIn> {
    await this.refreshPolicy();
    const now = this.now();
    await this.throttle(ip, now, name);
    const user = await this.store.user(name);
    if (!user?.passwordHash || user.disabled) {
      await verifyPassword(await dummyHash(), password); // same work as a real check: no user-name oracle
      await this.audit({
        actor: name,
        action: 'login',
        outcome: 'failed',
        ip,
        detail: {
          reason: !user ? 'unknown user' : user.disabled ? 'disabled' : 'no password (signs in through oidc)',
        },
      });
      throw new UserError('unauthorized', WRONG);
    }
    if (user.lockedUntil > now) {
      await this.audit({ actor: name, action: 'login', outcome: 'denied', ip, detail: { reason: 'locked' } });
      throw lockedError(user.lockedUntil - now);
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      const { lockedUntil } = await this.store.recordFailedLogin(
        name,
        now,
        this.settings.lockout.attempts,
        this.settings.lockout.durationMs,
      );
      const locked = lockedUntil > now;
      await this.audit({
        actor: name,
        action: 'login',
        outcome: 'failed',
        ip,
        detail: { reason: 'wrong password', locked },
      });
      if (locked) throw lockedError(lockedUntil - now);
      throw new UserError('unauthorized', WRONG);
    }
    await this.store.resetFailedLogins(name);
    const s = await this.store.createSession(name, now, this.settings.sessionTtlMs);
    await this.audit({ actor: name, action: 'login', outcome: 'ok', ip });
    return { identity: this.identityOf(user), token: s.token, csrf: s.csrf, expiresAt: s.expiresAt };
  }

  /**
   * A session for a user the OpenID Connect provider vouched for. Fails closed: a sign-in that
   * gives the user no role is refused (and, with roles from the claim, the stored user loses its
   * roles so its open sessions lose them too). Audited either way.
   */
  async oidcLogin(claims: OidcClaims, ip: string): Promise<LoggedIn> {
    await this.refreshPolicy();
    const o = this.settings.oidc;
    if (!o) throw new Error('oidc sign-in without access.oidc');
    const now = this.now();
    const name = claims.user;
    const refuse = (message: string, reason: string): never => {
      throw new OidcFailure(message, reason, name);
    };
    const user = await this.store.user(name);
    if (user?.disabled) refuse(`the account "${name}" is disabled; ask an admin`, 'disabled');
    if (o.rolesFrom === 'store') {
      if (!user)
        refuse(`"${name}" has no Mortar account; ask an admin to add it (mortar user add)`, 'unknown user');
      if (user!.roles.length === 0) refuse(`"${name}" has no Mortar role; ask an admin for one`, 'no role');
    } else {
      // A local account (with a password) is never taken over by a provider's user of the same name.
      if (user?.passwordHash)
        refuse(
          `"${name}" is a local account with a password; sign in with the password`,
          'name taken by a local account',
        );
      const roles = [
        ...new Set(claims.groups.flatMap((g) => (Object.hasOwn(o.roleMap, g) ? o.roleMap[g]! : []))),
      ];
      if (!user)
        await this.store.addUser({ name, passwordHash: null, roles, attrs: this.oidcAttrs({}, claims) }, now);
      else await this.store.updateUser(name, { roles, attrs: this.oidcAttrs(user.attrs, claims) });
      if (roles.length === 0)
        refuse(
          `${o.name} gave "${name}" no group that grants a Mortar role; ask an admin`,
          `no role (claim ${o.rolesClaim}: ${claims.groups.join(', ') || 'none'})`,
        );
    }
    if (o.rolesFrom === 'store' && Object.keys(o.attributeClaims).length > 0)
      await this.store.updateUser(name, { attrs: this.oidcAttrs(user!.attrs, claims) });
    const row = (await this.store.user(name))!;
    const s = await this.store.createSession(name, now, this.settings.sessionTtlMs, null, {
      idToken: claims.idToken,
    });
    await this.audit({
      actor: name,
      action: 'login',
      outcome: 'ok',
      ip,
      detail: { method: 'oidc', subject: claims.subject, roles: row.roles, attrs: row.attrs },
    });
    return { identity: this.identityOf(row), token: s.token, csrf: s.csrf, expiresAt: s.expiresAt };
  }

  /**
   * A user's attributes after an OIDC sign-in: those named in attribute_claims come from the token
   * (removed when the token lacks the claim); the others keep their stored values.
   */
  private oidcAttrs(stored: Record<string, string>, claims: OidcClaims): Record<string, string> {
    const out = { ...stored };
    for (const attr of Object.keys(this.settings.oidc?.attributeClaims ?? {})) {
      if (Object.hasOwn(claims.attrs, attr)) out[attr] = claims.attrs[attr]!;
      else delete out[attr];
    }
    return out;
  }

  /** Counts a sign-in attempt from an address (the same limit as password logins). */
  async countAttempt(ip: string, name: string): Promise<void> {
    await this.throttle(ip, this.now(), name);
  }

  /** The identity behind a session cookie, or undefined when the session is unknown, expired or its user disabled. */
  async sessionIdentity(token: string): Promise<{ identity: Identity; session: SessionRow } | undefined> {
    await this.refreshPolicy();
    const session = await this.store.session(token, this.now());
    if (!session) return undefined;
    const user = await this.store.user(session.user);
    if (!user || user.disabled) return undefined;
    if (session.viewAs !== null) {
      const target = await this.store.user(session.viewAs);
      if (!target || target.disabled) return undefined;
      return { identity: { ...this.identityOf(target), viewAsBy: user.name }, session };
    }
    return { identity: this.identityOf(user), session };
  }

  /** A token acts for its user, limited to the token's permissions (never more than the user has now). */
  async tokenIdentity(presented: string): Promise<Identity | undefined> {
    await this.refreshPolicy();
    const t = await this.store.validToken(presented, this.now());
    if (!t) return undefined;
    const user = await this.store.user(t.user);
    if (!user || user.disabled) return undefined;
    const base = this.identityOf(user);
    const allowed = new Set<Permission>(t.permissions.filter((p) => base.permissions.has(p)));
    // Masks follow the token's permissions: a token without view_personal_data sees masked values.
    return { ...base, kind: 'token', permissions: allowed, masksOf: this.masksOf(allowed) };
  }

  private masksOf(permissions: ReadonlySet<Permission>): Identity['masksOf'] {
    const masks = this.current.policy.masks;
    return (dataset) => masksFor(masks, permissions, this.settings.maskSalt, dataset);
  }

  /** An admin's session that sees what `target` sees (audited; ends with logout). */
  async viewAs(admin: Identity, target: string, ip: string): Promise<LoggedIn> {
    const user = await this.store.user(target);
    if (!user) throw new UserError('not_found', `no user "${target}"`);
    const s = await this.store.createSession(
      admin.user,
      this.now(),
      Math.min(this.settings.sessionTtlMs, 3600_000),
      target,
    );
    await this.audit({ actor: admin.user, action: 'view_as', target, outcome: 'ok', ip });
    return {
      identity: { ...this.identityOf(user), viewAsBy: admin.user },
      token: s.token,
      csrf: s.csrf,
      expiresAt: s.expiresAt,
    };
  }

  /**
   * Ends a session. One that began at the OIDC provider may end there too: `providerLogout` turns
   * its ID token into the provider's logout URL (undefined: the provider has none), which is
   * returned for the browser to go to and noted in the audit entry (never the token itself).
   */
  async logout(
    token: string,
    identity: Identity | undefined,
    ip: string,
    providerLogout?: (idToken: string | null) => Promise<string | undefined>,
  ): Promise<{ providerLogoutUrl?: string }> {
    const ended = await this.store.deleteSession(token);
    const url = ended?.method === 'oidc' && providerLogout ? await providerLogout(ended.idToken) : undefined;
    if (identity)
      await this.audit({
        actor: identity.viewAsBy ?? identity.user,
        action: 'logout',
        outcome: 'ok',
        ip,
        ...(ended?.method === 'oidc'
          ? { detail: { method: 'oidc', providerLogout: url ? 'requested' : 'not offered by the provider' } }
          : {}),
      });
    return url ? { providerLogoutUrl: url } : {};
  }

  private async throttle(ip: string, now: number, name: string): Promise<void> {
    const recent = (this.attemptsByIp.get(ip) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= this.settings.loginsPerMinute) {
      await this.audit({
        actor: name,
        action: 'login',
        outcome: 'denied',
        ip,
        detail: { reason: 'rate limited' },
      });
      throw new UserError('rate_limited', 'too many login attempts from this address; wait a minute', [
        {
          where: 'login',
          message: `${recent.length} attempts in the last minute`,
          hint: 'try again in a minute',
        },
      ]);
    }
    recent.push(now);
    this.attemptsByIp.set(ip, recent);
    if (this.attemptsByIp.size > 10_000) this.attemptsByIp.delete(this.attemptsByIp.keys().next().value!);
  }
}

/**
 * A saved policy that no longer passes the checks (an upgrade renamed a field, say), applied failing
 * closed rather than falling back to the configuration's, which may be wider: a role with a failing
 * scope rule is left out (a user holding it gets nothing from it), unknown permissions grant
 * nothing (checkPolicy drops them), and a mask whose permission is unknown masks for everyone
 * without view_personal_data.
 */
function withoutFailures(p: Policy, errors: readonly ErrorDetail[], saved: PolicyDoc['masks']): Policy {
  const failing = new Set(errors.flatMap((e) => /^roles\.([^.]+)\.scopes/.exec(e.where)?.[1] ?? []));
  const roles = Object.fromEntries(Object.entries(p.roles).filter(([name]) => !failing.has(name)));
  const masks = [...p.masks];
  for (const e of errors) {
    const i = /^masks\.(\d+)\.unless$/.exec(e.where)?.[1];
    const m = i === undefined ? undefined : saved[Number(i)];
    if (m) masks.push({ dataset: m.dataset, field: m.field, mode: m.mode, unless: 'view_personal_data' });
  }
  return { roles, masks };
}

function stalePolicy(now: PolicySource): UserError {
  return new UserError('conflict', 'the policy was changed meanwhile', [
    {
      where: 'baseVersion',
      message: `version ${now.version} is in force${now.actor ? ` (saved by ${now.actor})` : ''}`,
      hint: 'reload the policy, make your change again and save',
    },
  ]);
}

function lockedError(remainingMs: number): UserError {
  const minutes = Math.max(1, Math.ceil(remainingMs / 60_000));
  return new UserError(
    'locked',
    `this account is locked after repeated failed logins; try again in ${minutes} min`,
    [{ where: 'login', message: 'temporarily locked', hint: 'wait, or ask an admin to reset the password' }],
  );
}
