// The labelled pattern-mining sets (test/fixtures/patterns/): <set>.log holds one message per
// line from a real program; <set>.labels holds one hand-written regex per true event type
// (`name<spaces>regex`, anchored at both ends; `#` starts a comment). A line's label is the one
// rule it matches; a line matching none or several is an error in the labels, never guessed.
// The miner is not involved in labelling.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/patterns/', import.meta.url));

export interface LabelledSet {
  name: string;
  lines: string[];
  labels: string[];
  /** Lines that matched no rule or several (must be empty for a usable set). */
  problems: string[];
}

export function parseRules(text: string): { name: string; re: RegExp }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s+(.+)$/.exec(l);
      if (!m) throw new Error(`bad label rule: ${l}`);
      return { name: m[1]!, re: new RegExp(`^(?:${m[2]})$`) };
    });
}

export function labelLines(lines: readonly string[], rules: { name: string; re: RegExp }[]) {
  const labels: string[] = [];
  const problems: string[] = [];
  lines.forEach((line, i) => {
    const hits = rules.filter((r) => r.re.test(line)).map((r) => r.name);
    if (hits.length !== 1)
      problems.push(`line ${i + 1}: ${hits.length ? hits.join(', ') : 'no rule'}: ${line}`);
    labels.push(hits[0] ?? `?${i}`);
  });
  return { labels, problems };
}

export function setNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.labels'))
    .map((f) => f.slice(0, -'.labels'.length))
    .sort();
}

export function loadSet(name: string): LabelledSet {
  const lines = readFileSync(`${FIXTURES}${name}.log`, 'utf8').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const rules = parseRules(readFileSync(`${FIXTURES}${name}.labels`, 'utf8'));
  return { name, lines, ...labelLines(lines, rules) };
}
