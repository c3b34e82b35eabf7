// Report definitions without a warehouse: validation collects every error with its path and
// position (YAML text and config files alike), plans are frozen plain trees whose filter values
// are checked against their form, and compiled SQL never carries a value in its text.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';
import { isUserError, type UserError } from '../../src/events/errors.ts';
import { builtinReports, configReports } from '../../src/reports/catalog.ts';
import { compileReport, valuesQuery } from '../../src/reports/compile.ts';
import { datasets } from '../../src/reports/datasets.ts';
import type { ReportDef } from '../../src/reports/definition.ts';
import { planReport } from '../../src/reports/plan.ts';
import { secure, UNRESTRICTED } from '../../src/reports/secure.ts';
import { validateReportYaml } from '../../src/reports/validate.ts';
import { compile } from '../../src/warehouse/dialect.ts';
import { duckdbDialect } from '../../src/warehouse/duckdb/duckdbDialect.ts';

const sets = datasets([]);
const NOW = Date.parse('2026-03-02T12:00:00Z') * 1000;

function valid(yaml: string): ReportDef {
  const r = validateReportYaml(yaml, { datasets: sets });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.def;
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (isUserError(e)) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

const VOLUME = `id: volume
title: Volume
dataset: events
dimensions: [{ dimension: ts, granularity: hour, as: hour }, subsystem, attrs.site]
measures: [events, { name: comps, agg: count_distinct, of: component }]
filters:
  - { id: time, kind: time_range, dimension: ts, default: now-24h..now }
  - { id: subsystem, kind: multi_select, dimension: subsystem }
  - { id: component, kind: multi_select, dimension: component, depends_on: [subsystem] }
  - { id: text, kind: text, dimension: message }
visual: { type: timeseries, x: hour, y: events, series: subsystem }
`;

describe('validation', () => {
  it('reports every error with its path, line and column', () => {
    const yaml = `id: broken
title: Broken
dataset: events
dimensions: [subsystem, nope, ts:fortnight]
measures:
  - events
  - { name: p95, agg: p95, of: subsystem }
  - { name: share, agg: ratio, numerator: events }
filters:
  - { id: sub, kind: number_range, dimension: subsystem }
  - { id: comp, kind: multi_select, dimension: component, depends_on: [missing] }
  - { id: time, kind: time_range, dimension: ts, default: yesterday..now }
visual: { type: timeseries, x: nothing, y: [subsystem] }
sort: { column: ghost, dir: desc }
drilldown: { events: true, bind: { subsystem: not_a_column } }
`;
    const r = validateReportYaml(yaml, { datasets: sets });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const by = Object.fromEntries(r.errors.map((e) => [e.path, e]));
    expect(Object.keys(by).sort()).toEqual(
      [
        'dimensions[1]',
        'dimensions[2]',
        'measures[1].of',
        'measures[2].denominator',
        'filters[0].kind',
        'filters[1].depends_on[0]',
        'filters[2].default',
        'visual.x',
        'visual.y[0]',
        'visual.type',
        'sort',
        'drilldown.bind.subsystem',
      ].sort(),
    );
    expect(by['dimensions[1]']).toMatchObject({ line: 4, message: expect.stringContaining('"nope"') });
    expect(by['dimensions[1]']!.hint).toContain('attrs.<name>');
    expect(by['measures[1].of']).toMatchObject({ line: 7 });
    expect(by['filters[2].default']).toMatchObject({
      line: 12,
      hint: expect.stringContaining('now-24h..now'),
    });
    expect(by.sort).toMatchObject({ line: 14 });
  });

  it('reports form errors (unknown keys, wrong types) and YAML syntax with positions', () => {
    const r = validateReportYaml(
      'id: x\ntitle: X\ndataset: events\nmeasures: [events]\ncolour: red\nlimit: -3\n',
      {
        datasets: sets,
      },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.path, e.line])).toEqual(
      expect.arrayContaining([
        ['colour', 5],
        ['limit', 6],
      ]),
    );
    const syntax = validateReportYaml('id: x\ntitle: [unclosed\n', { datasets: sets });
    expect(syntax.ok).toBe(false);
    if (!syntax.ok) expect(syntax.errors[0]!.line).toBeGreaterThan(0);
  });

  it('rejects an unknown dataset and drill-down targets that do not exist', () => {
    const r = validateReportYaml('id: x\ntitle: X\ndataset: tickets\nmeasures: [count]\n', {
      datasets: sets,
    });
    expect(!r.ok && r.errors[0]).toMatchObject({
      path: 'dataset',
      line: 3,
      hint: expect.stringContaining('events'),
    });
    const dd = validateReportYaml(
      'id: x\ntitle: X\ndataset: events\ndimensions: [subsystem]\nmeasures: [events]\ndrilldown: { report: nowhere, bind: {} }\n',
      { datasets: sets, reportIds: new Set(['x']) },
    );
    expect(!dd.ok && dd.errors.map((e) => e.path)).toEqual(['drilldown.report']);
  });

  it('config reports carry file:line:col', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mortar-report-config-'));
    writeFileSync(join(dir, 'mortar.yaml'), 'include: [reports.yaml]\n');
    writeFileSync(
      join(dir, 'reports.yaml'),
      'reports:\n  ok-one:\n    title: Fine\n    dataset: events\n    measures: [events]\n  bad-one:\n    title: Bad\n    dataset: events\n    dimensions: [subsystem, colour]\n',
    );
    const config = loadConfig(join(dir, 'mortar.yaml'));
    const e = userError(() => configReports(config, sets));
    expect(e.code).toBe('config_invalid');
    expect(e.details).toHaveLength(1);
    expect(e.details[0]!.where).toMatch(/reports\.yaml:9:\d+ reports\.bad-one\.dimensions\[1\]$/);
  });

  it('every built-in report is valid and its drill-down targets exist', () => {
    const all = builtinReports(sets);
    expect(all.length).toBeGreaterThanOrEqual(9);
    const ids = new Set(all.map((d) => d.id));
    for (const d of all) if (d.drilldown?.report) expect(ids, d.id).toContain(d.drilldown.report);
  });
});

describe('plan', () => {
  const def = valid(VOLUME);

  it('is a frozen tree of plain objects with defaults applied', () => {
    const plan = planReport(def, { filters: {}, maxRows: 1000, nowUs: NOW });
    expect(Object.isFrozen(plan) && Object.isFrozen(plan.where) && Object.isFrozen(plan.where[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan.where).toEqual([
      { op: 'time', dimension: 'ts', fromUs: NOW - 24 * 3600e6, toUs: NOW, filter: 'time' },
    ]);
    expect(plan.range).toEqual({ fromUs: NOW - 24 * 3600e6, toUs: NOW });
    expect(plan.order.map((o) => o.column)).toEqual(['hour', 'subsystem', 'attrs_site']);
    expect(secure(plan, UNRESTRICTED)).toBe(plan);
  });

  it('turns filter values into predicates and sort/page into order and page', () => {
    const plan = planReport(def, {
      filters: {
        time: ['2026-03-01T00:00:00Z..2026-03-02T00:00:00Z'],
        subsystem: ['gateway', 'video'],
        text: ['fail'],
      },
      sort: 'events',
      dir: 'desc',
      limit: 10,
      offset: 20,
      maxRows: 1000,
      nowUs: NOW,
    });
    expect(plan.where.map((p) => p.op)).toEqual(['time', 'in', 'contains']);
    expect(plan.order[0]).toEqual({ column: 'events', dir: 'desc' });
    expect(plan.page).toEqual({ limit: 10, offset: 20 });
  });

  it.each([
    [{ nope: ['x'] }, 'unknown filter "nope"', 'query.f.nope'],
    [{ time: ['now-24x..now'] }, 'filter "time"', 'query.f.time'],
    [{ time: ['2026-03-02..2026-03-01'] }, 'is empty', 'query.f.time'],
    [{ time: ['now-1h..now', 'now-2h..now'] }, 'takes one value', 'query.f.time'],
  ])('rejects %j with a message naming the filter', (filters, message, where) => {
    const e = userError(() => planReport(def, { filters, maxRows: 10, nowUs: NOW }));
    expect(e.code).toBe('bad_request');
    expect(e.message).toContain(message);
    expect(e.details[0]!.where).toBe(where);
    expect(e.details[0]!.hint).toBeTruthy();
  });

  it('rejects unknown sort columns and directions', () => {
    expect(
      userError(() => planReport(def, { filters: {}, sort: 'x; drop', maxRows: 10, nowUs: NOW })).details[0]!
        .where,
    ).toBe('query.sort');
    expect(
      userError(() => planReport(def, { filters: {}, dir: 'sideways', maxRows: 10, nowUs: NOW })).details[0]!
        .where,
    ).toBe('query.dir');
  });
});

describe('compile', () => {
  const HOSTILE = [
    "x' or '1'='1",
    "'; drop table events; --",
    '" or 1=1 --',
    'Robert\'); DROP TABLE "events";--',
    '\u0000\u202e$1 ::varchar',
    'Übergröße 🚨 \\ %_',
  ];

  it('never puts a value into the SQL text: hostile filter values become parameters', () => {
    const def = valid(`${VOLUME}segments: []\n`);
    for (const h of HOSTILE) {
      const plan = planReport(def, {
        filters: {
          subsystem: [h, 'gateway'],
          text: [h],
          time: ['2026-03-01T00:00:00Z..2026-03-02T00:00:00Z'],
        },
        maxRows: 100,
        nowUs: NOW,
      });
      const q = compileReport(plan, sets.events!, duckdbDialect);
      for (const s of [
        q.page,
        q.count,
        q.all,
        valuesQuery(sets.events!, duckdbDialect, 'component', plan.where, h, 10),
      ]) {
        const { text, params } = compile(s, duckdbDialect);
        expect(text).not.toContain(h);
        expect(text).not.toContain('drop');
        expect(params).toContain(h);
      }
    }
  });

  it('refuses attribute paths that are not plain names and quotes the ones it accepts', () => {
    for (const bad of ["attrs.a'b", 'attrs.x") or 1=1 --', 'keys.', 'attrs.a b'])
      expect(
        validateReportYaml(`id: x\ntitle: X\ndataset: events\ndimensions: [${JSON.stringify(bad)}]\n`, {
          datasets: sets,
        }).ok,
      ).toBe(false);
    const def = valid(
      'id: x\ntitle: X\ndataset: events\ndimensions: [attrs.site, keys.alarm_id]\nmeasures: [events]\n',
    );
    const { text, params } = compile(
      compileReport(planReport(def, { filters: {}, maxRows: 10, nowUs: NOW }), sets.events!, duckdbDialect)
        .all,
      duckdbDialect,
    );
    // No literal of any kind in the text: the JSON path and the map key are parameters.
    expect(text).not.toContain("'");
    expect(params).toEqual(expect.arrayContaining(['/site', 'alarm_id']));
  });
});

describe('fuzz', () => {
  // A small deterministic generator: SQL fragments, quotes, unicode, control characters, numbers.
  const PIECES = [
    "'",
    '"',
    ';',
    '--',
    '/*',
    '*/',
    ' or 1=1',
    'drop table events',
    '$1',
    '::',
    '\\',
    '\u0000',
    '\u202e',
    '🚨',
    'ß',
    '..',
    'now-',
    '1h',
    '2026-01-01',
    'e9',
    '-',
    ' ',
    'subsystem',
    'ts',
    '%',
    '_',
  ];
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const junk = () => Array.from({ length: 1 + rnd(6) }, () => PIECES[rnd(PIECES.length)]).join('');
  const def = valid(VOLUME);

  it('random filter values, sort and dir: a UserError or a plan whose values are all bound', () => {
    let planned = 0;
    for (let i = 0; i < 400; i++) {
      const id = ['time', 'subsystem', 'component', 'text', junk()][rnd(5)]!;
      const req = {
        filters: { [id]: [junk(), junk()].slice(0, 1 + rnd(2)) },
        sort: rnd(2) ? junk() : undefined,
        dir: rnd(3) ? undefined : junk(),
        maxRows: 100,
        nowUs: NOW,
      };
      let plan: ReturnType<typeof planReport>;
      try {
        plan = planReport(def, req);
      } catch (e) {
        expect(isUserError(e), String(e)).toBe(true);
        continue;
      }
      planned++;
      const { text, params } = compile(compileReport(plan, sets.events!, duckdbDialect).page, duckdbDialect);
      for (const v of req.filters[id]!)
        if (v.length > 3 && !/^[\w .:-]+$/.test(v)) expect(text).not.toContain(v);
      expect(
        params.every((p) => p === null || ['string', 'number', 'bigint', 'object'].includes(typeof p)),
      ).toBe(true);
    }
    expect(planned).toBeGreaterThan(50);
  });

  it('random definition fields: errors with paths, never an exception', () => {
    const fields = [
      'dataset',
      'dimensions',
      'measures',
      'filters',
      'visual',
      'sort',
      'drilldown',
      'segments',
      'limit',
    ];
    for (let i = 0; i < 300; i++) {
      const f = fields[rnd(fields.length)]!;
      const values: unknown[] = [
        junk(),
        [junk()],
        { type: junk() },
        rnd(1e6) - 5e5,
        [{ dimension: junk(), granularity: junk() }],
        { [junk()]: junk() },
      ];
      const doc = {
        id: 'fuzz',
        title: 'Fuzz',
        dataset: 'events',
        measures: ['events'],
        [f]: values[rnd(values.length)],
      };
      const yaml = stringify(doc);
      const r = validateReportYaml(yaml, { datasets: sets });
      if (!r.ok) for (const e of r.errors) expect(typeof e.path).toBe('string');
    }
  });
});
