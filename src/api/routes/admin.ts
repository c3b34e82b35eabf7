// Administration (manage_users): users and their roles and attributes, the access policy (roles,
// scopes, masks: policy.ts), "view as" another user (audited), and the audit log (view_audit).
// Every change is audited.
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AccessControl } from '../../access/access-control.ts';
import { checkPasswordPolicy, hashPassword } from '../../access/password.ts';
import { PERMISSION_HELP, PERMISSIONS } from '../../access/permissions.ts';
import { fieldsOf, policyDoc } from '../../access/policy.ts';
import { BUILTIN_ROLES } from '../../access/roles.ts';
import type { UserRow } from '../../access/store.ts';
import { UserError } from '../../events/errors.ts';
import { datasets } from '../../reports/datasets.ts';
import { clientAddress, identityOf, SESSION_COOKIE } from '../auth.ts';
import { intParam } from '../params.ts';
import type { AdminOverview, AuditRowInfo, PolicyResponse, UserInfo } from '../types.ts';
import { startSession } from './auth.ts';

const ADMIN_COOKIE = 'mortar_admin_session';
const USER_NAME = /^[a-z][a-z0-9._-]{0,63}$/;

const userInfo = (u: UserRow, now: number): UserInfo => ({
  name: u.name,
  roles: u.roles,
  attrs: u.attrs,
  disabled: u.disabled,
  locked: u.lockedUntil > now,
  createdAt: new Date(u.createdAt).toISOString(),
});

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const b = (await c.req.json().catch(() => undefined)) as unknown;
  if (!b || typeof b !== 'object' || Array.isArray(b))
    throw new UserError('bad_request', 'expected a JSON object body');
  return b as Record<string, unknown>;
}

function rolesField(a: AccessControl, v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((r) => typeof r === 'string'))
    throw new UserError('bad_request', '"roles" must be a list of role names', [
      { where: 'body.roles', message: JSON.stringify(v) },
    ]);
  const unknown = v.filter((r) => !(r in a.roles));
  if (unknown.length)
    throw new UserError('bad_request', `unknown role ${unknown.map((r) => `"${r}"`).join(', ')}`, [
      {
        where: 'body.roles',
        message: 'not in the role table',
        hint: `roles: ${Object.keys(a.roles).join(', ')}`,
      },
    ]);
  return v as string[];
}

function attrsField(v: unknown): Record<string, string> {
  if (
    !v ||
    typeof v !== 'object' ||
    Array.isArray(v) ||
    !Object.values(v).every((x) => typeof x === 'string')
  )
    throw new UserError('bad_request', '"attrs" must be an object of strings, e.g. {"site": "north"}');
  return v as Record<string, string>;
}

export function adminRoutes(app: Hono, access: AccessControl | undefined): void {
  const need = (): AccessControl => {
    if (!access?.settings.enabled)
      throw new UserError('bad_request', 'access control is off: there are no users to manage', [
        { where: 'access.enabled', message: 'false', hint: 'set access.enabled: true in mortar.yaml' },
      ]);
    return access;
  };

  app.get('/api/admin/overview', async (c) => {
    const a = need();
    const now = Date.now();
    const body: AdminOverview = {
      users: (await a.store.users()).map((u) => userInfo(u, now)),
      roles: Object.entries(a.roles).map(([name, r]) => ({
        name,
        description: r.description,
        permissions: [...r.permissions],
        builtin: name in BUILTIN_ROLES && BUILTIN_ROLES[name] === r,
      })),
      permissions: PERMISSIONS.map((p) => ({ name: p, help: PERMISSION_HELP[p] })),
      masks: a.policy().policy.masks.map((m) => ({ ...m })),
    };
    return c.json(body);
  });

  // The access policy (roles, their scopes, field masks): read and saved by the admin page's editor.
  const policyBody = async (a: AccessControl): Promise<PolicyResponse> => {
    await a.refreshPolicy(true);
    const { policy, source } = a.policy();
    const holders: Record<string, string[]> = {};
    for (const u of await a.store.users())
      for (const r of u.roles) holders[r] = [...(holders[r] ?? []), u.name];
    const all = datasets([]);
    return {
      source: {
        kind: source.kind,
        version: source.version,
        ...(source.at !== undefined ? { at: new Date(source.at).toISOString() } : {}),
        ...(source.actor !== undefined ? { actor: source.actor } : {}),
      },
      ...(a.policyProblem ? { problem: a.policyProblem } : {}),
      policy: policyDoc(policy),
      config: policyDoc(a.configPolicy()),
      builtinRoles: policyDoc({ roles: BUILTIN_ROLES, masks: [] }).roles,
      permissions: PERMISSIONS.map((p) => ({ name: p, help: PERMISSION_HELP[p] })),
      datasets: Object.values(all).map((d) => ({
        name: d.name,
        label: d.label,
        fields: fieldsOf(d.name, 'any'),
        textFields: fieldsOf(d.name, 'text'),
      })),
      holders,
    };
  };

  app.get('/api/admin/policy', async (c) => c.json(await policyBody(need())));

  app.put('/api/admin/policy', async (c) => {
    const a = need();
    const b = await jsonBody(c);
    if (typeof b.baseVersion !== 'number' || !Number.isInteger(b.baseVersion))
      throw new UserError('bad_request', '"baseVersion" must be the version the edit started from', [
        { where: 'body.baseVersion', message: JSON.stringify(b.baseVersion), hint: 'GET /api/admin/policy' },
      ]);
    if (!('policy' in b))
      throw new UserError('bad_request', '"policy" is missing', [
        {
          where: 'body.policy',
          message: 'absent',
          hint: 'send {roles, masks}, or null to return to the configuration',
        },
      ]);
    await a.savePolicy(b.policy, identityOf(c), b.baseVersion, clientAddress(c));
    return c.json(await policyBody(a));
  });

  app.post('/api/admin/users', async (c) => {
    const a = need();
    const actor = identityOf(c);
    const b = await jsonBody(c);
    const name = typeof b.name === 'string' ? b.name : '';
    if (!USER_NAME.test(name))
      throw new UserError(
        'bad_request',
        'a user name is lower-case letters, digits, ".", "_" or "-", starting with a letter',
        [{ where: 'body.name', message: JSON.stringify(b.name) }],
      );
    const password = typeof b.password === 'string' ? b.password : '';
    checkPasswordPolicy(password);
    const roles = rolesField(a, b.roles ?? []);
    const attrs = b.attrs === undefined ? {} : attrsField(b.attrs);
    if (
      !(await a.store.addUser({ name, passwordHash: await hashPassword(password), roles, attrs }, Date.now()))
    )
      throw new UserError('conflict', `user "${name}" exists`, [
        { where: 'body.name', message: name, hint: 'pick another name or edit that user' },
      ]);
    await a.audit({
      actor: actor.user,
      action: 'user_add',
      target: name,
      outcome: 'ok',
      ip: clientAddress(c),
      detail: { roles, attrs },
    });
    return c.json(userInfo((await a.store.user(name))!, Date.now()), 201);
  });

  app.patch('/api/admin/users/:name', async (c) => {
    const a = need();
    const actor = identityOf(c);
    const name = c.req.param('name');
    const b = await jsonBody(c);
    const change: Parameters<typeof a.store.updateUser>[1] = {};
    if (b.roles !== undefined) change.roles = rolesField(a, b.roles);
    if (b.attrs !== undefined) change.attrs = attrsField(b.attrs);
    if (b.disabled !== undefined) {
      if (typeof b.disabled !== 'boolean')
        throw new UserError('bad_request', '"disabled" must be true or false');
      if (b.disabled && name === actor.user)
        throw new UserError('bad_request', 'you cannot disable yourself');
      change.disabled = b.disabled;
    }
    if (b.password !== undefined) {
      if (typeof b.password !== 'string') throw new UserError('bad_request', '"password" must be a string');
      checkPasswordPolicy(b.password);
      change.passwordHash = await hashPassword(b.password);
    }
    if (!(await a.store.updateUser(name, change))) throw new UserError('not_found', `no user "${name}"`);
    if (change.passwordHash) await a.store.resetFailedLogins(name);
    const detail: Record<string, unknown> = { ...b };
    if ('password' in detail) detail.password = '(changed)';
    await a.audit({
      actor: actor.user,
      action: 'user_change',
      target: name,
      outcome: 'ok',
      ip: clientAddress(c),
      detail,
    });
    return c.json(userInfo((await a.store.user(name))!, Date.now()));
  });

  app.post('/api/admin/view-as', async (c) => {
    const a = need();
    const actor = identityOf(c);
    if (actor.kind !== 'user' || actor.viewAsBy)
      throw new UserError('forbidden', '"view as" starts from your own signed-in session');
    const b = await jsonBody(c);
    const target = typeof b.user === 'string' ? b.user : '';
    const s = await a.viewAs(actor, target, clientAddress(c));
    const own = getCookie(c, SESSION_COOKIE);
    if (own) setCookie(c, ADMIN_COOKIE, own, { httpOnly: true, sameSite: 'Strict', path: '/' });
    startSession(c, s);
    return c.json({ user: target, viewAsBy: actor.user });
  });

  // Ends "view as" and returns to the admin's own session (an /api/auth/ route: the viewed user may lack manage_users).
  app.post('/api/auth/view-as/stop', async (c) => {
    const a = need();
    const id = identityOf(c);
    if (!id.viewAsBy) throw new UserError('bad_request', 'not viewing as another user');
    const current = getCookie(c, SESSION_COOKIE);
    if (current) await a.store.deleteSession(current);
    const own = getCookie(c, ADMIN_COOKIE);
    const back = own ? await a.sessionIdentity(own) : undefined;
    deleteCookie(c, ADMIN_COOKIE, { path: '/' });
    await a.audit({
      actor: id.viewAsBy,
      action: 'view_as_stop',
      target: id.user,
      outcome: 'ok',
      ip: clientAddress(c),
    });
    if (!own || !back) {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ user: null });
    }
    startSession(c, {
      identity: back.identity,
      token: own,
      csrf: back.session.csrf,
      expiresAt: back.session.expiresAt,
    });
    return c.json({ user: back.identity.user });
  });

  app.get('/api/audit', async (c) => {
    const a = need();
    const q = c.req.query();
    const rows = await a.store.auditLog({
      limit: intParam(q.limit, 'limit', 100, 1, 1000),
      before:
        q.before === undefined ? undefined : intParam(q.before, 'before', 0, 1, Number.MAX_SAFE_INTEGER),
      action: q.action || undefined,
      actor: q.actor || undefined,
    });
    const body: { rows: AuditRowInfo[] } = {
      rows: rows.map((r) => ({ ...r, detail: r.detail ?? {}, at: new Date(r.at).toISOString() })),
    };
    await a.audit({ actor: identityOf(c).user, action: 'audit_read', outcome: 'ok', ip: clientAddress(c) });
    return c.json(body);
  });
}
