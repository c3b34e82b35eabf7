// `mortar simulate --out DIR [...]`: writes the demo world's log files, ground truth and manifest.
// Batch by default (a simulated clock, reproducible for a seed); --realtime paces it by the wall
// clock until Ctrl-C or --duration. Progress goes to stderr, the summary to stdout.

import { isUserError, UserError } from '../../events/errors.ts';
import { parseDurationMs } from '../../events/time.ts';
import { SCENARIO_HELP } from '../../sim/scenarios.ts';
import { type SimulateProgress, type SimulateSummary, simulate } from '../../sim/simulate.ts';
import { intFlag, parseFlags } from '../args.ts';

const HELP = `usage: mortar simulate --out DIR [--duration D] [--seed N] [--rate R] [--realtime]
                       [--scenario LIST] [--start ISO] [--rotate-bytes N] [--keep-rotated N]

Writes the simulated security installation's logs under DIR/<subsystem>/<component>.log, the
ground truth DIR/truth.jsonl (described in src/sim/TRUTH.md) and DIR/manifest.json.

  --out DIR          output directory (created if missing)
  --duration D       how long to simulate: 30s, 10m, 1h, 2d (batch mode needs it)
  --seed N           random seed (default 1); the same seed gives identical files in batch mode
  --rate R           alarms per second (default 2)
  --realtime         follow the wall clock and run until Ctrl-C (or --duration)
  --scenario LIST    faults to add, comma separated, each NAME or NAME:key=value:...
${SCENARIO_HELP}
  --start ISO        batch mode: simulated start time (default 2026-01-01T00:00:00Z)
  --rotate-bytes N   rotate a log file when it would pass N bytes (default 1048576)
  --keep-rotated N   rotated files kept per log (default 5)`;

export async function run(argv: string[]): Promise<number> {
  try {
    return await simulateCommand(argv);
  } catch (e) {
    if (!isUserError(e)) throw e;
    console.error(`mortar simulate: ${e.render()}`);
    return 2;
  }
}

async function simulateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      out: { type: 'string', short: 'o' },
      seed: { type: 'string' },
      duration: { type: 'string', short: 'd' },
      rate: { type: 'string' },
      realtime: { type: 'boolean', default: false },
      scenario: { type: 'string' },
      start: { type: 'string' },
      'rotate-bytes': { type: 'string' },
      'keep-rotated': { type: 'string' },
    },
    HELP,
  );
  const bad = (message: string): UserError => new UserError('bad_request', `${message}\n\n${HELP}`);
  if (positionals.length > 0) throw bad(`unexpected argument "${positionals[0]}"`);
  const out = values.out as string | undefined;
  if (!out) throw bad('--out DIR is required: the directory to write the log files into');
  const realtime = values.realtime === true;
  let durationMs: number | undefined;
  if (values.duration !== undefined) {
    durationMs = parseDurationMs(values.duration as string);
    if (durationMs === undefined)
      throw bad(`--duration must look like 30s, 10m, 1h or 2d, not "${values.duration}"`);
  } else if (!realtime) {
    throw bad('--duration is required in batch mode (e.g. --duration 1h), or pass --realtime');
  }
  const rate = values.rate === undefined ? 2 : Number(values.rate);
  if (!(Number.isFinite(rate) && rate >= 0 && rate <= 100_000)) {
    throw bad(`--rate must be a number of alarms per second from 0 to 100000, not "${values.rate}"`);
  }
  let start: Date | undefined;
  if (values.start !== undefined) {
    if (realtime) throw bad('--start only applies to batch mode; realtime runs start now');
    start = new Date(values.start as string);
    if (Number.isNaN(start.getTime()))
      throw bad(`--start must be an ISO-8601 time such as 2026-03-29T00:00:00Z, not "${values.start}"`);
  }

  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const display = new ProgressLine(durationMs, realtime);
  try {
    const summary = await simulate({
      outDir: out,
      seed: intFlag('seed', values.seed as string | undefined, 1, 0, 0xffffffff),
      durationMs,
      ratePerSecond: rate,
      scenarios: values.scenario as string | undefined,
      mode: realtime ? 'realtime' : 'batch',
      start,
      rotateBytes: intFlag('rotate-bytes', values['rotate-bytes'] as string | undefined, 1024 * 1024, 1024),
      keepRotated: intFlag('keep-rotated', values['keep-rotated'] as string | undefined, 5, 0, 1000),
      signal: abort.signal,
      onProgress: (p) => display.update(p),
    });
    display.done();
    console.log(renderSummary(summary, out));
    return 0;
  } finally {
    display.done();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** One stderr line redrawn every 500 ms on a terminal; a plain line every 10 s otherwise. */
class ProgressLine {
  private latest: SimulateProgress = { simulatedMs: 0, lines: 0 };
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;
  private readonly tty = process.stderr.isTTY === true;
  private drawn = false;

  constructor(
    private readonly durationMs: number | undefined,
    private readonly realtime: boolean,
  ) {
    this.timer = setInterval(() => this.draw(), this.tty ? 500 : 10_000);
    this.timer.unref();
  }

  update(p: SimulateProgress): void {
    this.latest = p;
  }

  done(): void {
    clearInterval(this.timer);
    if (this.drawn && this.tty) process.stderr.write('\n');
    this.drawn = false;
  }

  private draw(): void {
    const { simulatedMs, lines } = this.latest;
    const wallS = (performance.now() - this.started) / 1000;
    const parts = [`${this.realtime ? 'running' : 'simulated'} ${clock(simulatedMs)}`];
    if (this.durationMs)
      parts[0] += ` of ${clock(this.durationMs)} (${Math.floor((100 * simulatedMs) / this.durationMs)}%)`;
    parts.push(`${lines.toLocaleString('en-US')} lines`);
    if (wallS > 0) parts.push(`${Math.round(lines / wallS).toLocaleString('en-US')} lines/s`);
    const text = parts.join(' · ');
    process.stderr.write(this.tty ? `\r\x1b[K${text}` : `${text}\n`);
    this.drawn = true;
  }
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const days = Math.floor(s / 86400);
  const hms = `${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  return days > 0 ? `${days}d ${hms}` : hms;
}

function renderSummary(s: SimulateSummary, out: string): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const lost = Object.entries(s.lostAt)
    .map(([hop, k]) => `${hop} ${k}`)
    .join(', ');
  return [
    `${s.mode} run, seed ${s.seed}: ${s.start} .. ${s.end} (${clock(s.simulatedMs)})`,
    `  scenarios  ${s.scenarios.join(', ')}`,
    `  lines      ${n(s.totalLines)} (${Object.entries(s.lines)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', ')})`,
    `  bytes      ${n(s.bytes)}`,
    `  alarms     ${n(s.alarms)}: cleared ${n(s.cleared)}, lost ${n(s.lost)}${lost ? ` (${lost})` : ''}, in flight at the end ${n(s.inFlight)}`,
    `  heartbeats ${n(s.heartbeats)}; garbled records ${n(s.corrupt)}; failovers ${n(s.failovers)}`,
    `  written to ${out} (truth.jsonl, manifest.json)`,
  ].join('\n');
}
