// Shared by the simulator's tests: temporary output directories and reading every file back.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

export function tempDir(prefix = 'mortar-sim-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir`, relative path (with `/`) -> content. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p).split(sep).join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** The log files of one subsystem, oldest rotation first, as lines. */
export function subsystemLines(tree: Map<string, string>, subsystem: string): string[] {
  const files = [...tree.keys()].filter((k) => k.startsWith(`${subsystem}/`));
  const age = (f: string): number => Number(/\.log\.(\d+)$/.exec(f)?.[1] ?? 0);
  files.sort((a, b) => age(b) - age(a) || (a < b ? -1 : 1));
  return files.flatMap((f) => tree.get(f)!.split('\n').slice(0, -1));
}

export const readJsonLines = <T>(text: string): T[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

/** `2026-01-01T00:00:00.123456Z` (the truth's times) as UTC microseconds. */
export const isoUs = (iso: string): number =>
  Date.parse(`${iso.slice(0, 23)}Z`) * 1000 + Number(iso.length > 25 ? iso.slice(23, 26) : 0);
