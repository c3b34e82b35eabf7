// `mortar user`: adds users, changes passwords, disables, issues tokens, all through the real CLI
// process against the real access store; errors say what to do.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/access/access-control.ts';
import { verifyPassword } from '../../src/access/password.ts';
import { accessSettings } from '../../src/access/settings.ts';
import { AccessStore } from '../../src/access/store.ts';
import { loadConfig } from '../../src/config/load.ts';

const BIN = fileURLToPath(new URL('../../bin/mortar.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mortar-user-cli-'));
const cfg = join(dir, 'mortar.yaml');
writeFileSync(cfg, `data_dir: ${dir}\naccess:\n  enabled: true\n`);

// the same installation with OIDC sign-in looking users up in the store
const oidcCfg = join(dir, 'mortar-oidc.yaml');
writeFileSync(
  oidcCfg,
  `data_dir: ${dir}\naccess:\n  enabled: true\n  oidc:\n    issuer: https://idp.example/realms/x\n    client_id: m\n    redirect_url: https://mortar.example/api/auth/oidc/callback\n    roles_from: store\n`,
);

const mortar = (args: string[], input?: string, config = cfg) =>
  spawnSync(process.execPath, [BIN, 'user', ...args, '-c', config], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('mortar user', () => {
  it('adds, lists, changes the password, disables, and issues a token', async () => {
    const add = mortar(
      ['add', 'ann', '--role', 'analyst', '--attr', 'site=north', '--password-stdin'],
      'ann-first-password\n',
    );
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    expect(
      mortar(['add', 'ann', '--role', 'analyst', '--password-stdin'], 'x-long-password\n').stderr,
    ).toMatch(/exists/);
    const short = mortar(['add', 'bob', '--role', 'viewer', '--password-stdin'], 'short\n');
    expect(short.status).not.toBe(0);
    expect(short.stderr).toMatch(/at least 10 characters/);
    const badRole = mortar(['add', 'bob', '--role', 'wizard', '--password-stdin'], 'long-enough-pass\n');
    expect(badRole.stderr).toMatch(/unknown role wizard[\s\S]*admin, analyst, viewer, auditor/);

    expect(mortar(['list']).stdout).toMatch(/^ann\tanalyst\tsite=north\tactive$/m);
    expect(mortar(['passwd', 'ann', '--password-stdin'], 'ann-second-password\n').status).toBe(0);
    const tok = mortar([
      'token',
      'ann',
      '--name',
      'nightly export',
      '--permission',
      'export',
      '--expires',
      '7d',
    ]);
    expect(tok.status).toBe(0);
    const token = tok.stdout.trim();
    expect(token).toMatch(/^mortar_[0-9a-f]{12}_/);
    expect(mortar(['disable', 'ann']).status).toBe(0);

    const store = AccessStore.open(join(dir, 'access.sqlite'));
    try {
      const ann = store.user('ann')!;
      expect(ann.disabled).toBe(true);
      expect(await verifyPassword(ann.passwordHash!, 'ann-second-password')).toBe(true);
      expect(store.validToken(token, Date.now())).toBeUndefined(); // disabling revoked it
      const actions = store.auditLog({ limit: 50 }).map((r) => `${r.action}:${r.target}`);
      expect(actions).toEqual(expect.arrayContaining(['user_add:ann', 'user_change:ann']));
      expect(store.auditLog({ limit: 50 }).every((r) => r.actor.startsWith('cli:'))).toBe(true);
    } finally {
      store.close();
    }
  });

  it('adds an OIDC-only user without a password, whom password sign-in refuses', async () => {
    // without roles_from: store such a user could never sign in: refused, nothing added
    const plain = mortar(['add', 'olly', '--role', 'viewer', '--no-password']);
    expect(plain.status).not.toBe(0);
    expect(plain.stderr).toMatch(/roles_from: store[\s\S]*add the user with a password/);
    const both = mortar(
      ['add', 'olly', '--role', 'viewer', '--no-password', '--password-stdin'],
      'x\n',
      oidcCfg,
    );
    expect(both.status).not.toBe(0);
    expect(both.stderr).toMatch(/contradict/);

    const add = mortar(['add', 'olly', '--role', 'viewer', '--no-password'], undefined, oidcCfg);
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    expect(add.stdout).toMatch(/added olly \(viewer\), without a password/);
    expect(mortar(['list'], undefined, oidcCfg).stdout).toMatch(/^olly\tviewer\t-\tactive$/m);

    const store = AccessStore.open(join(dir, 'access.sqlite'));
    try {
      const olly = store.user('olly')!;
      expect(olly.passwordHash).toBeNull();
      expect(olly.roles).toEqual(['viewer']);
      // the password login refuses the user (whatever is typed) and says why in the audit log
      const access = new AccessControl(store, accessSettings(loadConfig(oidcCfg)));
      await expect(access.login('olly', '', '127.0.0.1')).rejects.toThrow();
      await expect(access.login('olly', 'any-long-password', '127.0.0.1')).rejects.toThrow();
      const refused = store.auditLog({ limit: 50 }).filter((r) => r.action === 'login' && r.actor === 'olly');
      expect(refused.length).toBe(2);
      for (const r of refused) {
        expect(r.outcome).toBe('failed');
        expect(r.detail).toMatchObject({ reason: 'no password (signs in through oidc)' });
      }
      const added = store.auditLog({ limit: 50 }).find((r) => r.action === 'user_add' && r.target === 'olly');
      expect(added?.detail).toMatchObject({ roles: ['viewer'], password: '(none: oidc only)' });
    } finally {
      store.close();
    }
  });
});
