// Health routes: the state of every component, subsystem and the system at a moment (live and
// time travel are the same query), the transitions in a window, and availability per entity.
// All read the derived health_transitions table that the health runner keeps up to date.
// (`/api/health` itself is the server's liveness check.)
// Scopes: states and history follow the `health_history` scope, availability the `availability`
// scope (access/cockpit-scopes.ts healthVisibility). Component rows are filtered row by row. A
// subsystem's state and availability, and the system roll-up, aggregate their members and cannot be
// recomputed from part of them, so for a restricted user they are shown only when every member is
// in scope, and hidden otherwise (availability cannot test a rule on state, reason or rule: such a
// rule hides the row).
import type { Context, Hono } from 'hono';
import { healthVisibility } from '../../access/cockpit-scopes.ts';
import { UserError } from '../../events/errors.ts';
import { usToIso } from '../../events/time.ts';
import type { HealthDef, Level } from '../../process/health/definition.ts';
import {
  availability,
  history,
  type StateRow,
  statesAt,
  tablesReady,
} from '../../process/health/health-queries.ts';
import { processedUntilUs } from '../../process/health/health-runner.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { identityOf } from '../auth.ts';
import { listParam, timeParam } from '../params.ts';
import type {
  AvailabilityResponse,
  HealthEntityState,
  StatesHistoryResponse,
  StatesResponse,
} from '../types.ts';

const LEVELS: Level[] = ['component', 'subsystem', 'system'];

/** A time parameter to the microsecond (the stored resolution): fraction digits past the third count too. */
function timeUs(value: string | undefined, param: string): number | undefined {
  const us = timeParam(value, param);
  const extra = /T[\d:]+\.\d{3}(\d{1,3})/.exec(value ?? '')?.[1];
  return us === undefined || extra === undefined ? us : us + Number(extra.padEnd(3, '0'));
}

/** Keeps the rows the identity sees; a component's suppressedBy names a subsystem only if that is visible too. */
function visibleRows(c: Context, health: HealthDef | undefined, rows: StateRow[]): StateRow[] {
  const scope = identityOf(c).scopeOf('health_history');
  if (scope.all) return rows;
  const sees = healthVisibility(scope, health, rows);
  return rows
    .filter((r) => sees(r))
    .map((r) =>
      r.suppressedBy && !sees({ level: 'subsystem', subsystem: r.suppressedBy, component: '' })
        ? { ...r, suppressedBy: null }
        : r,
    );
}

function wire(r: StateRow, system: string): HealthEntityState {
  return {
    level: r.level,
    subsystem: r.subsystem || undefined,
    component: r.component || undefined,
    name: r.component || r.subsystem || system,
    state: r.state,
    from: r.fromUs === undefined ? undefined : usToIso(r.fromUs),
    to: r.toUs === undefined ? undefined : usToIso(r.toUs),
    reason: r.reason ?? undefined,
    rule: r.rule ?? undefined,
    causedBy: r.causedBy ?? undefined,
    suppressedBy: r.suppressedBy ?? undefined,
    flapping: r.flapping,
  };
}

export function healthRoutes(app: Hono, deps: { warehouse: Warehouse; health?: HealthDef }): void {
  const { warehouse, health } = deps;
  const system = health?.system.name ?? 'system';
  const until = async () => ((await tablesReady(warehouse)) ? processedUntilUs(warehouse) : undefined);
  const range = async (c: Context) => {
    const toUs = timeUs(c.req.query('to'), 'to') ?? (await until()) ?? Date.now() * 1000;
    const fromUs = timeUs(c.req.query('from'), 'from') ?? toUs - 3600e6;
    if (fromUs >= toUs)
      throw new UserError('bad_request', '"from" must be before "to"', [
        { where: 'query.from', message: 'empty range', hint: 'swap from and to' },
      ]);
    return { fromUs, toUs };
  };

  app.get('/api/states', async (c) => {
    const processed = await until();
    const atUs =
      timeUs(c.req.query('at'), 'at') ?? (processed === undefined ? Date.now() * 1000 : processed - 1);
    const asOfUs = processed !== undefined && atUs >= processed ? processed - 1 : atUs;
    const rows = visibleRows(c, health, await statesAt(warehouse, health, asOfUs)).map((r) =>
      wire(r, system),
    );
    const body: StatesResponse = {
      at: usToIso(atUs),
      asOf: usToIso(asOfUs),
      processedUntil: processed === undefined ? undefined : usToIso(processed),
      system: rows.find((r) => r.level === 'system'),
      subsystems: rows.filter((r) => r.level === 'subsystem'),
      components: rows.filter((r) => r.level === 'component'),
    };
    return c.json(body);
  });

  app.get('/api/states/history', async (c) => {
    const { fromUs, toUs } = await range(c);
    const levels = listParam(c.req.query('level'));
    const bad = levels?.filter((l) => !LEVELS.includes(l as Level));
    if (bad?.length)
      throw new UserError('bad_request', `unknown level ${bad.join(', ')}`, [
        { where: 'query.level', message: 'not a level', hint: `one of ${LEVELS.join(', ')}` },
      ]);
    const rows = await history(warehouse, fromUs, toUs, {
      subsystems: listParam(c.req.query('subsystem')),
      components: listParam(c.req.query('component')),
      levels: levels as Level[] | undefined,
    });
    const body: StatesHistoryResponse = {
      from: usToIso(fromUs),
      to: usToIso(toUs),
      transitions: visibleRows(c, health, rows).map((r) => wire(r, system)),
    };
    return c.json(body);
  });

  app.get('/api/availability', async (c) => {
    const { fromUs, toUs } = await range(c);
    const all = await availability(warehouse, health, fromUs, toUs);
    const scope = identityOf(c).scopeOf('availability');
    const sees = healthVisibility(scope, health, all);
    const rows = scope.all ? all : all.filter((r) => sees(r));
    const pct = (part: number, whole: number) =>
      whole > 0 ? Math.round((part / whole) * 1e6) / 1e4 : undefined;
    const body: AvailabilityResponse = {
      from: usToIso(fromUs),
      to: usToIso(toUs),
      rows: rows.map((r) => {
        const known = r.us.ok + r.us.degraded + r.us.stale + r.us.failed;
        return {
          level: r.level,
          subsystem: r.subsystem || undefined,
          component: r.component || undefined,
          name: r.component || r.subsystem || system,
          durationsMs: {
            failed: r.us.failed / 1000,
            degraded: r.us.degraded / 1000,
            stale: r.us.stale / 1000,
            ok: r.us.ok / 1000,
            unknown: r.us.unknown / 1000,
          },
          availability: pct(r.us.ok, known),
          uptime: pct(known - r.us.failed, known),
        };
      }),
    };
    return c.json(body);
  });
}
