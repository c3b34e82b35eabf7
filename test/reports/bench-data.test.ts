// The report benchmark's data (bench/reportData.ts): a generated day must carry the simulated
// sample's distributions exactly, stay inside the day, keep health intervals disjoint per time line,
// and give every built-in report rows when run through the engine as the API runs it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_END_US, DAY_US, generateDay, ingestSample, type ReportSample } from '../../bench/reportData.ts';
import { builtinReports } from '../../src/reports/catalog.ts';
import { compileReport } from '../../src/reports/compile.ts';
import { datasets } from '../../src/reports/datasets.ts';
import { prepare, runReport, VIEW_MAX_ROWS } from '../../src/reports/run.ts';
import { UNRESTRICTED } from '../../src/reports/secure.ts';
import { sql } from '../../src/warehouse/sql.ts';

const COPIES = 3;

describe('report benchmark data', () => {
  let dir: string;
  let sample: ReportSample;
  let before: Record<string, number>;
  let generatedEvents: number;

  const shares = async () => {
    const rows = await sample.warehouse.query(
      sql`select subsystem || '/' || type || '/' || severity as k, count(*) as n from events group by k`,
    );
    return Object.fromEntries(rows.map((r) => [String(r.k), Number(r.n)]));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mortar-bench-data-'));
    sample = await ingestSample(dir, join(dir, 'r.duckdb'), () => {});
    before = await shares();
    generatedEvents = COPIES * sample.events;
    await generateDay(sample, generatedEvents, () => {});
  }, 240_000);

  afterAll(async () => {
    await sample?.warehouse.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the sample whole, a whole number of times, inside the day', async () => {
    expect(sample.events).toBeGreaterThan(1000);
    const after = await shares();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [k, n] of Object.entries(before)) expect(after[k]).toBe(n * COPIES);
    const [span] = await sample.warehouse.query(
      sql`select min(epoch_us(ts)) as a, max(epoch_us(ts)) as b, count(distinct id) as ids from events`,
    );
    expect(Number(span!.a)).toBeGreaterThanOrEqual(DAY_END_US - DAY_US);
    expect(Number(span!.b)).toBeLessThan(DAY_END_US);
    expect(Number(span!.ids)).toBe(generatedEvents);
  });

  it('keeps health intervals disjoint per time line and flows inside the day', async () => {
    const [overlaps] = await sample.warehouse.query(
      sql`select count(*) as n from health_transitions a join health_transitions b
        on a.level = b.level and a.subsystem = b.subsystem and a.component = b.component
        and a.from_us < b.from_us and b.from_us < a.to_us`,
    );
    expect(Number(overlaps!.n)).toBe(0);
    const [flows] = await sample.warehouse.query(
      sql`select count(*) as n, min(root_us) as a, max(root_us) as b from flow_alerts`,
    );
    expect(Number(flows!.n)).toBeGreaterThan(0);
    expect(Number(flows!.a)).toBeGreaterThanOrEqual(DAY_END_US - DAY_US - 120e6);
    expect(Number(flows!.b)).toBeLessThan(DAY_END_US);
  });

  it('gives every built-in report rows, the same as its compiled SQL', async () => {
    const sets = datasets(sample.flows);
    const defs = builtinReports(sets);
    expect(defs.length).toBeGreaterThanOrEqual(10);
    for (const def of defs) {
      const ds = sets[def.dataset]!;
      const req = { filters: {}, nowUs: DAY_END_US };
      const viaEngine = await runReport(sample.warehouse, def, ds, req, UNRESTRICTED);
      const { plan } = prepare(def, req, UNRESTRICTED, VIEW_MAX_ROWS);
      const direct = await sample.warehouse.query(compileReport(plan, ds, sample.warehouse.sqlDialect).page);
      expect(viaEngine.rows.length, def.id).toBeGreaterThan(0);
      expect(viaEngine.rows.length, def.id).toBe(direct.length);
    }
  });
});
