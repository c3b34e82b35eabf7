// `mortar user`: adds users, changes passwords, disables, issues tokens, all through the real CLI
// process against the real access store; errors say what to do.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/access/password.ts';
import { AccessStore } from '../../src/access/store.ts';

const BIN = fileURLToPath(new URL('../../bin/mortar.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mortar-user-cli-'));
const cfg = join(dir, 'mortar.yaml');
writeFileSync(cfg, `data_dir: ${dir}\naccess:\n  enabled: true\n`);

const mortar = (args: string[], input?: string) =>
  spawnSync(process.execPath, [BIN, 'user', ...args, '-c', cfg], {
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
});
