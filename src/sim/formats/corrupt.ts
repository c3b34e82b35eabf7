// Garbles a record the way a flaky disk or an interleaved writer would: bytes lost after the
// first 11 characters and replaced by junk. The first 11 characters keep a `2026-01-01 ` start so
// multiline framing still sees a record start (the garbled record must not glue itself onto its
// predecessor); the junk begins with U+FFFD and a quote so no demo pipeline can parse the result
// (neither as a timestamp nor as JSON).
import type { Random } from '../random.ts';

const JUNK = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789#~^';
const KEEP = 11;

export function corrupt(record: string, rng: Random): string {
  const firstLineEnd = record.includes('\n') ? record.indexOf('\n') : record.length;
  if (firstLineEnd <= KEEP + 1) return `${record.slice(0, KEEP)}\uFFFD"`;
  let junk = '\uFFFD"';
  const n = rng.int(3, 12);
  for (let i = 0; i < n; i++) junk += JUNK[rng.int(0, JUNK.length - 1)];
  const resume = rng.int(KEEP + 1, firstLineEnd);
  return `${record.slice(0, KEEP)}${junk}${record.slice(resume)}`;
}
