// Report routes: list, describe, filter values, run, export (CSV, Parquet), validate, save and
// delete user reports, saved views. Every data path goes plan -> secure -> compile -> run in
// src/reports; the identity is `anonymous` until access control (issue 6) supplies one.
import type { Context, Hono } from 'hono';
import { UserError } from '../../events/errors.ts';
import type { ReportCatalog } from '../../reports/catalog.ts';
import { columnsOf, type ReportDef } from '../../reports/definition.ts';
import { toCsv, toParquet } from '../../reports/export.ts';
import type { FilterValues } from '../../reports/plan.ts';
import { filterValues, runAll, runReport } from '../../reports/run.ts';
import type { Identity } from '../../reports/secure.ts';
import type { ReportStore } from '../../reports/store.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { intParam } from '../params.ts';
import type {
  ReportDetail,
  ReportFilterValuesResponse,
  ReportValidateResponse,
  ReportViewsResponse,
} from '../types.ts';

export interface ReportRouteDeps {
  warehouse: Warehouse;
  catalog: ReportCatalog;
  store: ReportStore;
  /** Who asks (the access gate's identity); every data path is secured for it. */
  identity: (c: Context) => Identity;
  /** Records report runs, exports and edits in the audit log (absent: not audited, single-user mode). */
  audit?: (
    c: Context,
    action: string,
    target: string,
    detail?: Record<string, unknown>,
  ) => Promise<void> | undefined;
}

const MAX_YAML = 256 * 1024;

function detail(def: ReportDef): ReportDetail {
  return {
    id: def.id,
    title: def.title,
    description: def.description,
    dataset: def.dataset,
    source: def.source,
    yaml: def.yaml,
    visual: def.visual,
    filters: def.filters.map((f) => ({
      id: f.id,
      label: f.label,
      kind: f.kind,
      dimension: f.dimension,
      ...(f.default !== undefined ? { default: f.default } : {}),
      ...(f.dependsOn.length ? { dependsOn: f.dependsOn } : {}),
      ...(f.min !== undefined ? { min: f.min } : {}),
      ...(f.max !== undefined ? { max: f.max } : {}),
    })),
    columns: columnsOf(def).map(({ unit, ...c }) => (unit ? { ...c, unit } : c)),
    ...(def.drilldown ? { drilldown: def.drilldown } : {}),
    ...(def.refreshSeconds ? { refreshSeconds: def.refreshSeconds } : {}),
    editable: def.source === 'user',
    ...(def.sort ? { sort: def.sort } : {}),
    ...(def.limit ? { limit: def.limit } : {}),
    tags: def.tags,
  };
}

/** `f.<id>` parameters (repeated for multi_select) -> filter values. */
function filtersOf(c: Context): FilterValues {
  const out: FilterValues = {};
  for (const [k, v] of Object.entries(c.req.queries())) if (k.startsWith('f.')) out[k.slice(2)] = v;
  return out;
}

function runRequest(c: Context) {
  const q = c.req.query();
  return {
    filters: filtersOf(c),
    sort: q.sort || undefined,
    dir: q.dir || undefined,
    limit: q.limit ? intParam(q.limit, 'limit', 100, 1, 10_000) : undefined,
    offset: intParam(q.offset, 'offset', 0, 0, 10_000_000),
  };
}

async function yamlBody(c: Context): Promise<string> {
  const body = (await c.req.json().catch(() => undefined)) as { yaml?: unknown } | undefined;
  if (typeof body?.yaml !== 'string')
    throw new UserError('bad_request', 'expected a JSON body {"yaml": "..."}', [
      {
        where: 'body.yaml',
        message: 'missing or not a string',
        hint: 'send the definition as a YAML string',
      },
    ]);
  if (body.yaml.length > MAX_YAML)
    throw new UserError('bad_request', 'the definition is larger than 256 KiB', [
      { where: 'body.yaml', message: 'too large' },
    ]);
  return body.yaml;
}

export function reportRoutes(app: Hono, deps: ReportRouteDeps): void {
  const { warehouse, catalog, store } = deps;
  const who = (c: Context) => deps.identity(c);
  const audit = (c: Context, action: string, target: string) =>
    deps.audit?.(c, action, target, { query: new URL(c.req.url).search });
  const signal = (c: Context) => c.req.raw.signal;

  app.get('/api/reports', async (c) => c.json({ reports: await catalog.list(c.req.query('q')) }));

  app.post('/api/reports/validate', async (c) => {
    const yaml = await yamlBody(c);
    const r = await catalog.validate(yaml);
    if (!r.ok) return c.json({ ok: false, errors: r.errors } satisfies ReportValidateResponse);
    let body: ReportValidateResponse = { ok: true, errors: [] };
    try {
      const preview = await runReport(
        warehouse,
        r.def,
        catalog.dataset(r.def),
        { filters: {}, limit: 50 },
        who(c),
        {
          signal: signal(c),
          timeoutMs: 10_000,
        },
      );
      body = { ok: true, errors: [], preview };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      body = {
        ok: true,
        errors: [{ path: '', message: `preview: ${error.message}`, hint: error.details[0]?.hint }],
      };
    }
    return c.json(body);
  });

  app.get('/api/reports/:id', async (c) => c.json(detail(await catalog.get(c.req.param('id')))));

  app.put('/api/reports/:id', async (c) =>
    c.json(detail(await catalog.save(c.req.param('id'), await yamlBody(c), who(c).user))),
  );

  app.delete('/api/reports/:id', async (c) => {
    await catalog.remove(c.req.param('id'));
    return c.json({ ok: true });
  });

  app.get('/api/reports/:id/filters/:filterId/values', async (c) => {
    const def = await catalog.get(c.req.param('id'));
    const values = await filterValues(
      warehouse,
      def,
      catalog.dataset(def),
      c.req.param('filterId'),
      filtersOf(c),
      c.req.query('q'),
      who(c),
      {
        signal: signal(c),
      },
    );
    return c.json({ values } satisfies ReportFilterValuesResponse);
  });

  app.get('/api/reports/:id/run', async (c) => {
    const def = await catalog.get(c.req.param('id'));
    await audit(c, 'report_run', def.id);
    return c.json(
      await runReport(warehouse, def, catalog.dataset(def), runRequest(c), who(c), { signal: signal(c) }),
    );
  });

  app.get('/api/reports/:id/export.csv', async (c) => {
    const def = await catalog.get(c.req.param('id'));
    await audit(c, 'export_csv', def.id);
    const r = await runAll(warehouse, def, catalog.dataset(def), runRequest(c), who(c), {
      signal: signal(c),
    });
    return c.body(toCsv(r.columns, r.rows), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${def.id}.csv"`,
      'x-mortar-truncated': String(r.truncated),
    });
  });

  app.get('/api/reports/:id/export.parquet', async (c) => {
    const def = await catalog.get(c.req.param('id'));
    await audit(c, 'export_parquet', def.id);
    const r = await runAll(warehouse, def, catalog.dataset(def), runRequest(c), who(c), {
      signal: signal(c),
    });
    const bytes = await toParquet(r.columns, r.rows);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/vnd.apache.parquet',
      'content-disposition': `attachment; filename="${def.id}.parquet"`,
      'x-mortar-truncated': String(r.truncated),
    });
  });

  app.get('/api/reports/:id/views', async (c) => {
    const def = await catalog.get(c.req.param('id'));
    return c.json({ views: await store.views(def.id, who(c).user) } satisfies ReportViewsResponse);
  });

  app.post('/api/reports/:id/views', async (c) => {
    const def = await catalog.get(c.req.param('id'));
    const body = (await c.req.json().catch(() => undefined)) as
      | { name?: unknown; query?: unknown }
      | undefined;
    const name = typeof body?.name === 'string' ? body.name.trim() : '';
    const query = typeof body?.query === 'string' ? body.query : undefined;
    if (!name || name.length > 100 || query === undefined || query.length > 8000)
      throw new UserError('bad_request', 'expected a JSON body {"name": "...", "query": "f.x=..."}', [
        {
          where: 'body',
          message: 'name (1-100 characters) and query (a query string) are required',
          hint: "send the report page URL's query string",
        },
      ]);
    await store.saveView(def.id, who(c).user, name, query);
    return c.json({ views: await store.views(def.id, who(c).user) } satisfies ReportViewsResponse);
  });
}
