// The HTTP API (Hono): health, subsystems, event search, volume series, dead letters, ingest
// counters, the SSE live stream and the OpenAPI document; plus the built web app with an SPA
// fallback. Handlers validate their parameters and talk only to the Warehouse seam.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AccessControl } from '../access/access-control.ts';
import type { Identity } from '../access/identity.ts';
import { maskDeadLetter, maskEvent, maskedTextSearch } from '../access/masked-rows.ts';
import { rowFilter } from '../access/row-filter.ts';
import { pipelineVisibility, visiblePipelineCounters } from '../access/visible-pipelines.ts';
import { visibleTotals } from '../access/visible-totals.ts';
import type { Config } from '../config/load.ts';
import { UserError } from '../events/errors.ts';
import type { MortarEvent } from '../events/event.ts';
import { usToIso } from '../events/time.ts';
import type { Ingest } from '../pipeline/ingest.ts';
import type { FlowDef } from '../process/flows/definition.ts';
import type { FlowRunner } from '../process/flows/flow-runner.ts';
import type { HealthDef } from '../process/health/definition.ts';
import type { ProcessorLease } from '../process/lease.ts';
import { reportCatalog } from '../reports/catalog.ts';
import { reportStore } from '../reports/store.ts';
import { sql } from '../warehouse/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { authGate, clientAddress, identityOf, stillSignedIn } from './auth.ts';
import { errorResponse } from './errors.ts';
import type { LiveTotals } from './live.ts';
import { prometheusText } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { intParam, listParam, niceBucketSeconds, timeParam } from './params.ts';
import { adminRoutes } from './routes/admin.ts';
import { agentRoutes } from './routes/agent.ts';
import { authRoutes } from './routes/auth.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { flowRoutes } from './routes/flows.ts';
import { healthRoutes } from './routes/health.ts';
import { linkRoutes } from './routes/links.ts';
import { patternRoutes } from './routes/patterns.ts';
import { pipelineRoutes } from './routes/pipelines.ts';
import { reportRoutes } from './routes/reports.ts';
import type {
  EventRow,
  EventsResponse,
  HealthResponse,
  LiveIngest,
  SubsystemsResponse,
  VolumeResponse,
} from './types.ts';

export interface AppDeps {
  config: Config;
  warehouse: Warehouse;
  live: LiveTotals;
  ingest?: Ingest;
  /** Declared flows (their derived tables are kept up to date by the flow runner). */
  flows?: FlowDef[];
  /** The health definition (its derived tables are kept up to date by the health runner). */
  health?: HealthDef;
  flowRunner?: FlowRunner;
  /** The processor lease: among servers on one ClickHouse only its holder runs the processors. */
  lease?: ProcessorLease;
  /** Sign-in and permissions; absent or disabled: single-user mode (the local identity). */
  access?: AccessControl;
  version: string;
  /** Directory of the built web app (index.html + assets); omitted: API only. */
  webDir?: string;
  liveIntervalMs?: number;
}

export function createApp(deps: AppDeps): Hono {
  const { config, warehouse, live } = deps;
  const started = Date.now();
  const app = new Hono();
  app.onError(errorResponse);
  // The one gate: every /api route and /metrics pass here before any handler (see access-rules.ts).
  app.use('*', authGate(deps.access));
  authRoutes(app, deps.access);
  adminRoutes(app, deps.access);

  app.get('/api/health', async (c) => {
    const body: HealthResponse = {
      status: 'ok',
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      warehouse: {
        dialect: warehouse.dialect,
        events: sum(visibleTotals(identityOf(c), live.bySubsystem)),
        deadLetters: identityOf(c).scopeOf('dead_letters').all ? live.deadLetters : 0,
      },
      processor: { active: deps.lease?.status().held ?? true },
    };
    return c.json(body);
  });

  app.get('/api/subsystems', (c) => {
    const totals = visibleTotals(identityOf(c), live.bySubsystem);
    const names = new Set([...Object.keys(config.subsystems), ...Object.keys(totals)]);
    const body: SubsystemsResponse = {
      subsystems: [...names].sort().map((name) => ({
        name,
        description: config.subsystems[name]?.description,
        declared: name in config.subsystems,
        events: totals[name] ?? 0,
      })),
    };
    return c.json(body);
  });

  /** The row scope and free-text search of events as an identity may use them (a masked value is not searchable). */
  const eventFilter = (identity: Identity, text: string | undefined) => {
    const d = warehouse.sqlDialect;
    const scope = rowFilter(identity, 'events', d);
    const search = text === undefined ? undefined : maskedTextSearch(identity, text, d);
    if (!search) return { restrict: scope, text };
    return { restrict: scope ? sql`(${scope} and ${search})` : search };
  };

  app.get('/api/events', async (c) => {
    const q = c.req.query();
    const limit = intParam(q.limit, 'limit', 50, 1, 1000);
    const offset = intParam(q.offset, 'offset', 0, 0, 10_000_000);
    const identity = identityOf(c);
    const page = await warehouse.events({
      ...eventFilter(identity, q.q || undefined),
      fromUs: timeParam(q.from, 'from'),
      toUs: timeParam(q.to, 'to'),
      subsystems: listParam(q.subsystem),
      limit,
      offset,
    });
    const masks = identity.masksOf('events');
    const body: EventsResponse = {
      total: page.total,
      limit,
      offset,
      rows: page.rows.map((e) => toRow(maskEvent(e, masks))),
    };
    return c.json(body);
  });

  app.get('/api/volume', async (c) => {
    const q = c.req.query();
    const toUs = timeParam(q.to, 'to') ?? Date.now() * 1000;
    const fromUs = timeParam(q.from, 'from') ?? toUs - 15 * 60 * 1_000_000;
    if (fromUs >= toUs)
      throw new UserError('bad_request', '"from" must be before "to"', [
        { where: 'query.from', message: 'empty range', hint: 'swap from and to' },
      ]);
    const span = (toUs - fromUs) / 1e6;
    const bucket = intParam(q.bucket, 'bucket', niceBucketSeconds(span), 1, 86_400);
    if (span / bucket > 5000)
      throw new UserError('bad_request', `too many buckets (${Math.ceil(span / bucket)})`, [
        {
          where: 'query.bucket',
          message: 'more than 5000 buckets',
          hint: 'use a wider bucket or a shorter range',
        },
      ]);
    const subsystems = listParam(q.subsystem);
    const points = await warehouse.volume({
      ...eventFilter(identityOf(c), q.q || undefined),
      fromUs,
      toUs,
      bucketSeconds: bucket,
      subsystems,
    });
    const names = [
      ...new Set([...(subsystems ?? Object.keys(config.subsystems)), ...points.map((p) => p.subsystem)]),
    ].sort();
    const bucketUs = bucket * 1_000_000;
    const first = Math.floor(fromUs / bucketUs) * bucketUs;
    const series = new Map<number, Record<string, number>>();
    for (let t = first; t < toUs; t += bucketUs) series.set(t, Object.fromEntries(names.map((n) => [n, 0])));
    for (const p of points) {
      const row = series.get(p.t);
      if (row) row[p.subsystem] = p.count;
    }
    const body: VolumeResponse = {
      from: usToIso(fromUs),
      to: usToIso(toUs),
      bucketSeconds: bucket,
      subsystems: names,
      points: [...series].map(([t, counts]) => ({ t: usToIso(t), counts })),
    };
    return c.json(body);
  });

  app.get('/api/dead-letters', async (c) => {
    const q = c.req.query();
    const limit = intParam(q.limit, 'limit', 50, 1, 1000);
    const offset = intParam(q.offset, 'offset', 0, 0, 10_000_000);
    const page = await warehouse.deadLetters({
      limit,
      offset,
      pipeline: q.pipeline || undefined,
      restrict: rowFilter(identityOf(c), 'dead_letters', warehouse.sqlDialect),
    });
    return c.json({
      total: page.total,
      limit,
      offset,
      rows: page.rows.map((d) => ({
        ...maskDeadLetter(d, identityOf(c).masksOf('dead_letters')),
        receivedAt: usToIso(d.receivedAt),
      })),
    });
  });

  app.get('/api/ingest', (c) => {
    const status = deps.ingest?.status();
    const v = pipelineVisibility(identityOf(c), config);
    if (!status || v.all) return c.json(status ?? { pipelines: {} });
    // Scoped: only the pipelines it may see; the totals over all pipelines and the reload report
    // (which names every pipeline and configuration error) would tell about the others.
    return c.json({ pipelines: visiblePipelineCounters(v, status.pipelines), settled: status.settled });
  });

  pipelineRoutes(app, deps);
  flowRoutes(app, { warehouse, flows: deps.flows ?? [], config });
  healthRoutes(app, { warehouse, health: deps.health });
  const reports = reportStore(warehouse);
  reportRoutes(app, {
    warehouse,
    store: reports,
    catalog: reportCatalog(config, deps.flows ?? [], reports),
    identity: identityOf,
    audit: deps.access
      ? (c, action, target, detail) => {
          const id = identityOf(c);
          return deps.access?.audit({
            actor: id.viewAsBy ? `${id.viewAsBy} as ${id.user}` : id.user,
            action,
            target,
            outcome: 'ok',
            detail,
            ip: clientAddress(c),
          });
        }
      : undefined,
  });
  patternRoutes(app, { warehouse });
  catalogRoutes(app, { warehouse, config });
  linkRoutes(app, { warehouse, config });
  agentRoutes(app, { warehouse, onCommit: (b) => live.add(b) });

  app.get('/metrics', (c) => {
    // A row-scoped identity gets visible per-subsystem totals only: pipeline and flow counters
    // aggregate rows it may not see, so they are left out for it.
    const id = identityOf(c);
    const restricted = ['events', 'dead_letters', 'flow_alerts', 'flow_hops'].some((d) => !id.scopeOf(d).all);
    const text = restricted
      ? prometheusText(undefined, {
          bySubsystem: visibleTotals(id, live.bySubsystem),
          deadLetters: id.scopeOf('dead_letters').all ? live.deadLetters : 0,
        })
      : prometheusText(deps.ingest?.status(), live, deps.flowRunner?.stats(), deps.lease?.status());
    return c.text(text, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  app.get('/api/openapi.json', (c) => c.json(openApiDocument(deps.version)));

  app.get('/api/live', (c) =>
    streamSSE(c, async (stream) => {
      const identity = identityOf(c);
      const signedIn = stillSignedIn(c);
      let last: Record<string, number> = visibleTotals(identity, live.bySubsystem);
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      const tick = async () => {
        // The stream ends with the session: a signed-out, disabled or expired user gets nothing more.
        if (!(await signedIn())) {
          closed = true;
          return;
        }
        const totals = visibleTotals(identity, live.bySubsystem);
        const delta: Record<string, number> = {};
        for (const [k, v] of Object.entries(totals)) delta[k] = v - (last[k] ?? 0);
        last = totals;
        const payload: LiveIngest = {
          at: new Date().toISOString(),
          totals,
          delta,
          deadLetters: identity.scopeOf('dead_letters').all ? live.deadLetters : 0,
        };
        await stream.writeSSE({ event: 'ingest', data: JSON.stringify(payload) });
      };
      await tick();
      while (!closed) {
        await stream.sleep(deps.liveIntervalMs ?? 1000);
        if (!closed) await tick();
      }
    }),
  );

  app.all('/api/*', () => {
    throw new UserError('not_found', 'no such API route; see /api/openapi.json');
  });

  if (deps.webDir && existsSync(resolve(deps.webDir, 'index.html'))) {
    const root = relative(process.cwd(), deps.webDir) || '.';
    app.use('/*', serveStatic({ root }));
    app.get('*', serveStatic({ root, path: 'index.html' }));
  } else {
    app.get('/', (c) => c.text('Mortar API is running; the web app is not built (run: npm run build:web).'));
  }
  return app;
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

const toRow = (e: MortarEvent): EventRow => ({ ...e, ts: usToIso(e.ts), receivedAt: usToIso(e.receivedAt) });
