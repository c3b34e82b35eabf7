// The pattern library as a whole: every pattern compiles in both namings, both namings define the
// same names, ECS naming captures only nested ECS-style fields (and legacy only flat ones), and no
// pattern backtracks badly on long hostile lines.
import { describe, expect, it } from 'vitest';
import { GrokCompiler } from './compile.ts';
import { FAMILIES, type Naming, patternLibrary } from './library.ts';

const NAMINGS: Naming[] = ['legacy', 'ecs'];

describe('grok pattern library', () => {
  it('defines the same names in both namings, each in one family only', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const [family, f] of Object.entries(FAMILIES)) {
      expect(Object.keys(f.legacy).sort(), family).toEqual(Object.keys(f.ecs).sort());
      for (const name of [...Object.keys(f.common), ...Object.keys(f.legacy)]) {
        if (seen.has(name)) clashes.push(`${name} in ${seen.get(name)} and ${family}`);
        seen.set(name, family);
      }
    }
    expect(clashes).toEqual([]);
    expect([...patternLibrary('legacy').keys()].sort()).toEqual([...patternLibrary('ecs').keys()].sort());
  });

  for (const naming of NAMINGS) {
    it(`compiles every pattern in ${naming} naming, with ${naming} field names`, () => {
      const library = patternLibrary(naming);
      const compiler = new GrokCompiler(library);
      const odd: string[] = [];
      for (const name of library.keys()) {
        for (const { field } of compiler.compile(`%{${name}}`).captures) {
          const nested = field.startsWith('[');
          const ok = naming === 'ecs' ? nested || field === 'timestamp' || field === 'message' : !nested;
          if (!ok) odd.push(`${name}: ${field}`);
        }
      }
      expect(odd).toEqual([]);
    });
  }

  // Long lines built from the characters the patterns look for, so that a pattern with nested
  // ambiguous repetition would get far and then backtrack exponentially. (Searching a line that
  // does not match stays quadratic for patterns that begin with a run such as NOTSPACE, as in
  // every backtracking engine: ~25 ms for these 3000 characters, hence the generous limit.)
  const n = 3000;
  const hostile = [
    'a'.repeat(n),
    '1'.repeat(n),
    '1.'.repeat(n / 2),
    '1:'.repeat(n / 2),
    'a-'.repeat(n / 2),
    'a.'.repeat(n / 2),
    `"${'\\"'.repeat(n / 2)}`,
    `[${'a '.repeat(n / 2)}`,
    `<1>1 ${'- '.repeat(n / 2)}`,
    `${'/a'.repeat(n / 2)}\u0000`,
    `Jan  1 00:00:00 ${'host '.repeat(n / 5)}`,
    `${'a=1 '.repeat(n / 4)}`,
    `IN=eth0 OUT= ${'SRC=1.2.3.4 '.repeat(n / 12)}`,
  ];

  for (const naming of NAMINGS) {
    it(`fails fast on long hostile lines in ${naming} naming`, () => {
      const library = patternLibrary(naming);
      const compiler = new GrokCompiler(library);
      const slow: string[] = [];
      for (const name of library.keys()) {
        const { exec } = compiler.compile(`%{${name}}`);
        for (const line of hostile) {
          // The best of up to three runs, so that a busy machine does not fail the test.
          let ms = Number.POSITIVE_INFINITY;
          for (let run = 0; run < 3 && ms > 250; run++) {
            const start = performance.now();
            exec.exec(line);
            ms = Math.min(ms, performance.now() - start);
          }
          if (ms > 250) slow.push(`${name} on ${JSON.stringify(line.slice(0, 20))}…: ${Math.round(ms)} ms`);
        }
      }
      expect(slow).toEqual([]);
    }, 120_000);
  }
});
