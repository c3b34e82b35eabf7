// patterns.rate and patterns.accuracy. rate: messages/s the template miner takes on one core
// (main-thread CPU time) over the labelled sets' real messages repeated to a fixed volume, beside
// the same messages only run through the masking regex pass (the part of the work every masking
// miner pays) in the same run. accuracy: the mean grouping accuracy of the default miner over the
// labelled sets (test/fixtures/patterns/), with each set's number in the notes.
import { groupingAccuracy } from '../src/process/patterns/accuracy.ts';
import { maskMessage } from '../src/process/patterns/mask.ts';
import { mineLines } from '../src/process/patterns/mine-lines.ts';
import { PatternMiner } from '../src/process/patterns/miner.ts';
import { loadSet, setNames } from '../test/patterns/labelled-sets.ts';
import type { BenchContext, Measurement, Scenario } from './scenario.ts';
import { mainThreadCpuUs } from './threadCpu.ts';

/** CPU seconds of the main thread for `fn` (wall time where /proc is missing). */
function cpuSeconds(fn: () => void): number {
  const c0 = mainThreadCpuUs();
  const t0 = performance.now();
  fn();
  const cpu = mainThreadCpuUs() - c0;
  return Number.isNaN(cpu) ? (performance.now() - t0) / 1000 : Math.max(cpu, 10_000) / 1e6;
}

async function rate(ctx: BenchContext): Promise<Measurement> {
  const base = setNames().flatMap((n) => loadSet(n).lines);
  const total = Math.round(200_000 * ctx.scale);
  const messages = Array.from({ length: total }, (_, i) => base[i % base.length]!);
  ctx.progress(`${total} messages from ${base.length} distinct lines`);
  let sink = 0;
  const maskS = cpuSeconds(() => {
    for (const m of messages) sink += maskMessage(m).split(/\s+/).length;
  });
  const miner = new PatternMiner();
  const mineS = cpuSeconds(() => {
    for (const m of messages) sink += miner.add(m).created ? 1 : 0;
  });
  return {
    value: total / mineS,
    unit: 'messages/s',
    reference: { name: 'masking pass only (same regex, split, no mining)', value: total / maskS },
    notes: `${total} messages, ${miner.size} templates, ${miner.overflow} overflow (${sink > 0 ? 'ok' : '-'})`,
  };
}

async function accuracy(ctx: BenchContext): Promise<Measurement> {
  const per: string[] = [];
  let sum = 0;
  const names = setNames();
  for (const name of names) {
    const set = loadSet(name);
    const { results, miner } = mineLines(set.lines);
    const a = groupingAccuracy(
      results.map((r) => r.id),
      set.labels,
    );
    sum += a;
    per.push(
      `${name} ${a.toFixed(3)} (${set.lines.length} lines, ${new Set(set.labels).size} types, ${miner.size} templates)`,
    );
    ctx.progress(per.at(-1)!);
  }
  return { value: sum / names.length, unit: 'grouping accuracy', notes: per.join('; ') };
}

export const patternsRate: Scenario = {
  name: 'patterns.rate',
  description: 'template miner throughput on one core over real messages, beside the masking pass alone',
  better: 'higher',
  run: rate,
};

export const patternsAccuracy: Scenario = {
  name: 'patterns.accuracy',
  description:
    'mean grouping accuracy of the default miner over the labelled sets (sshd, nginx, PostgreSQL, syslog, simulator)',
  better: 'higher',
  run: accuracy,
};
