// A real `mortar serve` (DuckDB, access on) whose access.oidc points at a test provider
// (oidc-provider.ts), with a local admin "ada" (password ada-local-password) beside the provider's
// users. Shared by the OIDC API suites; `oidcYaml` adds lines under access.oidc (indented by 4),
// `accessYaml` lines under access (indented by 2).
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../src/access/password.ts';
import { AccessStore } from '../../src/access/store.ts';
import { freePort, ROOT, waitForUrl } from '../browser/helpers.ts';
import type { TestProvider } from './oidc-provider.ts';

export async function serveWithOidc(
  dir: string,
  provider: TestProvider,
  oidcYaml: string,
  accessYaml = '',
): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'mortar.yaml'),
    `include: [${join(ROOT, 'config/demo/subsystems.yaml')}]
data_dir: ${dir}
access:
  enabled: true
  logins_per_minute: 1000
  oidc:
    name: Test IdP
    issuer: ${provider.issuer}
    client_id: mortar-test
    client_secret_env: MORTAR_TEST_OIDC_SECRET
    redirect_url: ${base}/api/auth/oidc/callback
    scopes: [openid, profile, groups]
    roles_claim: groups
${oidcYaml}${accessYaml}`,
  );
  const store = AccessStore.open(join(dir, 'access.sqlite'));
  store.addUser({ name: 'ada', passwordHash: await hashPassword('ada-local-password'), roles: ['admin'] }, 0);
  store.close();
  const child = spawn(
    process.execPath,
    ['bin/mortar.js', 'serve', '-c', join(dir, 'mortar.yaml'), '--port', String(port)],
    { cwd: ROOT, stdio: 'ignore', env: { ...process.env, MORTAR_TEST_OIDC_SECRET: 'a-client-secret' } },
  );
  await waitForUrl(`${base}/api/auth/me`, 60_000, () => child.exitCode === null);
  return { child, base };
}
