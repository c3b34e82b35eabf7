// Every rotation style × every restart point, through the real ingest into a real DuckDB file: a
// writer writes numbered lines (every file starting with the same header line) and rotates while
// the pipeline reads, is stopped and restarted with what it committed. At the end every line
// number is stored exactly once, every file's header once, and no event id twice.
//
// Restart points: none; before (stopped before the rotation, restarted after it: the rotation
// happens while Mortar is down, with unread lines in the old file); during (restarted in the
// middle: between rename and create, copy and truncate, gzip and delete, create and symlink
// switch, two rotations); after (restarted once the rotation is done).
//
// Delete and truncate destroy what was not read yet: for them the pipeline has caught up before
// it is stopped or the file is truncated (no reader can recover bytes that no longer exist).
import {
  copyFileSync,
  existsSync,
  readFileSync,
  renameSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  exactlyOnce,
  HEADER,
  IngestRunner,
  LineWriter,
  removeTempDataDirs,
  stored,
  tempDataDir,
  writeConfig,
} from './ingest-harness.ts';

/** `destroys`: the step destroys bytes not read yet (the pipeline must have caught up before). */
type Step = { run: (w: LineWriter) => void; destroys?: boolean };

interface Style {
  include: string[];
  /** false: the writer keeps its own offset (no O_APPEND), leaving a NUL hole after a truncation. */
  append?: boolean;
  /** Unread bytes are destroyed if the pipeline is not running (delete, truncate). */
  lossyWhileStopped?: boolean;
  first: string;
  setup?: (w: LineWriter) => void;
  steps: Step[];
  /** "during" restarts before this step. */
  duringAt?: number;
}

const gzip = (w: LineWriter, from: string, to: string) => {
  writeFileSync(w.path(to), gzipSync(readFileSync(w.path(from))));
  unlinkSync(w.path(from));
};

/** logrotate-like: app.log.2.gz -> .3.gz, app.log.1 -> app.log.2.gz, app.log -> app.log.1, new app.log. */
const logrotate: Step = {
  run(w) {
    if (existsSync(w.path('app.log.2.gz'))) renameSync(w.path('app.log.2.gz'), w.path('app.log.3.gz'));
    if (existsSync(w.path('app.log.1'))) gzip(w, 'app.log.1', 'app.log.2.gz');
    renameSync(w.path('app.log'), w.path('app.log.1'));
    const old = w.create('app.log');
    w.lines(5, old);
    w.close(old);
    w.lines(40);
  },
};

const STYLES: Record<string, Style> = {
  rename: {
    include: ['app.log*'],
    first: 'app.log',
    steps: [
      {
        run(w) {
          renameSync(w.path('app.log'), w.path('app.log.1'));
          // The writer still holds the renamed file open and writes on for a moment.
          w.lines(20);
        },
      },
      {
        run(w) {
          const old = w.create('app.log');
          w.lines(30);
          w.lines(10, old);
          w.close(old);
        },
      },
    ],
  },
  copytruncate: {
    include: ['app.log*'],
    first: 'app.log',
    steps: [
      { run: (w) => copyFileSync(w.path('app.log'), w.path('app.log.1')) },
      { run: (w) => truncateSync(w.path('app.log'), 0) },
    ],
  },
  'copytruncate, writer keeps its offset (NUL hole)': {
    include: ['app.log*'],
    append: false,
    first: 'app.log',
    steps: [
      { run: (w) => copyFileSync(w.path('app.log'), w.path('app.log.1')) },
      { run: (w) => truncateSync(w.path('app.log'), 0) },
    ],
  },
  'delete and recreate': {
    include: ['app.log'],
    lossyWhileStopped: true,
    first: 'app.log',
    steps: [
      {
        run(w) {
          w.close();
          unlinkSync(w.path('app.log'));
        },
        // Unless Mortar opened the file before it went, no reader can get its bytes back.
        destroys: true,
      },
      { run: (w) => w.create('app.log') },
    ],
  },
  truncate: {
    include: ['app.log'],
    lossyWhileStopped: true,
    first: 'app.log',
    steps: [
      { run: (w) => truncateSync(w.path('app.log'), 0), destroys: true },
      {
        run(w) {
          // The application starts its log over, header first.
          w.raw(`${HEADER}\n`);
          w.headers++;
        },
      },
    ],
  },
  'gzip of the rotated file': {
    include: ['app.log*'],
    first: 'app.log',
    duringAt: 2,
    steps: [
      {
        run(w) {
          renameSync(w.path('app.log'), w.path('app.log.1'));
          const old = w.create('app.log');
          w.lines(10, old);
          w.close(old);
        },
      },
      { run: (w) => writeFileSync(w.path('app.log.1.gz'), gzipSync(readFileSync(w.path('app.log.1')))) },
      { run: (w) => unlinkSync(w.path('app.log.1')) },
    ],
  },
  'symlink switch': {
    include: ['current.log'],
    first: 'app-1.log',
    setup: (w) => symlinkSync('app-1.log', w.path('current.log')),
    steps: [
      {
        run(w) {
          w.previous = w.create('app-2.log');
          w.lines(20);
          w.lines(5, w.previous);
        },
      },
      {
        run(w) {
          symlinkSync('app-2.log', w.path('current.tmp'));
          renameSync(w.path('current.tmp'), w.path('current.log'));
          // The old target still gets its last lines after the switch.
          w.lines(5, w.previous);
          w.close(w.previous);
        },
      },
    ],
  },
  'three rotations (rename, gzip, shift)': {
    include: ['app.log*'],
    first: 'app.log',
    steps: [logrotate, logrotate, logrotate],
  },
};

const POINTS = ['none', 'before', 'during', 'after'] as const;

async function cell(style: Style, point: (typeof POINTS)[number]): Promise<void> {
  const dir = tempDataDir();
  writeConfig(
    dir,
    style.include.map((g) => `logs/${g}`),
  );
  const w = new LineWriter(dir, style.append ?? true);
  const r = new IngestRunner(dir);
  w.create(style.first);
  style.setup?.(w);
  w.lines(100);
  await r.start();
  // Mortar is running and has seen the first file before anything happens to it.
  await r.waitForCommitted(101);
  await w.burst(200);
  const written = () => w.next + w.headers;
  const stop = async () => {
    if (style.lossyWhileStopped) await r.waitForCommitted(written());
    await r.stop();
  };
  if (point === 'before') {
    await stop();
    if (!style.lossyWhileStopped) w.lines(50);
  }
  for (const [i, step] of style.steps.entries()) {
    if (point === 'during' && i === (style.duringAt ?? 1)) {
      await stop();
      await r.start();
      // Let the new run find the rotation half done.
      await sleep(60);
    }
    if (step.destroys && r.running) await r.waitForCommitted(written());
    step.run(w);
    if (r.running) await sleep(30);
  }
  if (point === 'before') await r.start();
  await w.burst(150);
  if (point === 'after') {
    await stop();
    w.lines(50);
    await r.start();
  }
  await w.burst(100);
  await r.waitForCommitted(written());
  await sleep(150);
  await r.stop();
  const s = await stored(dir);
  expect(exactlyOnce(s, w.next)).toEqual({ missing: [], duplicates: [] });
  expect(s.headers).toBe(w.headers);
  expect(s.rows).toBe(w.next + w.headers);
  expect(s.distinctIds).toBe(s.rows);
  expect(s.deadLetters).toBe(0);
}

afterAll(removeTempDataDirs);

describe.concurrent('rotation matrix: every line exactly once through the real ingest', () => {
  for (const [name, style] of Object.entries(STYLES)) {
    for (const point of POINTS) {
      it(`${name}, restart ${point}`, () => cell(style, point), 30_000);
    }
  }
});
