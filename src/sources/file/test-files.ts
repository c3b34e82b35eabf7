// Temporary directories and numbered log lines for the file source tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSource, type FileSourceOptions } from '../file.ts';
import type { Source } from '../source.ts';

const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mortar-file-source-'));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** `line-<from>` .. `line-<to - 1>`, each with its newline; the numbers make every line unique. */
export function numbered(from: number, to: number, prefix = 'line'): string {
  let s = '';
  for (let i = from; i < to; i++) s += `${prefix}-${String(i).padStart(6, '0')} some payload text\n`;
  return s;
}

export const expectedLines = (from: number, to: number, prefix = 'line'): string[] =>
  numbered(from, to, prefix).split('\n').slice(0, -1);

export function fileSource(baseDir: string, options: Partial<FileSourceOptions> = {}): Source {
  return createFileSource({ pipeline: 'test', baseDir, include: ['*.log'], pollIntervalMs: 10, ...options });
}

/** Fails unless every text occurs exactly once and they are exactly `expected` (in any order). */
export function duplicatesAndMissing(
  texts: string[],
  expected: string[],
): { duplicates: string[]; missing: string[] } {
  const seen = new Map<string, number>();
  for (const t of texts) seen.set(t, (seen.get(t) ?? 0) + 1);
  return {
    duplicates: [...seen].filter(([, n]) => n > 1).map(([t]) => t),
    missing: expected.filter((t) => !seen.has(t)),
  };
}
