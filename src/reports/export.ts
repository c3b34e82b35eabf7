// Exports of a report's full result (the same plan as the view, without paging): CSV (RFC 4180,
// UTF-8, header row of column names) and Parquet (typed columns, via DuckDB's writer).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportColumnMeta } from '../api/types.ts';
import { writeParquet } from '../warehouse/duckdb/writeParquet.ts';

const csvCell = (v: string | number | null): string => {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function toCsv(
  columns: readonly ReportColumnMeta[],
  rows: readonly (string | number | null)[][],
): string {
  const lines = [columns.map((c) => csvCell(c.name)).join(',')];
  for (const r of rows) lines.push(r.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export async function toParquet(
  columns: readonly ReportColumnMeta[],
  rows: readonly (string | number | null)[][],
): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'mortar-export-'));
  try {
    const path = join(dir, 'report.parquet');
    await writeParquet(path, columns, rows);
    return new Uint8Array(await readFile(path));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
