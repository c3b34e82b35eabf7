// Fuzz: hostile input through real pipelines (regex + strptime time, json, syslog, kv + filter)
// into a real DuckDB file, in a child process. Random bytes, invalid UTF-8, NUL bytes, a 5 MB
// line (kept under one pipeline's limit, rejected over another's), broken and deeply nested JSON,
// hostile timestamps. The process must finish, its peak RSS (VmHWM, read from /proc by this
// process) stay under 512 MB, and every line be accounted for: lines written = read + skipped
// empty lines, read = events + dead letters + filtered, and the warehouse holds exactly those
// events and dead letters. Bounded: a seeded generator, ~11 MB in all.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./fuzz-child.ts', import.meta.url));
const MB = 1024 * 1024;

/** Deterministic PRNG (mulberry32), so a failure can be reproduced. */
function rng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}

const HOSTILE_TIMES = [
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-26T25:61:61Z',
  '9999-12-31T23:59:59.999999999Z',
  '0000-01-01T00:00:00Z',
  '99999-01-01T00:00:00Z',
  '-2026-11-26T00:00:00Z',
  '2026-11-26T12:00:00+99:99',
  '2026-11-26T12:00:00',
  'NaN',
  'Infinity',
  '1e309',
  '99999999999999999999999999',
  '',
  '\u0000',
  '2026-11-26T12:00:00Z\u0000',
  '٢٠٢٦-١١-٢٦T12:00:00Z',
  `2026-11-26T12:00:00.${'9'.repeat(5000)}Z`,
];

const INVALID_UTF8 = [
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xa0, 0xa1]),
  Buffer.from([0xe2, 0x28, 0xa1]),
  Buffer.from([0xf0, 0x28, 0x8c, 0xbc]),
  Buffer.from([0xed, 0xa0, 0x80]), // a lone UTF-16 surrogate, encoded
  Buffer.from([0xff, 0xfe, 0xfd]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]), // beyond U+10FFFF
];

type Gen = ReturnType<typeof rng>;

/** One line of hostile or ordinary content (no newline inside unless `rawBytes` adds some). */
function noise(r: Gen, good: () => string): Buffer {
  switch (r.int(8)) {
    case 0:
      return r.bytes(1 + r.int(300)); // may hold \n and \r: more lines, counted as written
    case 1:
      return Buffer.concat([Buffer.from(good()), r.pick(INVALID_UTF8), Buffer.from(' tail')]);
    case 2:
      return Buffer.concat([Buffer.alloc(1 + r.int(50)), Buffer.from(good())]); // NUL padding
    case 3:
      return Buffer.from(`${good()}\u0000${good()}`);
    case 4:
      return Buffer.from(`${good()}\r`);
    default:
      return Buffer.from(good());
  }
}

function corpus(dir: string): Record<string, number> {
  const r = rng(20261126);
  const lines: Record<string, Buffer[]> = { text: [], json: [], syslog: [], kv: [] };
  const iso = () => `2026-11-26T12:${String(r.int(60)).padStart(2, '0')}:00.${r.int(1e6)}Z`;
  const stamp = () =>
    r.pick([`2026-11-26 12:00:${String(r.int(60)).padStart(2, '0')}`, r.pick(HOSTILE_TIMES)]);
  for (let i = 0; i < 1500; i++) {
    lines.text!.push(noise(r, () => `${stamp()} [${r.pick(['INFO', 'WARN', 'ERROR', 'BOGUS'])}] text ${i}`));
    lines.json!.push(
      noise(r, () =>
        r.pick([
          JSON.stringify({
            t: r.pick([iso(), r.pick(HOSTILE_TIMES)]),
            level: 'info',
            n: i,
            nested: { a: [1, { b: null }] },
          }),
          `{"t": "${iso()}", "broken": `,
          `{"t": "${iso()}", "dup": 1, "dup": 2}`,
          '[1,2,3]',
          'null',
          '"just a string"',
          `{"t": ${r.pick(['1e400', '-0', '12345678901234567890', 'true', '{}', '[]'])}}`,
          `{"t": "${iso()}", "deep": ${'['.repeat(200)}${']'.repeat(200)}}`,
          `{"t": "${iso()}", "esc": "\\ud800\\u0000\\uffff"}`,
        ]),
      ),
    );
    lines.syslog!.push(
      noise(r, () =>
        r.pick([
          `<${r.int(200)}>1 ${r.pick([iso(), r.pick(HOSTILE_TIMES)])} host app ${i} ID [sd@1 k="v\\"x"] msg ${i}`,
          `<${r.int(300)}>Nov ${1 + r.int(40)} 12:00:00 host app[${i}]: bsd ${i}`,
          `<13>1 - - - - - [bad sd`,
          `<999999999999>garbage`,
          `Feb 30 25:00:00 host x: y`,
        ]),
      ),
    );
    lines.kv!.push(
      noise(r, () =>
        r.pick([
          `level=${r.pick(['debug', 'info', 'warn'])} n=${i} msg="quoted \\" value"`,
          'k==v ==',
          '="',
          `a=${'x'.repeat(r.int(2000))}`,
        ]),
      ),
    );
  }
  // The 5 MB line: a JSON object under the json pipeline's 8 MB limit (parsed), and 5 MB of text
  // over the text pipeline's 1 MB limit (a framing dead letter, never held in memory whole).
  lines.json!.push(Buffer.from(JSON.stringify({ t: '2026-11-26T12:00:00Z', big: 'y'.repeat(5 * MB) })));
  lines.text!.push(Buffer.from(`2026-11-26 12:00:00 [INFO] ${'z'.repeat(5 * MB)}`));
  const written: Record<string, number> = {};
  for (const [name, ls] of Object.entries(lines)) {
    const data = Buffer.concat(ls.flatMap((l) => [l, Buffer.from('\n')]));
    writeFileSync(join(dir, 'logs', `${name}.log`), data);
    written[name] = data.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0);
  }
  return written;
}

const CONFIG = `data_dir: .
warehouse: { type: duckdb, path: mortar.duckdb }
ingest: { batch_rows: 500, batch_interval: 50ms }
pipelines:
  text:
    subsystem: fuzz
    source: { type: file, include: ["logs/text.log"], poll_interval: 50ms, max_line_bytes: 1048576 }
    parsers: [{ type: regex, pattern: "^(?<t>\\\\S+ \\\\S+) \\\\[(?<level>[A-Z]+)\\\\] (?<msg>.*)$" }]
    map:
      ts: { from: t, format: "%Y-%m-%d %H:%M:%S", timezone: Europe/Berlin }
      severity: "{level}"
  json:
    subsystem: fuzz
    source: { type: file, include: ["logs/json.log"], poll_interval: 50ms, max_line_bytes: 8388608 }
    parsers: [{ type: json }]
    map: { ts: { from: t, format: iso8601 } }
  syslog:
    subsystem: fuzz
    source: { type: file, include: ["logs/syslog.log"], poll_interval: 50ms }
    parsers: [{ type: syslog, timezone: UTC }]
    map: { ts: { from: timestamp, format: iso8601 } }
  kv:
    subsystem: fuzz
    source: { type: file, include: ["logs/kv.log"], poll_interval: 50ms }
    parsers: [{ type: kv, mode: logfmt }]
    transforms: [{ type: filter, drop: { field: level, equals: debug } }]
    map: { severity: { from: level, default: info } }
`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Peak resident set of a live process, from the kernel (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

interface Counters {
  read: number;
  events: number;
  deadLetters: number;
  filtered: number;
  emptyLines?: number;
}
interface Report {
  stalled?: boolean;
  idle: boolean;
  errors: string[];
  pipelines: Record<string, Counters>;
  counts: { events: number; deadLetters: number };
}

/** Runs the ingest child over `dir`; its report, exit code and peak RSS. */
async function ingestInChild(
  dir: string,
  stallMs: number,
): Promise<{ report: Report; code: number; peak: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(stallMs)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const exited = once(child, 'exit');
  while (!out.includes('\n')) {
    const raced = await Promise.race([once(child.stdout, 'data'), exited.then(() => 'exit' as const)]);
    if (raced === 'exit' && !out.includes('\n')) throw new Error(`the ingest process died: ${err}`);
  }
  const peak = child.exitCode === null ? peakRssMb(child.pid!) : Number.NaN;
  child.stdin.end();
  const [code] = await exited;
  const report = JSON.parse(out) as Report;
  if (report.stalled) throw new Error(`the ingest stalled: ${JSON.stringify(report)}`);
  return { report, code: code as number, peak };
}

function dataDir(config = CONFIG): string {
  const dir = mkdtempSync(join(tmpdir(), 'mortar-fuzz-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'mortar.yaml'), config);
  return dir;
}

/** read = events + dead letters + filtered per pipeline, lines written = read + empty lines. */
function expectAccounted(report: Report, written: Record<string, number>): void {
  let events = 0;
  let dead = 0;
  for (const [name, lines] of Object.entries(written)) {
    const c = report.pipelines[name]!;
    expect(c.read + (c.emptyLines ?? 0), name).toBe(lines);
    expect(c.read, name).toBe(c.events + c.deadLetters + c.filtered);
    events += c.events;
    dead += c.deadLetters;
  }
  expect(report.counts).toMatchObject({ events, deadLetters: dead });
}

describe('fuzz: hostile input through real pipelines into DuckDB', () => {
  it('survives, stays bounded, and accounts for every line', async () => {
    const dir = dataDir();
    const written = corpus(dir);
    const { report, code, peak } = await ingestInChild(dir, 120_000);
    console.log(`fuzz: peak RSS ${peak.toFixed(0)} MB; ${JSON.stringify(report.pipelines)}`);
    expect(code).toBe(0);
    expect(report.idle).toBe(true);
    expect(report.errors).toEqual([]);
    expectAccounted(report, written);
    for (const c of Object.values(report.pipelines)) {
      expect(c.events).toBeGreaterThan(0);
      expect(c.deadLetters).toBeGreaterThan(0);
    }
    expect(report.pipelines.kv!.filtered).toBeGreaterThan(0);
    expect(peak).toBeLessThan(512);
  }, 180_000);

  it('a JSON line nested 4000 deep neither stalls nor crashes the ingest', async () => {
    // Only the json pipeline: the child waits until every pipeline has found its file.
    const dir = dataDir(
      CONFIG.slice(0, CONFIG.indexOf('  syslog:')).replace(/ {2}text:[\s\S]*?(?= {2}json:)/, ''),
    );
    const good = (i: number) => JSON.stringify({ t: '2026-11-26T12:00:00Z', n: i });
    const lines = [
      good(1),
      `{"t": "2026-11-26T12:00:00Z", "deep": ${'['.repeat(4000)}${']'.repeat(4000)}}`,
      good(2),
    ];
    writeFileSync(join(dir, 'logs', 'json.log'), `${lines.join('\n')}\n`);
    const { report } = await ingestInChild(dir, 20_000);
    expectAccounted(report, { json: 3 });
    expect(report.pipelines.json!.events).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
