// `mortar user add|passwd|disable|enable|list|token|revoke`: manages the users of an installation
// in its access store. Works while a server runs: the store is SQLite in WAL mode beside an
// embedded DuckDB, or the ClickHouse warehouse itself, where every server sees the change at once.
// Every change is written to the audit log with the actor `cli:<login name>`.
import { userInfo as osUser } from 'node:os';
import { createInterface } from 'node:readline';
import type { AccessBackend } from '../../access/access-backend.ts';
import { AccessControl } from '../../access/access-control.ts';
import { openAccessBackend } from '../../access/open-access.ts';
import { checkPasswordPolicy, hashPassword } from '../../access/password.ts';
import { accessSettings } from '../../access/settings.ts';
import { tokenRequest } from '../../api/routes/auth.ts';
import { loadConfig } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { openWarehouse, warehouseOptionsFor } from '../../warehouse/open.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { parseFlags } from '../args.ts';

const HELP = `usage: mortar user <action> [options] -c FILE

  add NAME --role R [--role R ...] [--attr KEY=VALUE ...] [--password-stdin | --no-password]
                                          --no-password: the user signs in only through OIDC
                                          (needs access.oidc.roles_from: store)
  passwd NAME [--password-stdin]          set a new password (ends the user's sessions)
  disable NAME | enable NAME              a disabled user cannot sign in; sessions end, tokens are revoked
  roles NAME --role R [--role R ...]      replace the user's roles
  list                                    users with roles, attributes and state
  token NAME --name LABEL --permission P [--permission P ...] [--expires 30d]
                                          prints a new API token once (send it as "Authorization: Bearer ...")
  revoke TOKEN_ID                         revokes an API token

Passwords are read from the terminal without echo, or with --password-stdin from the first line
of standard input. Roles: the built-in admin, analyst, viewer, auditor and those of the access policy
(access.roles, or the policy saved on the admin page).`;

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    throw new UserError('bad_request', 'no password on standard input', [
      { where: 'stdin', message: 'empty', hint: 'echo "$PASSWORD" | mortar user ... --password-stdin' },
    ]);
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      process.stderr.write(prompt);
      const stdin = process.stdin;
      stdin.setRawMode(true);
      stdin.resume();
      let text = '';
      const onData = (buf: Buffer) => {
        for (const ch of buf.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.setRawMode(false);
            stdin.pause();
            stdin.off('data', onData);
            process.stderr.write('\n');
            resolve(text);
            return;
          }
          if (ch === '\u0003') process.exit(130);
          if (ch === '\u007f') text = text.slice(0, -1);
          else text += ch;
        }
      };
      stdin.on('data', onData);
    });
  const a = await ask('password: ');
  const b = await ask('again:    ');
  if (a !== b) throw new UserError('bad_request', 'the two passwords differ; nothing changed');
  return a;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      config: { type: 'string', short: 'c', default: 'mortar.yaml' },
      role: { type: 'string', multiple: true },
      attr: { type: 'string', multiple: true },
      permission: { type: 'string', multiple: true },
      name: { type: 'string' },
      expires: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'no-password': { type: 'boolean' },
    },
    HELP,
  );
  const [action, target] = positionals;
  if (!action) throw new UserError('bad_request', `which action?\n\n${HELP}`);
  const config = loadConfig(values.config as string);
  const settings = accessSettings(config);
  // A ClickHouse warehouse holds the access records; an embedded DuckDB (locked by a running
  // server) is not opened: its access store is the SQLite file beside it.
  const warehouse: Warehouse | undefined =
    config.warehouse.type === 'clickhouse' ? await openWarehouse(warehouseOptionsFor(config)) : undefined;
  let store: AccessBackend;
  try {
    store = openAccessBackend(config, warehouse);
  } catch (e) {
    await warehouse?.close();
    throw e;
  }
  // The roles in force: the configuration's, or the policy saved on the admin page.
  const control = new AccessControl(store, settings);
  await control.refreshPolicy(true);
  const roles = control.roles;
  const actor = `cli:${osUser().username}`;
  const audit = (action: string, target: string, detail?: Record<string, unknown>) =>
    store.audit({ at: now, actor, action, target, outcome: 'ok', detail });
  const now = Date.now();
  const v = values as Record<string, unknown>;
  const list = (k: string) => (v[k] as string[] | undefined) ?? [];
  const needName = (): string => {
    if (!target) throw new UserError('bad_request', `"mortar user ${action}" needs a user name\n\n${HELP}`);
    return target;
  };
  const checkRoles = (rs: string[]): string[] => {
    if (rs.length === 0)
      throw new UserError('bad_request', 'give at least one --role', [
        { where: '--role', message: 'missing', hint: `one of ${Object.keys(roles).join(', ')}` },
      ]);
    const unknown = rs.filter((r) => !(r in roles));
    if (unknown.length)
      throw new UserError('bad_request', `unknown role ${unknown.join(', ')}`, [
        { where: '--role', message: unknown.join(', '), hint: `one of ${Object.keys(roles).join(', ')}` },
      ]);
    return rs;
  };
  const mustExist = async (name: string) => {
    if (!(await store.user(name)))
      throw new UserError('not_found', `no user "${name}"`, [
        { where: name, message: 'unknown', hint: 'mortar user list' },
      ]);
  };
  try {
    switch (action) {
      case 'add': {
        const name = needName();
        if (!/^[a-z][a-z0-9._-]{0,63}$/.test(name))
          throw new UserError(
            'bad_request',
            'a user name is lower-case letters, digits, ".", "_" or "-", starting with a letter',
          );
        const rs = checkRoles(list('role'));
        const attrs: Record<string, string> = {};
        for (const a of list('attr')) {
          const m = /^([A-Za-z_][\w.-]*)=(.*)$/.exec(a);
          if (!m) throw new UserError('bad_request', `--attr takes KEY=VALUE, not "${a}"`);
          attrs[m[1]!] = m[2]!;
        }
        if (await store.user(name))
          throw new UserError('conflict', `user "${name}" exists`, [
            {
              where: name,
              message: 'exists',
              hint: `mortar user passwd ${name} or mortar user roles ${name}`,
            },
          ]);
        const noPassword = v['no-password'] === true;
        if (noPassword && v['password-stdin'] === true)
          throw new UserError('bad_request', '--no-password and --password-stdin contradict each other', [
            { where: '--no-password', message: 'with --password-stdin', hint: 'give one of them' },
          ]);
        // Without a password the only way in is OIDC looking the user up in this store; with
        // roles_from: claim (or no OIDC) such a user could never sign in.
        if (noPassword && settings.oidc?.rolesFrom !== 'store')
          throw new UserError(
            'bad_request',
            'a user without a password signs in only through OIDC with access.oidc.roles_from: store, which this configuration does not set',
            [
              {
                where: '--no-password',
                message: settings.oidc ? `roles_from: ${settings.oidc.rolesFrom}` : 'no access.oidc',
                hint: 'configure access.oidc with roles_from: store, or add the user with a password',
              },
            ],
          );
        let passwordHash: string | null = null;
        if (!noPassword) {
          const password = await readPassword(v['password-stdin'] === true);
          checkPasswordPolicy(password);
          passwordHash = await hashPassword(password);
        }
        await store.addUser({ name, passwordHash, roles: rs, attrs }, now);
        await audit('user_add', name, {
          roles: rs,
          attrs,
          ...(noPassword ? { password: '(none: oidc only)' } : {}),
        });
        console.log(
          `added ${name} (${rs.join(', ')})${noPassword ? ', without a password: signs in through OIDC' : ''}`,
        );
        if (!settings.enabled)
          console.error(
            'note: access.enabled is false in this configuration, so sign-in is not required yet',
          );
        return 0;
      }
      case 'passwd': {
        const name = needName();
        await mustExist(name);
        const password = await readPassword(v['password-stdin'] === true);
        checkPasswordPolicy(password);
        await store.updateUser(name, { passwordHash: await hashPassword(password) });
        await store.resetFailedLogins(name);
        await audit('user_change', name, { password: '(changed)' });
        console.log(`password of ${name} changed; their sessions ended`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        const name = needName();
        await mustExist(name);
        await store.updateUser(name, { disabled: action === 'disable' });
        await audit('user_change', name, { disabled: action === 'disable' });
        console.log(`${name} ${action}d`);
        return 0;
      }
      case 'roles': {
        const name = needName();
        await mustExist(name);
        const rs = checkRoles(list('role'));
        await store.updateUser(name, { roles: rs });
        await audit('user_change', name, { roles: rs });
        console.log(`${name}: ${rs.join(', ')}`);
        return 0;
      }
      case 'list': {
        for (const u of await store.users())
          console.log(
            `${u.name}\t${u.roles.join(',')}\t${
              Object.entries(u.attrs)
                .map(([k, x]) => `${k}=${x}`)
                .join(',') || '-'
            }\t${u.disabled ? 'disabled' : u.lockedUntil > now ? 'locked' : 'active'}`,
          );
        return 0;
      }
      case 'token': {
        const name = needName();
        await mustExist(name);
        const req = tokenRequest({ name: v.name, permissions: list('permission'), expires: v.expires }, now);
        const t = await store.createToken({ user: name, ...req }, now);
        await audit('token_create', t.id, { user: name, name: req.name, permissions: req.permissions });
        console.error(
          `token ${t.id} for ${name} (${req.permissions.join(', ')})${req.expiresAt ? `, expires ${new Date(req.expiresAt).toISOString()}` : ''}; shown once:`,
        );
        console.log(t.token);
        return 0;
      }
      case 'revoke': {
        const id = needName();
        if (!(await store.revokeToken(id, now))) throw new UserError('not_found', `no active token "${id}"`);
        await audit('token_revoke', id);
        console.log(`token ${id} revoked`);
        return 0;
      }
      default:
        throw new UserError('bad_request', `unknown action "${action}"\n\n${HELP}`);
    }
  } finally {
    await store.close();
    await warehouse?.close();
  }
}
