// Pattern routes: the mined message templates per source (top templates in a range with a
// sparkline each), detected changes (new templates, rate jumps and falls) and one template's
// detail with examples. All read the derived pattern tables the pattern runner keeps current;
// times are event time, the default range is the last hour that has been mined (less when
// mining began later).
import type { Context, Hono } from 'hono';
import { exampleViewer } from '../../access/example-viewer.ts';
import { maskTemplates } from '../../access/masked-templates.ts';
import { UserError } from '../../events/errors.ts';
import { usToIso } from '../../events/time.ts';
import { visibleExamples } from '../../process/catalog/examples.ts';
import {
  changesInRange,
  minedSpanUs,
  overflowByPipeline,
  type PatternFilter,
  patternTablesReady,
  type RangedTemplate,
  templateDetail,
  templateRows,
  templatesInRange,
} from '../../process/patterns/pattern-queries.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { identityOf } from '../auth.ts';
import { intParam, listParam, niceBucketSeconds, timeParam } from '../params.ts';
import type {
  PatternChangeKind,
  PatternChangesResponse,
  PatternDetailResponse,
  PatternSource,
  PatternSummary,
  PatternsResponse,
} from '../types.ts';

function summary(t: RangedTemplate & { templateHidden?: boolean }): PatternSummary {
  return {
    id: t.id,
    template: t.template,
    ...(t.templateHidden ? { templateHidden: true } : {}),
    count: t.count,
    total: t.total,
    firstSeen: usToIso(t.firstUs),
    lastSeen: usToIso(t.lastUs),
    series: t.series,
  };
}

export function patternRoutes(app: Hono, deps: { warehouse: Warehouse }): void {
  const { warehouse } = deps;
  const ready = () => patternTablesReady(warehouse);
  const filter = (c: Context): PatternFilter => ({
    pipelines: listParam(c.req.query('source') ?? c.req.query('pipeline')),
    subsystems: listParam(c.req.query('subsystem')),
  });
  // Templates, counts and changes are drawn from a source's rows: out of the viewer's scope, not shown.
  const visible = (c: Context) => {
    const viewer = exampleViewer(identityOf(c));
    return (t: { subsystem: string; pipeline: string }) =>
      viewer.sees({ subsystem: t.subsystem, pipeline: t.pipeline, field: 'message' });
  };
  const range = async (c: Context) => {
    const span = (await ready()) ? await minedSpanUs(warehouse) : undefined;
    const toUs =
      timeParam(c.req.query('to'), 'to') ?? (span === undefined ? Date.now() * 1000 : span.lastUs + 1);
    // The last hour that has been mined, or less when mining began later (so sparklines fill).
    const fromUs =
      timeParam(c.req.query('from'), 'from') ??
      Math.max(toUs - 3600e6, Math.min(span?.firstUs ?? 0, toUs - 60e6));
    if (fromUs >= toUs)
      throw new UserError('bad_request', '"from" must be before "to"', [
        { where: 'query.from', message: 'empty range', hint: 'swap from and to' },
      ]);
    const bucketSeconds = niceBucketSeconds((toUs - fromUs) / 1e6, 30);
    return { fromUs, toUs, bucketSeconds };
  };

  app.get('/api/patterns', async (c) => {
    const { fromUs, toUs, bucketSeconds } = await range(c);
    const limit = intParam(c.req.query('limit'), 'limit', 20, 1, 500);
    const body: PatternsResponse = { from: usToIso(fromUs), to: usToIso(toUs), bucketSeconds, sources: [] };
    if (!(await ready())) return c.json(body);
    const all = (await templatesInRange(warehouse, filter(c), fromUs, toUs, bucketSeconds * 1e6)).filter(
      visible(c),
    );
    const overflow = await overflowByPipeline(warehouse);
    const bySource = new Map<string, RangedTemplate[]>();
    for (const t of all) bySource.set(t.pipeline, [...(bySource.get(t.pipeline) ?? []), t]);
    const sources = [...bySource.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([pipeline, ts]) => {
        ts.sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
        return { pipeline, ts, top: ts.slice(0, limit) };
      });
    // Only the templates listed are redacted: their masked values are looked up, not all templates'.
    const shown = await maskTemplates(
      warehouse,
      identityOf(c),
      sources.flatMap((s) => s.top),
    );
    let at = 0;
    body.sources = sources.map(({ pipeline, ts, top }): PatternSource => {
      const patterns = shown.slice(at, at + top.length).map(summary);
      at += top.length;
      return {
        pipeline,
        subsystem: ts[0]!.subsystem,
        templates: ts.length,
        messages: ts.reduce((n, t) => n + t.count, 0),
        overflow: overflow.get(pipeline) ?? 0,
        patterns,
      };
    });
    return c.json(body);
  });

  app.get('/api/patterns/changes', async (c) => {
    const { fromUs, toUs } = await range(c);
    const limit = intParam(c.req.query('limit'), 'limit', 100, 1, 1000);
    const body: PatternChangesResponse = { from: usToIso(fromUs), to: usToIso(toUs), changes: [] };
    if (!(await ready())) return c.json(body);
    const changes = (await changesInRange(warehouse, filter(c), fromUs, toUs, limit)).filter(visible(c));
    body.changes = (await maskTemplates(warehouse, identityOf(c), changes)).map((r) => ({
      pipeline: r.pipeline,
      subsystem: r.subsystem,
      component: r.component || undefined,
      id: r.id,
      template: r.template,
      ...(r.templateHidden ? { templateHidden: true } : {}),
      kind: r.kind as PatternChangeKind,
      at: usToIso(r.atUs),
      recent: r.recent,
      baseline: r.baseline,
    }));
    return c.json(body);
  });

  app.get('/api/patterns/:id', async (c) => {
    const id = c.req.param('id');
    const { fromUs, toUs, bucketSeconds } = await range(c);
    const known = (await ready()) ? (await templateRows(warehouse, id, filter(c))).filter(visible(c)) : [];
    // Redacted from the stored rows; the ranged rows below carry the same text.
    const texts = new Map(
      (await maskTemplates(warehouse, identityOf(c), known)).map((t) => [t.pipeline, t] as const),
    );
    if (known.length === 0)
      throw new UserError('not_found', `no pattern "${id}"`, [
        { where: 'path.id', message: 'unknown template id', hint: 'take an id from GET /api/patterns' },
      ]);
    const ranged = new Map(
      (await templateDetail(warehouse, id, filter(c), fromUs, toUs, bucketSeconds * 1e6)).map((t) => [
        t.pipeline,
        t,
      ]),
    );
    const buckets = Math.max(1, Math.ceil((toUs - fromUs) / (bucketSeconds * 1e6)));
    const viewer = exampleViewer(identityOf(c));
    const body: PatternDetailResponse = {
      id,
      from: usToIso(fromUs),
      to: usToIso(toUs),
      bucketSeconds,
      sources: known.map((t) => {
        const r = ranged.get(t.pipeline) ?? { ...t, count: 0, series: new Array<number>(buckets).fill(0) };
        const examples = visibleExamples(
          viewer,
          { subsystem: t.subsystem, pipeline: t.pipeline, field: 'message' },
          t.examples,
        );
        const seen = texts.get(t.pipeline)!;
        const shown = { ...r, template: seen.template, templateHidden: seen.templateHidden };
        return { ...summary(shown), pipeline: t.pipeline, subsystem: t.subsystem, examples };
      }),
    };
    return c.json(body);
  });
}
