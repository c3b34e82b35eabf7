// Validation at the boundary (DESIGN.md convention 7): a report definition, from a config file or
// from the editor's YAML, is checked for form (the zod spec in config/schema.ts) and for meaning
// (dataset, dimensions, measures, filters, visual, sort, drill-down), collecting every problem
// with its path, and its line and column when the YAML text is at hand.
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { ReportSource } from '../api/types.ts';
import { type ReportBodyConfig, reportBodySpec, reportSpec } from '../config/schema.ts';
import { AGGREGATES, type DatasetDef, findDimension } from './dataset.ts';
import type { DimensionRef, FilterDef, Granularity, MeasureRef, ReportDef } from './definition.ts';
import { NUMBER_RANGE_HINT, parseNumberRange, parseTimeRange, TIME_RANGE_HINT } from './ranges.ts';

export interface ReportIssue {
  path: string;
  message: string;
  hint?: string;
  line?: number;
  col?: number;
}

export interface ValidateContext {
  datasets: Record<string, DatasetDef>;
  /** Ids of the other reports, to check drill-down targets; omitted: not checked. */
  reportIds?: ReadonlySet<string>;
}

export type Located = (path: (string | number)[]) => { line: number; col: number } | undefined;

export type ValidateResult = { ok: true; def: ReportDef } | { ok: false; errors: ReportIssue[] };

export const formatPath = (path: readonly (string | number)[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

const NAME = /^[a-z][a-z0-9_]*$/;

/** A standalone definition as YAML (the editor, user reports): `id` plus the report's keys. */
export function validateReportYaml(
  text: string,
  ctx: ValidateContext,
  source: ReportSource = 'user',
): ValidateResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          path: '',
          message: e.message.split('\n')[0] ?? e.message,
          hint: 'fix the YAML syntax',
          ...pos,
        };
      }),
    };
  }
  if (!isMap(doc.contents))
    return {
      ok: false,
      errors: [{ path: '', message: 'expected a mapping', hint: 'start with id: and title:' }],
    };
  const locate: Located = (path) => {
    let node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    for (let p = path; !node?.range && p.length > 0; p = p.slice(0, -1))
      node = doc.getIn(p.slice(0, -1), true) as typeof node;
    return node?.range ? lineCounter.linePos(node.range[0]) : undefined;
  };
  const raw = doc.toJS() as Record<string, unknown>;
  const parsed = reportSpec.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: zodIssues(parsed.error.issues, locate) };
  const { id, ...body } = parsed.data;
  return validateReportBody(id, body, ctx, { source, yaml: text, locate });
}

/** A definition already shaped by the schema (config files), checked for meaning. */
export function validateReportBody(
  id: string,
  body: ReportBodyConfig,
  ctx: ValidateContext,
  opts: { source: ReportSource; yaml: string; locate?: Located; prefix?: (string | number)[] },
): ValidateResult {
  const errors: ReportIssue[] = [];
  const prefix = opts.prefix ?? [];
  const fail = (path: (string | number)[], message: string, hint?: string) => {
    const pos = opts.locate?.([...prefix, ...path]);
    errors.push({ path: formatPath(path), message, ...(hint ? { hint } : {}), ...(pos ?? {}) });
  };
  const ds = Object.hasOwn(ctx.datasets, body.dataset) ? ctx.datasets[body.dataset] : undefined;
  if (!ds) {
    fail(
      ['dataset'],
      `unknown dataset "${body.dataset}"`,
      `use one of: ${Object.keys(ctx.datasets).join(', ')}`,
    );
    return { ok: false, errors };
  }
  const columns = new Set<string>();
  const claim = (name: string, path: (string | number)[]) => {
    if (columns.has(name))
      fail(path, `column "${name}" appears twice`, 'give one of them another name with `as`/`name`');
    columns.add(name);
  };

  const dimensions: DimensionRef[] = [];
  body.dimensions.forEach((d, i) => {
    const spec = typeof d === 'string' ? splitGrain(d) : d;
    const dim = findDimension(ds, spec.dimension);
    if (!dim) {
      fail(
        ['dimensions', i],
        `unknown dimension "${spec.dimension}" of dataset ${ds.name}`,
        dimensionHint(ds),
      );
      return;
    }
    const grain = spec.granularity as Granularity | undefined;
    if (grain && !['minute', 'hour', 'day', 'week'].includes(grain)) {
      fail(['dimensions', i], `unknown granularity "${grain}"`, 'use minute, hour, day or week');
      return;
    }
    if (grain && dim.type !== 'time')
      fail(['dimensions', i], `"${spec.dimension}" is not a time and has no granularity`);
    const name = spec.as ?? spec.dimension.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
    claim(name, ['dimensions', i]);
    dimensions.push({
      name,
      dimension: spec.dimension,
      granularity: grain,
      label: spec.label ?? dim.label,
      type: dim.type,
      unit: dim.unit,
    });
  });

  const measures: MeasureRef[] = [];
  body.measures.forEach((m, i) => {
    if (typeof m === 'string') {
      const def = Object.hasOwn(ds.measures, m) ? ds.measures[m] : undefined;
      if (!def) {
        fail(
          ['measures', i],
          `unknown measure "${m}" of dataset ${ds.name}`,
          `use one of: ${Object.keys(ds.measures).join(', ')}, or define one with name and agg`,
        );
        return;
      }
      claim(m, ['measures', i]);
      measures.push({ name: m, ...def, type: measureType(ds, def.agg, def.of) });
      return;
    }
    claim(m.name, ['measures', i, 'name']);
    measures.push({ ...m, label: m.label ?? m.name, type: measureType(ds, m.agg, m.of) });
  });
  const known = (name: string) => measures.some((m) => m.name === name) || Object.hasOwn(ds.measures, name);
  measures.forEach((m, i) => {
    if (!AGGREGATES.includes(m.agg)) return;
    const at = typeof body.measures[i] === 'string' ? ['measures', i] : ['measures', i];
    if (m.agg === 'ratio') {
      for (const k of ['numerator', 'denominator'] as const) {
        const v = m[k];
        if (!v) fail([...at, k], `a ratio needs a ${k}`, 'name another measure of the report or the dataset');
        else if (v === m.name || !known(v) || measures.find((x) => x.name === v)?.agg === 'ratio')
          fail(
            [...at, k],
            `"${v}" is not a measure a ratio can use`,
            `use one of: ${[...measures.filter((x) => x.agg !== 'ratio').map((x) => x.name), ...Object.keys(ds.measures)].join(', ')}`,
          );
      }
      return;
    }
    if (m.agg === 'count' || m.agg === 'rate') {
      if (
        m.agg === 'rate' &&
        !dimensions.some((d) => d.granularity) &&
        !body.filters.some((f) => f.kind === 'time_range')
      )
        fail(
          at,
          `rate "${m.name}" needs a time dimension with a granularity or a time_range filter`,
          'add ts:hour to dimensions or a time_range filter',
        );
      return;
    }
    if (!m.of) {
      fail(at, `${m.agg} needs "of": the dimension it aggregates`);
      return;
    }
    const of = findDimension(ds, m.of);
    if (!of) fail([...at, 'of'], `unknown dimension "${m.of}"`, dimensionHint(ds));
    else if (m.agg !== 'count_distinct' && of.type === 'string')
      fail(
        [...at, 'of'],
        `${m.agg} needs a number${m.agg === 'min' || m.agg === 'max' ? ' or a time' : ''}; "${m.of}" is text`,
      );
    else if (of.type === 'time' && !['min', 'max', 'count_distinct'].includes(m.agg))
      fail([...at, 'of'], `${m.agg} of a time makes no sense`, 'use min or max');
  });

  for (const [i, s] of (body.segments ?? []).entries())
    if (!Object.hasOwn(ds.segments, s))
      fail(
        ['segments', i],
        `unknown segment "${s}"`,
        Object.keys(ds.segments).length
          ? `use one of: ${Object.keys(ds.segments).join(', ')}`
          : `dataset ${ds.name} has no segments`,
      );

  const filters: FilterDef[] = [];
  const filterIds = new Set(body.filters.map((f) => f.id));
  body.filters.forEach((f, i) => {
    const at = ['filters', i];
    if (filters.some((x) => x.id === f.id)) fail([...at, 'id'], `filter "${f.id}" appears twice`);
    const dim = findDimension(ds, f.dimension);
    if (!dim) fail([...at, 'dimension'], `unknown dimension "${f.dimension}"`, dimensionHint(ds));
    else {
      const want = f.kind === 'time_range' ? 'time' : f.kind === 'number_range' ? 'number' : 'string';
      if (dim.type !== want)
        fail(
          [...at, 'kind'],
          `a ${f.kind} filter needs a ${want} dimension; "${f.dimension}" is a ${dim.type}`,
        );
    }
    for (const [j, dep] of (f.depends_on ?? []).entries())
      if (dep === f.id || !filterIds.has(dep))
        fail([...at, 'depends_on', j], `"${dep}" is not another filter of this report`);
    if (f.depends_on?.length && f.kind !== 'multi_select')
      fail([...at, 'depends_on'], 'only multi_select filters have value lists to narrow');
    if (f.default !== undefined) {
      const one = Array.isArray(f.default) ? undefined : f.default;
      if (f.kind !== 'multi_select' && one === undefined)
        fail([...at, 'default'], `a ${f.kind} filter takes one default value`);
      if (f.kind === 'time_range' && one !== undefined) {
        const r = parseTimeRange(one, Date.now() * 1000);
        if (typeof r === 'string') fail([...at, 'default'], r, TIME_RANGE_HINT);
      }
      if (f.kind === 'number_range' && one !== undefined) {
        const r = parseNumberRange(one);
        if (typeof r === 'string') fail([...at, 'default'], r, NUMBER_RANGE_HINT);
      }
    }
    filters.push({
      id: f.id,
      label: f.label ?? dim?.label ?? f.id,
      kind: f.kind,
      dimension: f.dimension,
      default: f.default,
      dependsOn: f.depends_on ?? [],
      min: f.min,
      max: f.max,
      required: f.required ?? false,
    });
  });

  const y =
    body.visual.y === undefined ? undefined : Array.isArray(body.visual.y) ? body.visual.y : [body.visual.y];
  for (const k of ['x', 'series'] as const) {
    const v = body.visual[k];
    if (v !== undefined && !columns.has(v))
      fail(['visual', k], `"${v}" is not a column of the report`, `use one of: ${[...columns].join(', ')}`);
  }
  y?.forEach((v, j) => {
    if (!measures.some((m) => m.name === v) && !dimensions.some((d) => d.name === v && d.type === 'number'))
      fail(
        ['visual', 'y', ...(Array.isArray(body.visual.y) ? [j] : [])],
        `"${v}" is not a numeric column of the report`,
        `use one of: ${measures.map((m) => m.name).join(', ')}`,
      );
  });
  if (body.visual.type === 'timeseries' && !dimensions.some((d) => d.type === 'time'))
    fail(['visual', 'type'], 'a timeseries needs a time dimension', 'add e.g. ts:hour to dimensions');
  if (body.visual.type !== 'table' && measures.length === 0 && !y?.length)
    fail(
      ['visual', 'type'],
      `a ${body.visual.type} needs at least one measure`,
      'add a measure or use type: table',
    );

  const sort = typeof body.sort === 'string' ? { column: body.sort, dir: 'asc' as const } : body.sort;
  if (sort && !columns.has(sort.column))
    fail(
      ['sort'],
      `"${sort.column}" is not a column of the report`,
      `use one of: ${[...columns].join(', ')}`,
    );

  if (body.drilldown) {
    const dd = body.drilldown;
    if (!dd.report === !dd.events)
      fail(
        ['drilldown'],
        'a drill-down opens either a report or the events',
        'set report: <id> or events: true',
      );
    if (dd.report && ctx.reportIds && !ctx.reportIds.has(dd.report))
      fail(['drilldown', 'report'], `unknown report "${dd.report}"`);
    for (const [k, v] of Object.entries(dd.bind))
      if (!columns.has(v))
        fail(
          ['drilldown', 'bind', k],
          `"${v}" is not a column of the report`,
          `use one of: ${[...columns].join(', ')}`,
        );
  }
  if (body.dimensions.length === 0 && body.measures.length === 0)
    fail(['measures'], 'a report needs at least one dimension or measure');
  if (!NAME.test(id.replace(/-/g, '_'))) fail(['id'], `"${id}" is not a valid id`);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    def: {
      id,
      title: body.title,
      description: body.description,
      dataset: ds.name,
      dimensions,
      measures,
      segments: body.segments ?? [],
      filters,
      visual: { type: body.visual.type, x: body.visual.x, y, series: body.visual.series },
      sort,
      limit: body.limit,
      drilldown: body.drilldown,
      refreshSeconds: body.refresh_seconds,
      tags: body.tags ?? [],
      source: opts.source,
      yaml: opts.yaml,
    },
  };
}

function splitGrain(text: string): { dimension: string; granularity?: string; as?: string; label?: string } {
  const i = text.lastIndexOf(':');
  return i > 0 ? { dimension: text.slice(0, i), granularity: text.slice(i + 1) } : { dimension: text };
}

function measureType(ds: DatasetDef, agg: string, of: string | undefined): 'number' | 'time' {
  if ((agg === 'min' || agg === 'max') && of && findDimension(ds, of)?.type === 'time') return 'time';
  return 'number';
}

const dimensionHint = (ds: DatasetDef) =>
  `use one of: ${Object.keys(ds.dimensions).join(', ')}${
    ds.dynamic
      ? `, or ${Object.keys(ds.dynamic)
          .map((p) => `${p}.<name>`)
          .join(', ')}`
      : ''
  }`;

export function zodIssues(
  issues: z.core.$ZodIssue[],
  locate?: Located,
  prefix: (string | number)[] = [],
): ReportIssue[] {
  return issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    let message = issue.message;
    let hint: string | undefined;
    let at = path;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      hint = 'remove it or check its spelling';
      at = [...path, issue.keys[0] ?? ''];
    } else if (issue.code === 'invalid_value' && 'values' in issue)
      hint = `allowed: ${issue.values.map(String).join(', ')}`;
    else if (issue.code === 'invalid_type' && issue.message.includes('received undefined'))
      hint = 'this key is required';
    const pos = locate?.([...prefix, ...at]);
    return { path: formatPath(at), message, ...(hint ? { hint } : {}), ...(pos ?? {}) };
  });
}

export { reportBodySpec };
