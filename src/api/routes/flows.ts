// Flow routes: declared flows with alert counts and end-to-end percentiles, per-hop latency
// statistics (with clock-skew evidence), the alerts of a flow by state, and one alert's path with
// the raw lines of its steps. All read the derived flow tables; time ranges select alerts by the
// time of their first step.
// Scopes: the flow list, alert counts and e2e percentiles and the alert list follow `flow_alerts`;
// hop statistics follow `flow_hops` and the `events` scope on both hop ends; all are computed in SQL
// from visible rows only (the scope is ANDed into every aggregate), so counts and percentiles are
// exact for what the user sees. A flow none of whose alerts the scope can admit is not listed (404
// like an unknown one). An alert outside the scope is not found. Inside a visible alert, steps in
// subsystems the `events` scope hides are shaped away by access/flow-view.ts (time, component,
// event id, raw line, hop latencies, e2e); the raw lines also pass the `events` scope and masks.
// The topology follows `topology_edges` (access/topology-view.ts).
import type { Context, Hono } from 'hono';
import { cockpitFilter, flowListed } from '../../access/cockpit-scopes.ts';
import { FlowView, stepRow } from '../../access/flow-view.ts';
import { maskEvent } from '../../access/masked-rows.ts';
import { rowFilter } from '../../access/row-filter.ts';
import { scopedTopology } from '../../access/topology-view.ts';
import type { Config } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { usToIso } from '../../events/time.ts';
import type { FlowDef } from '../../process/flows/definition.ts';
import { topology } from '../../process/topology/topology.ts';
import { hasTable } from '../../warehouse/hasTable.ts';
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { identityOf } from '../auth.ts';
import { intParam, listParam, timeParam } from '../params.ts';
import type {
  AlertState,
  FlowAlertResponse,
  FlowAlertsResponse,
  FlowHopsResponse,
  FlowsResponse,
} from '../types.ts';

const STATES: AlertState[] = ['in_flight', 'complete', 'late', 'stuck', 'lost'];
const ms = (us: unknown) => (us === null || us === undefined ? undefined : Number(us) / 1000);
const id = sql.id;

export function flowRoutes(
  app: Hono,
  deps: { warehouse: Warehouse; flows: FlowDef[]; config: Config },
): void {
  const { warehouse, flows } = deps;
  const d = warehouse.sqlDialect;
  const listed = (c: Context) => {
    const scope = identityOf(c).scopeOf('flow_alerts');
    return flows.filter((f) => flowListed(scope, f.name));
  };
  /** The identity's scope of a dataset as `and <predicate>` over alias t (empty when it sees all). */
  const scoped = (c: Context): Sql => {
    const p = cockpitFilter(identityOf(c), 'flow_alerts', flows, d);
    return p ? sql` and ${p}` : sql.empty;
  };
  const viewOf = (c: Context) => new FlowView(identityOf(c), flows);
  const flowOf = (c: Context) => {
    const f = listed(c).find((x) => x.name === c.req.param('name'));
    if (!f) {
      throw new UserError('not_found', `no flow "${c.req.param('name')}"`, [
        {
          where: 'path.name',
          message: 'unknown flow',
          hint: `declared flows: ${
            listed(c)
              .map((x) => x.name)
              .join(', ') || 'none'
          }`,
        },
      ]);
    }
    return f;
  };
  const range = (c: Context) => {
    const toUs = timeParam(c.req.query('to'), 'to') ?? Date.now() * 1000;
    const fromUs = timeParam(c.req.query('from'), 'from') ?? toUs - 3600e6;
    return {
      fromUs,
      toUs,
      where: (flow: string) => sql`flow = ${flow} and root_us >= ${fromUs} and root_us < ${toUs}`,
    };
  };
  const tablesExist = () => hasTable(warehouse, 'flow_alerts');

  app.get('/api/flows', async (c) => {
    const r = range(c);
    const ready = await tablesExist();
    const body: FlowsResponse = { from: usToIso(r.fromUs), to: usToIso(r.toUs), flows: [] };
    const inScope = scoped(c);
    const view = viewOf(c);
    for (const f of listed(c)) {
      const counts: FlowsResponse['flows'][number]['counts'] = {};
      let e2e: FlowsResponse['flows'][number]['e2e'] = {};
      if (ready) {
        for (const row of await warehouse.query(
          sql`select state, count(*) as n from ${id('flow_alerts')} as t where ${r.where(f.name)}${inScope} group by state`,
        )) {
          counts[String(row.state) as AlertState] = Number(row.n);
        }
        // e2e spans step times: hidden when some declared step may be in a hidden subsystem
        const [p] = !view.e2eShown(f)
          ? []
          : await warehouse.query(
              sql`select ${d.quantile(id('e2e_us'), 0.5)} as p50, ${d.quantile(id('e2e_us'), 0.95)} as p95, ${d.quantile(id('e2e_us'), 0.99)} as p99, max(e2e_us) as mx
            from ${id('flow_alerts')} as t where ${r.where(f.name)} and e2e_us is not null${inScope}`,
            );
        if (p) e2e = { p50: ms(p?.p50), p95: ms(p?.p95), p99: ms(p?.p99), max: ms(p?.mx) };
      }
      body.flows.push({
        name: f.name,
        description: f.description,
        steps: f.steps.map((s) => ({
          name: s.name,
          after: s.parent === undefined ? undefined : f.steps[s.parent]!.name,
          subsystem: s.match.subsystem,
          type: s.match.type,
          key: s.key,
          emits: s.out !== s.key ? s.out : undefined,
          optional: s.optional,
          slaMs: ms(s.slaUs),
        })),
        slaMs: ms(f.slaUs),
        deadlineMs: f.deadlineUs / 1000,
        horizonMs: f.horizonUs / 1000,
        counts,
        e2e,
      });
    }
    return c.json(body);
  });

  app.get('/api/topology', async (c) => {
    const r = range(c);
    const all = await topology(warehouse, deps.config, flows, r.fromUs, r.toUs);
    return c.json(
      await scopedTopology(all, { warehouse, config: deps.config, flows, identity: identityOf(c), ...r }),
    );
  });

  app.get('/api/flows/:name/hops', async (c) => {
    const f = flowOf(c);
    const r = range(c);
    const body: FlowHopsResponse = { flow: f.name, hops: [] };
    if (!(await tablesExist())) return c.json(body);
    const hopScope = viewOf(c).hopFilter(d);
    const rows = await warehouse.query(
      sql`select from_step, to_step, count(*) as n, ${d.quantile(id('latency_us'), 0.5)} as p50, ${d.quantile(id('latency_us'), 0.95)} as p95,
          ${d.quantile(id('latency_us'), 0.99)} as p99, max(latency_us) as mx, sum(case when breach then 1 else 0 end) as breaches,
          sum(case when latency_us < 0 then 1 else 0 end) as negative,
          ${d.distinctText(id('from_component'), ',')} as fc, ${d.distinctText(id('to_component'), ',')} as tc
        from ${id('flow_hops')} as t where ${r.where(f.name)}${hopScope ? sql` and ${hopScope}` : sql.empty} group by from_step, to_step`,
    );
    const order = new Map(f.steps.map((s) => [s.name, s.index]));
    rows.sort((a, b) => order.get(String(a.to_step))! - order.get(String(b.to_step))!);
    body.hops = rows.map((row) => ({
      from: String(row.from_step),
      to: String(row.to_step),
      count: Number(row.n),
      p50: ms(row.p50)!,
      p95: ms(row.p95)!,
      p99: ms(row.p99)!,
      max: ms(row.mx)!,
      slaMs: ms(f.steps[order.get(String(row.to_step))!]!.slaUs),
      breaches: Number(row.breaches),
      negative: Number(row.negative),
      fromComponents: String(row.fc ?? '')
        .split(',')
        .filter(Boolean)
        .sort(),
      toComponents: String(row.tc ?? '')
        .split(',')
        .filter(Boolean)
        .sort(),
    }));
    return c.json(body);
  });

  app.get('/api/flows/:name/alerts', async (c) => {
    const f = flowOf(c);
    const r = range(c);
    const limit = intParam(c.req.query('limit'), 'limit', 50, 1, 1000);
    const offset = intParam(c.req.query('offset'), 'offset', 0, 0, 10_000_000);
    const states = listParam(c.req.query('state'));
    const bad = states?.filter((s) => !STATES.includes(s as AlertState));
    if (bad?.length) {
      throw new UserError('bad_request', `unknown state ${bad.join(', ')}`, [
        { where: 'query.state', message: 'not a state', hint: `one of ${STATES.join(', ')}` },
      ]);
    }
    const body: FlowAlertsResponse = { flow: f.name, total: 0, limit, offset, rows: [] };
    if (!(await tablesExist())) return c.json(body);
    const base: Sql = states ? sql`${r.where(f.name)} and state in (${sql.list(states)})` : r.where(f.name);
    const where = sql`${base}${scoped(c)}`;
    const [count] = await warehouse.query(
      sql`select count(*) as n from ${id('flow_alerts')} as t where ${where}`,
    );
    const alerts = await warehouse.query(
      sql`select root, root_us, state, e2e_us, missing, gaps from ${id('flow_alerts')} as t where ${where} order by root_us desc, root limit ${limit} offset ${offset}`,
    );
    const roots = alerts.map((a) => String(a.root));
    const steps = roots.length
      ? await warehouse.query(
          sql`select root, step, step_index, t_us, component, event_id from ${id('flow_steps')} where flow = ${f.name} and root in (${sql.list(roots)}) order by step_index`,
        )
      : [];
    body.total = Number(count?.n ?? 0);
    const view = viewOf(c);
    body.rows = alerts.map((a) => {
      const mine = steps.filter((s) => s.root === a.root).map(stepRow);
      const { steps: shown, hidden } = view.listSteps(f, mine);
      return {
        root: String(a.root),
        start: usToIso(Number(a.root_us)),
        state: String(a.state) as AlertState,
        e2eMs: view.alertE2eShown(f, mine) ? ms(a.e2e_us) : undefined,
        missing: a.missing === null ? undefined : String(a.missing),
        gaps: Number(a.gaps),
        steps: shown.map((s) => ({ ...s, ts: usToIso(s.ts) })),
        hiddenSteps: hidden.length ? hidden : undefined,
      };
    });
    return c.json(body);
  });

  app.get('/api/flows/:name/alerts/:root', async (c) => {
    const f = flowOf(c);
    const root = c.req.param('root');
    const [alert] = (await tablesExist())
      ? await warehouse.query(
          sql`select root, root_us, state, e2e_us, missing from ${id('flow_alerts')} as t where flow = ${f.name} and root = ${root}${scoped(c)} order by root_us desc limit 1`,
        )
      : [];
    if (!alert)
      throw new UserError('not_found', `no alert "${root}" in flow "${f.name}"`, [
        { where: 'path.root', message: 'unknown alert', hint: 'list alerts with /api/flows/NAME/alerts' },
      ]);
    const steps = (
      await warehouse.query(
        sql`select step, t_us, component, event_id from ${id('flow_steps')} where flow = ${f.name} and root = ${root} and root_us = ${Number(alert.root_us)}`,
      )
    ).map(stepRow);
    const view = viewOf(c);
    // only the lines of shown steps are read, and those still pass the events scope and masks
    const ids = view.shownEventIds(f, steps);
    const restrict = rowFilter(identityOf(c), 'events', d);
    const events = ids.length
      ? (await warehouse.events({ ids, limit: ids.length, offset: 0, restrict })).rows
      : [];
    const masks = identityOf(c).masksOf('events');
    const body: FlowAlertResponse = {
      flow: f.name,
      root,
      start: usToIso(Number(alert.root_us)),
      state: String(alert.state) as AlertState,
      e2eMs: view.alertE2eShown(f, steps) ? ms(alert.e2e_us) : undefined,
      missing: alert.missing === null ? undefined : String(alert.missing),
      steps: view.detailSteps(f, steps, events).map((s) => ({
        step: s.step,
        ts: s.tUs === undefined ? undefined : usToIso(s.tUs),
        component: s.component,
        latencyMs: s.latencyMs,
        slaMs: ms(f.steps.find((x) => x.name === s.step)!.slaUs),
        breach: s.breach,
        hidden: s.hidden,
        event: s.event
          ? { ...maskEvent(s.event, masks), ts: usToIso(s.event.ts), receivedAt: usToIso(s.event.receivedAt) }
          : undefined,
      })),
    };
    return c.json(body);
  });
}
