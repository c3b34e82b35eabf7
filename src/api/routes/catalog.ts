// Catalog routes: what each source produces (pipelines x event types x fields, with inferred
// types, fill, cardinality, examples, rates, first/last seen) and the schema drift recorded so
// far. Both read the catalog tables the catalog runner keeps up to date; example values pass the
// viewer gate in process/catalog/examples.ts.
import type { Context, Hono } from 'hono';
import { exampleViewer } from '../../access/example-viewer.ts';
import type { Config } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { type DriftChangeName, readCatalog, readDrift } from '../../process/catalog/catalog-queries.ts';
import type { Viewer } from '../../process/catalog/examples.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { identityOf } from '../auth.ts';
import { intParam, listParam, timeParam } from '../params.ts';

const CHANGES: DriftChangeName[] = [
  'type_added',
  'field_added',
  'type_changed',
  'field_vanished',
  'field_returned',
  'rate_collapsed',
  'rate_recovered',
];

/** Who is asking (set by the access gate: the local identity when access control is off). */
export function viewerOf(c: Context): Viewer {
  return exampleViewer(identityOf(c));
}

function known(values: string[] | undefined, allowed: string[], param: string, what: string): void {
  const bad = values?.filter((v) => !allowed.includes(v));
  if (bad?.length) {
    throw new UserError('bad_request', `unknown ${what} ${bad.join(', ')}`, [
      {
        where: `query.${param}`,
        message: `not a ${what}`,
        hint: `one of ${allowed.join(', ') || '(none configured)'}`,
      },
    ]);
  }
}

export function catalogRoutes(app: Hono, deps: { warehouse: Warehouse; config: Config }): void {
  const { warehouse, config } = deps;

  app.get('/api/catalog', async (c) => {
    const pipelines = listParam(c.req.query('pipeline'));
    const subsystems = listParam(c.req.query('subsystem'));
    known(pipelines, Object.keys(config.pipelines), 'pipeline', 'pipeline');
    known(subsystems, Object.keys(config.subsystems), 'subsystem', 'subsystem');
    const text = c.req.query('q')?.trim() || undefined;
    return c.json(await readCatalog(warehouse, viewerOf(c), { pipelines, subsystems, text }));
  });

  app.get('/api/catalog/drift', async (c) => {
    const changes = listParam(c.req.query('change'));
    known(changes, CHANGES, 'change', 'drift change');
    const fromUs = timeParam(c.req.query('from'), 'from');
    const toUs = timeParam(c.req.query('to'), 'to');
    if (fromUs !== undefined && toUs !== undefined && fromUs >= toUs) {
      throw new UserError('bad_request', '"from" must be before "to"', [
        { where: 'query.from', message: 'empty range', hint: 'swap from and to' },
      ]);
    }
    return c.json(
      await readDrift(warehouse, {
        fromUs,
        toUs,
        changes,
        limit: intParam(c.req.query('limit'), 'limit', 200, 1, 1000),
        offset: intParam(c.req.query('offset'), 'offset', 0, 0, 1_000_000),
      }),
    );
  });
}
