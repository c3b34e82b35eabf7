// Helpers for the browser tests: build the web app when it is missing or stale, start the real demo
// (`mortar demo`) on a free port and stop it, and launch Debian's Chromium through playwright-core.
// MORTAR_TEST_URL=http://host:port/ points the tests at a server that is already running instead.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.MORTAR_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENS_DIR = process.env.MORTAR_SCREENS ?? join(tmpdir(), 'mortar-screens');

/** Builds web/dist unless it is newer than every file under web/src, web/public and web/index.html. */
export function ensureWebBuild(): void {
  const built = join(ROOT, 'web/dist/index.html');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const sources = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts'].map((p) => join(ROOT, p));
  if (builtAt > 0 && sources.every((p) => newestMtime(p) <= builtAt)) return;
  const res = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (res.status !== 0) throw new Error(`vite build failed:\n${res.stdout}\n${res.stderr}`);
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 2xx, or throws after `timeoutMs` with what was tried. */
export async function waitForUrl(
  url: string,
  timeoutMs: number,
  alive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the server exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (last: ${last})`);
}

export interface Demo {
  /** Base URL with a trailing slash. */
  url: string;
  /** What the demo printed so far (stdout and stderr). */
  output(): string;
  /** The demo's data directory (the simulator writes under sim/); unknown for MORTAR_TEST_URL. */
  dataDir?: string;
  stop(): Promise<void>;
}

/** Starts `node bin/mortar.js demo` on a free port with a fresh data directory. */
export async function startDemo(): Promise<Demo> {
  const external = process.env.MORTAR_TEST_URL;
  if (external) {
    const url = external.endsWith('/') ? external : `${external}/`;
    await waitForUrl(`${url}api/health`, 10_000);
    return { url, output: () => '', stop: async () => {} };
  }
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'mortar-browser-'));
  const child = spawn(process.execPath, ['bin/mortar.js', 'demo', '--port', String(port), '--data', data], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    await stopProcess(child, 10_000);
    rmSync(data, { recursive: true, force: true });
  };
  try {
    await waitForUrl(`${url}api/health`, 60_000, () => child.exitCode === null && child.signalCode === null);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n--- demo output ---\n${out}`);
  }
  return { url, output: () => out, dataDir: data, stop };
}

/**
 * Starts `node bin/mortar.js serve -c CONFIG` on `port` and waits until it answers `/api/auth/me`
 * (it is up and its access settings are loaded). The caller stops it with stopProcess.
 */
export async function startServe(
  config: string,
  port: number,
  env: NodeJS.ProcessEnv = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/mortar.js', 'serve', '-c', config, '--port', String(port)], {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, ...env },
  });
  await waitForUrl(`http://127.0.0.1:${port}/api/auth/me`, 60_000, () => child.exitCode === null);
  return child;
}

/** SIGINT, then SIGKILL if the process has not exited within `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (or set MORTAR_CHROMIUM)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Path for a screenshot named `name` in SCREENS_DIR (created on first use). */
export function screenshotPath(name: string): string {
  mkdirSync(SCREENS_DIR, { recursive: true });
  return join(SCREENS_DIR, `${name}.png`);
}
