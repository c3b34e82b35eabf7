// Bounded memory with a large backlog and a stalled warehouse: a 200 MB log file is ingested by a
// child process (parse workers on, default batch sizes) whose every commit is held up by a delay
// in the commit path. Reading must pause instead of buffering the backlog (what was read but not
// committed stays under a fixed bound), and the process's peak resident memory (VmHWM, all
// threads, DuckDB included) stays under 512 MB, also once the warehouse is fast again and the
// backlog pours in.
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs, tempDataDir, writeConfig } from './ingest-harness.ts';

afterAll(removeTempDataDirs);

interface Report {
  read: number;
  bytesRead: number;
  committed: number;
  pendingRows: number;
  rssMb: number;
  peakMb: number;
}

const MB = 1024 * 1024;

describe('bounded memory under backlog', () => {
  it('pauses reading while the warehouse stalls and stays under 512 MB RSS', async () => {
    const dir = tempDataDir('mortar-stall-');
    writeConfig(dir, ['logs/big.log']);
    const fd = openSync(join(dir, 'logs', 'big.log'), 'w');
    let lines = 0;
    for (let written = 0; written < 200 * MB; ) {
      let s = '';
      while (s.length < 4 * MB)
        s += `line ${String(lines++).padStart(9, '0')} some payload text of a backlog line\n`;
      written += s.length;
      writeSync(fd, s);
    }
    closeSync(fd);

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'backlog-child.ts'), dir, '1000'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const reports: Report[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => reports.push(JSON.parse(l) as Report));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const waitFor = async (f: (r: Report) => boolean, what: string, ms = 60_000) => {
      const end = Date.now() + ms;
      while (!reports.some(f)) {
        if (Date.now() > end)
          throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(reports.at(-1))}`);
        await sleep(100);
      }
    };
    try {
      // Slow warehouse: several commits, each held for 1 s.
      await waitFor((r) => r.committed >= 40_000, 'slow commits');
      await sleep(3000);
      const stalled = reports.slice();
      child.stdin!.write('fast\n');
      const fastFrom = reports.length;
      await waitFor((r) => r.committed >= stalled.at(-1)!.committed + 80_000, 'fast commits');
      await sleep(2000);
      child.stdin!.write('stop\n');
      expect(await exited).toBe(0);

      const behind = Math.max(...stalled.map((r) => r.read - r.committed));
      const bytesRead = stalled.at(-1)!.bytesRead;
      const peak = Math.max(...reports.map((r) => r.peakMb));
      console.log(
        `stalled warehouse: read ahead at most ${behind} records (${(bytesRead / MB).toFixed(0)} of 200 MB read); ` +
          `after: ${reports.at(-1)!.committed} committed; peak RSS ${peak.toFixed(0)} MB ` +
          `(while stalled ${Math.max(...stalled.map((r) => r.peakMb)).toFixed(0)} MB)`,
      );
      // Read but not committed: the reader/worker window and the commit queue, not the backlog.
      expect(behind).toBeLessThan(150_000);
      expect(bytesRead).toBeLessThan(60 * MB);
      expect(reports.slice(fastFrom).at(-1)!.committed).toBeGreaterThan(stalled.at(-1)!.committed);
      expect(peak).toBeLessThan(512);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
