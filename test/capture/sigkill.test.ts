// Crash safety of the whole capture path: a child process runs the real ingest (file source ->
// pipeline -> DuckDB) while this process writes numbered lines and rotates the log (rename,
// copytruncate, gzip of older files); the child is killed with SIGKILL at random moments — while
// reading, committing, or handling a rotation — and started again, more than 20 times. Finally it
// drains, and every line number is in the `events` table exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  exactlyOnce,
  LineWriter,
  removeTempDataDirs,
  stored,
  tempDataDir,
  writeConfig,
} from './ingest-harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./ingest-child.ts', import.meta.url));
const PARSE_WORKER = fileURLToPath(new URL('../../src/pipeline/parse-worker.ts', import.meta.url));
let bundle: string;
const KILLS = 22;

afterAll(removeTempDataDirs);

/**
 * Loading the ingest through tsx costs about 2 CPU-seconds per process (and thread), which would make two dozen
 * restarts slow; the child and its parse worker are bundled once (vite, as for the web app) into one ES module in a temp
 * directory — the same sources, transformed once. DuckDB's native package is imported from its place.
 */
beforeAll(async () => {
  const outDir = join(tempDataDir('mortar-sigkill-child-'), 'child');
  const duckdb = pathToFileURL(createRequire(import.meta.url).resolve('@duckdb/node-api')).href;
  await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    ssr: { noExternal: true, external: ['@duckdb/node-api'] },
    build: {
      ssr: true,
      outDir,
      minify: false,
      target: 'node20',
      rollupOptions: {
        // The parse worker is bundled beside the child under the name the parse pool starts
        // (parse-worker.mjs next to it), so the killed processes run with their worker threads.
        input: { 'ingest-child': CHILD, 'parse-worker': PARSE_WORKER },
        external: ['@duckdb/node-api'],
        output: { format: 'es', entryFileNames: '[name].mjs', paths: { '@duckdb/node-api': duckdb } },
      },
    },
  });
  bundle = join(outDir, 'ingest-child.mjs');
}, 60_000);

interface Child {
  child: ChildProcess;
  /** Lets a loaded child open the warehouse and start; resolves once it is ingesting. */
  go(): Promise<void>;
  exit: Promise<number | null>;
  output: () => string;
}

/** Spawns a child that loads its modules and waits for `go`. */
function spawnChild(dir: string, ...args: string[]): Child {
  const child = spawn(process.execPath, [bundle, dir, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const seen = (what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes(`${what}\n`)) resolve();
      };
      child.stdout!.on('data', check);
      check();
      void exit.then(() => reject(new Error(`child exited before "${what}":\n${out}`)));
    });
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const loaded = seen('loaded');
  // Killed before it loaded (the spare at the end): not an error.
  loaded.catch(() => {});
  return {
    child,
    exit,
    output: () => out,
    async go() {
      await loaded;
      child.stdin!.write('go\n');
      await seen('ready');
    },
  };
}

/** A small deterministic generator, so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Shifts app.log.N.gz up by one, compresses app.log.1 to app.log.2.gz: nothing is ever deleted unread. */
function shiftArchives(w: LineWriter): void {
  const logs = readdirSync(w.path('.'));
  const numbers = logs
    .map((f) => /^app\.log\.(\d+)\.gz$/.exec(f)?.[1])
    .filter(Boolean)
    .map(Number);
  for (const n of numbers.sort((a, b) => b - a))
    renameSync(w.path(`app.log.${n}.gz`), w.path(`app.log.${n + 1}.gz`));
  if (existsSync(w.path('app.log.1'))) {
    writeFileSync(w.path('app.log.2.gz'), gzipSync(readFileSync(w.path('app.log.1'))));
    unlinkSync(w.path('app.log.1'));
  }
}

it(`keeps every line exactly once across ${KILLS} SIGKILLs during writes and rotations`, async () => {
  const seed = Number(process.env.MORTAR_SIGKILL_SEED ?? Date.now() % 1_000_000);
  const rnd = random(seed);
  const dir = tempDataDir('mortar-sigkill-');
  writeConfig(dir, ['logs/app.log*']);
  const w = new LineWriter(dir);
  w.create('app.log');
  let writing = true;
  let rotations = 0;
  const writer = (async () => {
    for (let i = 1; writing; i++) {
      w.lines(40 + Math.floor(rnd() * 80));
      if (i % 25 === 0) {
        shiftArchives(w);
        if (rotations++ % 2 === 0) {
          renameSync(w.path('app.log'), w.path('app.log.1'));
          const old = w.create('app.log');
          w.lines(5, old);
          w.close(old);
        } else {
          copyFileSync(w.path('app.log'), w.path('app.log.1'));
          truncateSync(w.path('app.log'), 0);
        }
      }
      await sleep(20);
    }
  })();

  let kills = 0;
  // Loading a process takes seconds: the next ones load while the current one ingests.
  const spares = [spawnChild(dir, 'run'), spawnChild(dir, 'run'), spawnChild(dir, 'run')];
  try {
    for (; kills < KILLS; kills++) {
      const c = spares.shift()!;
      await c.go();
      if (kills + spares.length + 1 < KILLS) spares.push(spawnChild(dir, 'run'));
      await sleep(30 + rnd() * 400);
      c.child.kill('SIGKILL');
      await c.exit;
    }
  } finally {
    writing = false;
    await writer;
    for (const spare of spares) spare.child.kill('SIGKILL');
  }
  const c = spawnChild(dir, 'drain', String(w.next + w.headers));
  await c.go();
  expect(await c.exit, c.output()).toBe(0);
  const s = await stored(dir);
  const report = `seed ${seed}, ${kills} kills, ${rotations} rotations, ${w.next} lines`;
  console.log(`sigkill: ${report}, ${s.rows} rows stored`);
  expect(exactlyOnce(s, w.next), report).toEqual({ missing: [], duplicates: [] });
  expect(s.headers, report).toBe(w.headers);
  expect(s.distinctIds, report).toBe(s.rows);
  expect(s.deadLetters, report).toBe(0);
  expect(rotations).toBeGreaterThan(5);
}, 90_000);
