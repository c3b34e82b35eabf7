// The demo with sign-in on (`mortar demo --sign-in`): three users to try the access model with,
// created in the data directory's access store on the first start. An admin; an operator who sees
// only the north half of the site (its sensor controllers and its console); an analyst, who sees
// operator names masked (the demo configuration masks attrs.operator). Their passwords are random
// per data directory (kept in demo-users.json beside the store, readable by its owner only, and
// printed at every start), or all MORTAR_DEMO_PASSWORD for scripted runs.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPasswordPolicy, hashPassword } from '../access/password.ts';
import { accessStorePath } from '../access/settings.ts';
import { AccessStore } from '../access/store.ts';
import type { Config } from '../config/load.ts';
import { UserError } from '../events/errors.ts';

/** The operator's role: the sensor controllers of the north half and the console showing their alarms. */
export const DEMO_OPERATOR_ROLE = {
  description: 'control-room operator of the north half (areas north, east, south)',
  permissions: ['view_cockpit', 'view_reports', 'view_raw'],
  scopes: { events: ['component in [sc-01, sc-02, sc-03, op-console-1]'] },
};

const USERS = [
  { name: 'admin', roles: ['admin'] },
  { name: 'operator', roles: ['north-operator'] },
  { name: 'analyst', roles: ['analyst'] },
] as const;

/** `config` with sign-in on and the operator's role added (the demo configuration keeps it off). */
export function withDemoSignIn(config: Config): Config {
  if (!config.access) throw new Error('the demo configuration has an access section');
  return {
    ...config,
    access: {
      ...config.access,
      enabled: true,
      roles: { ...config.access.roles, 'north-operator': DEMO_OPERATOR_ROLE },
    },
  };
}

/** Creates the demo users that are missing; returns each with the password to sign in with. */
export async function ensureDemoUsers(
  config: Config,
): Promise<{ name: string; role: string; password: string }[]> {
  const fixed = process.env.MORTAR_DEMO_PASSWORD;
  if (fixed !== undefined) {
    try {
      checkPasswordPolicy(fixed);
    } catch (e) {
      if (e instanceof UserError)
        throw new UserError('config_invalid', `MORTAR_DEMO_PASSWORD is too short: ${e.message}`, [
          {
            where: 'MORTAR_DEMO_PASSWORD',
            message: `${fixed.length} characters`,
            hint: 'use a longer passphrase, or unset it for random ones',
          },
        ]);
      throw e;
    }
  }
  const file = join(config.dataDir, 'demo-users.json');
  const saved: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const passwords: Record<string, string> = {};
  for (const u of USERS) passwords[u.name] = fixed ?? saved[u.name] ?? randomBytes(12).toString('base64url');
  if (fixed === undefined) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const store = AccessStore.open(accessStorePath(config));
  try {
    for (const u of USERS) {
      const existing = store.user(u.name);
      // A fixed password applies at every start; a random one stays what demo-users.json says, so
      // an existing user with its saved password is left alone (no argon2 hash at every start).
      if (existing && fixed === undefined && saved[u.name] !== undefined) continue;
      const passwordHash = await hashPassword(passwords[u.name]!);
      if (!existing) store.addUser({ name: u.name, passwordHash, roles: [...u.roles] }, Date.now());
      else store.updateUser(u.name, { passwordHash });
    }
  } finally {
    store.close();
  }
  return USERS.map((u) => ({ name: u.name, role: u.roles[0], password: passwords[u.name]! }));
}
