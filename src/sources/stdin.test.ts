// The `stdin` source fed by real child processes: a slow writer (records as they come, the last
// line without a line end, ends when the writer exits), and `mortar ingest --once` with a pipe.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../warehouse/open.ts';
import { Drain } from './net/drain.ts';
import { createStdinSource } from './stdin.ts';

const BIN = fileURLToPath(new URL('../../bin/mortar.js', import.meta.url));

describe('stdin source', () => {
  it('frames what a child process writes, as it comes, and ends when it exits', async () => {
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const w = (s) => new Promise((r) => process.stdout.write(s, r));
         (async () => {
           await w('first\\nsec');
           await new Promise((r) => setTimeout(r, 100));
           await w('ond ü\\n\\n' + 'x'.repeat(300) + '\\nlast without newline');
         })();`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const source = createStdinSource({ pipeline: 'pipe', input: writer.stdout, maxLineBytes: 100 });
    const drain = new Drain(source);
    await drain.done;
    expect(drain.texts).toEqual(['first', 'second ü', 'last without newline']);
    expect(drain.records.map((r) => [r.offset, r.endOffset])).toEqual([
      [0, 6],
      [6, 16],
      [318, 339],
    ]);
    expect(drain.rejected).toHaveLength(1);
    expect(drain.rejected[0]!.reason).toMatch(/longer than 100 bytes/);
    expect(drain.batches.every((b) => b.positions.length === 0)).toBe(true);
    expect(source.stats()).toMatchObject({ bytesRead: 338, emptyLines: 1 });
  });

  it('mortar ingest --once stores what is piped in, then exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mortar-stdin-'));
    writeFileSync(
      join(dir, 'mortar.yaml'),
      `data_dir: .
pipelines:
  piped:
    subsystem: tools
    source: { type: stdin }
    parsers: [{ type: regex, pattern: '^(?<level>\\S+) (?<msg>.*)$' }]
    map: { severity: "{level}", message: "{msg}" }
`,
    );
    const lines = Array.from({ length: 1000 }, (_, i) => `${i % 2 ? 'INFO' : 'WARN'} line ${i}`);
    const r = spawnSync(process.execPath, [BIN, 'ingest', '-c', join(dir, 'mortar.yaml'), '--once'], {
      input: `${lines.join('\n')}\nnonsense`,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/piped: read 1001, events 1000, dead letters 1, filtered 0/);
    const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
    try {
      const page = await warehouse.events({ limit: 1, offset: 0, text: 'line 999' });
      expect(page.rows[0]).toMatchObject({
        source: 'stdin',
        file: 'stdin',
        severity: 'info',
        message: 'line 999',
      });
      expect((await warehouse.counts()).events).toBe(1000);
    } finally {
      await warehouse.close();
    }
  });
});
