// Inferred-link routes: the candidate edges between subsystems that share identifier values
// (with their evidence), and the decision on one: accept (it becomes a declared edge in the
// topology, and the answer carries the YAML that makes it permanent) or dismiss.
import type { Context, Hono } from 'hono';
import type { Config } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { decideLink, readLinks } from '../../process/links/link-decisions.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { LinkDecisionResponse } from '../types.ts';
import { viewerOf } from './catalog.ts';

async function keyOf(c: Context): Promise<{ fromField: string; toField: string } | undefined> {
  const text = await c.req.text();
  if (!text.trim()) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UserError('bad_request', 'the request body is not JSON', [
      {
        where: 'body',
        message: 'invalid JSON',
        hint: 'send {"fromField": "keys.x", "toField": "keys.y"} or nothing',
      },
    ]);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new UserError('bad_request', 'the request body must be a JSON object', [
      {
        where: 'body',
        message: 'not an object',
        hint: 'send {"fromField": "keys.x", "toField": "keys.y"} or nothing',
      },
    ]);
  }
  const { fromField, toField } = body as Record<string, unknown>;
  if (fromField === undefined && toField === undefined) return undefined;
  if (typeof fromField !== 'string' || typeof toField !== 'string') {
    throw new UserError('bad_request', 'fromField and toField must both be strings', [
      { where: 'body', message: 'incomplete key', hint: 'name both fields, as listed in the candidate keys' },
    ]);
  }
  return { fromField, toField };
}

function idOf(c: Context): string {
  const id = c.req.param('id') ?? '';
  if (!/^[0-9a-f]{12}$/.test(id)) {
    throw new UserError('bad_request', `"${id}" is not a link id`, [
      { where: 'path.id', message: 'expected 12 hex digits', hint: 'take the id from GET /api/links' },
    ]);
  }
  return id;
}

export function linkRoutes(app: Hono, deps: { warehouse: Warehouse; config: Config }): void {
  const { warehouse, config } = deps;

  app.get('/api/links', async (c) => c.json(await readLinks(warehouse, config, viewerOf(c))));

  for (const [action, decision] of [
    ['accept', 'accepted'],
    ['dismiss', 'dismissed'],
  ] as const) {
    app.post(`/api/links/:id/${action}`, async (c) => {
      const id = idOf(c);
      const key = await keyOf(c);
      const body: LinkDecisionResponse = {
        candidate: await decideLink(warehouse, config, viewerOf(c), id, decision, key),
      };
      return c.json(body);
    });
  }
}
