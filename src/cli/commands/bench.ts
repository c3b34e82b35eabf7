// `mortar bench [NAME...] [--json FILE] [--scale F]`: runs benchmark scenarios (bench/), each
// beside its reference measured in the same run, prints a table, optionally writes JSON.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Measurement } from '../../../bench/scenario.ts';
import { SCENARIOS } from '../../../bench/scenarios.ts';
import { UserError } from '../../events/errors.ts';
import { parseFlags } from '../args.ts';

const HELP = `usage: mortar bench [NAME...] [--json FILE] [--scale F]

Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')} (default: all).
--json FILE  also write {"results":[{name, value, unit, reference:{name, value}, ratio}]}
--scale F    multiply input sizes (default 1; 0.1 for a quick look)`;

interface Result {
  name: string;
  value: number;
  unit: string;
  reference?: { name: string; value: number };
  ratio?: number;
  notes?: string;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { json: { type: 'string' }, scale: { type: 'string', default: '1' } },
    HELP,
  );
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 100))
    throw new UserError(
      'bad_request',
      `--scale must be a number above 0 and at most 100, not "${values.scale}"`,
    );
  const unknown = positionals.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length)
    throw new UserError(
      'bad_request',
      `unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  const chosen = positionals.length ? SCENARIOS.filter((s) => positionals.includes(s.name)) : SCENARIOS;
  const results: Result[] = [];
  const tty = process.stderr.isTTY;
  for (const [i, s] of chosen.entries()) {
    const dir = mkdtempSync(join(tmpdir(), `mortar-bench-${s.name}-`));
    const prefix = `[${i + 1}/${chosen.length}] ${s.name}`;
    let lastShown = 0;
    const progress = (text: string) => {
      const now = Date.now();
      if (now - lastShown < (tty ? 200 : 5000)) return;
      lastShown = now;
      process.stderr.write(tty ? `\r\x1b[K${prefix}: ${text}` : `${prefix}: ${text}\n`);
    };
    process.stderr.write(`${prefix}: ${s.description}\n`);
    const started = Date.now();
    try {
      const m: Measurement = await s.run({ dir, scale, progress });
      for (const r of [{ ...m, name: s.name }, ...(m.extra ?? [])]) {
        const ratio = r.reference
          ? s.better === 'higher'
            ? r.value / r.reference.value
            : r.reference.value / r.value
          : undefined;
        results.push({
          name: r.name,
          value: r.value,
          unit: r.unit,
          reference: r.reference,
          ratio,
          notes: r.notes,
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    process.stderr.write(
      `${tty ? '\r\x1b[K' : ''}${prefix}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }
  printTable(results);
  if (values.json) writeFileSync(values.json as string, `${JSON.stringify({ results }, null, 2)}\n`);
  return 0;
}

function printTable(results: Result[]): void {
  const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2));
  const rows = [
    ['scenario', 'value', 'unit', 'reference', 'ref value', 'ratio', 'input'],
    ...results.map((r) => [
      r.name,
      fmt(r.value),
      r.unit,
      r.reference?.name ?? '-',
      r.reference ? fmt(r.reference.value) : '-',
      r.ratio?.toFixed(2) ?? '-',
      r.notes ?? '',
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const [i, r] of rows.entries()) {
    console.log(
      r
        .map((cell, c) =>
          c === 1 || c === 4 || c === 5 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!),
        )
        .join('  '),
    );
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
