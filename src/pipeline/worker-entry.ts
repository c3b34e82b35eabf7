// What a parse worker thread runs. The CLI runs the TypeScript sources through tsx, and a worker
// loading them the same way pays for it in memory: tsx's module hooks run in a loader thread of
// their own, and every module is transformed again in each worker (about 38 MB of RSS per worker,
// measured, against about 10 MB for the same code as one plain module). So the worker's module
// graph is bundled once per process, in memory, by esbuild (the transformer tsx itself uses; about
// 0.1 s), and each worker starts from that text as a `data:` URL. esbuild inlines every package
// and leaves only Node's built-in modules, which resolve from a `data:` URL too, so the bundle
// needs no file. Should esbuild be unusable, the workers load the sources through tsx as before
// (parse-worker.mjs): slower to start and larger, but the same code.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const SOURCE = new URL('./parse-worker.ts', import.meta.url);
const TSX_ENTRY = new URL('./parse-worker.mjs', import.meta.url);

export interface WorkerEntry {
  url: URL;
  /** For the tsx entry: the TypeScript module it loads. */
  workerData: { entry?: string };
  /** Why the bundle could not be made, when the tsx entry is used instead. */
  fallbackReason?: string;
}

let cached: WorkerEntry | undefined;

/** The tsx entry: the worker loads its TypeScript sources through tsx's loader. */
export const tsxWorkerEntry = (reason: string): WorkerEntry => ({
  url: TSX_ENTRY,
  workerData: { entry: SOURCE.href },
  fallbackReason: reason,
});

/** Bundles the worker's modules into one ES module, as a data: URL; throws when esbuild cannot. */
export function bundledWorkerEntry(): WorkerEntry {
  // esbuild's command (its binary, or the package's launcher for it) as a child process that ends
  // with the build: the JS API's buildSync leaves a service process running beside Mortar.
  const esbuild = createRequire(import.meta.url).resolve('esbuild/bin/esbuild');
  const code = execFileSync(
    esbuild,
    [
      fileURLToPath(SOURCE),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--log-level=error',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return {
    url: new URL(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`),
    workerData: {},
  };
}

/** The parse worker's entry: the in-memory bundle, or the tsx entry when it cannot be made. */
export function parseWorkerEntry(): WorkerEntry {
  if (cached) return cached;
  if (process.env.MORTAR_PARSE_WORKER_TSX === '1') {
    cached = tsxWorkerEntry('MORTAR_PARSE_WORKER_TSX=1');
    return cached;
  }
  try {
    cached = bundledWorkerEntry();
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    cached = tsxWorkerEntry(reason);
    process.emitWarning(`parse workers load their sources through tsx (more memory): ${reason}`);
  }
  return cached;
}
