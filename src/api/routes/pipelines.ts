// Pipeline routes: the configured pipelines with their live counters, and the try-out endpoint
// that runs pasted sample lines through a pipeline without storing anything.
import type { Hono } from 'hono';
import { pipelineVisibility, visiblePipelineCounters } from '../../access/visible-pipelines.ts';
import type { Config } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { usToIso } from '../../events/time.ts';
import { type BuiltPipeline, buildPipelines } from '../../pipeline/build.ts';
import type { Ingest } from '../../pipeline/ingest.ts';
import { tryParsePool, tryPipeline } from '../../pipeline/try.ts';
import { identityOf } from '../auth.ts';
import type { PipelinesResponse, TryResponse } from '../types.ts';

const MAX_TRY_BYTES = 1 << 20;

export function pipelineRoutes(app: Hono, deps: { config: Config; ingest?: Ingest }): void {
  let built: BuiltPipeline[] | undefined;
  const pipelines = () => {
    built ??= buildPipelines(deps.config);
    return built;
  };

  app.get('/api/pipelines', (c) => {
    const v = pipelineVisibility(identityOf(c), deps.config);
    const status = visiblePipelineCounters(v, deps.ingest?.status().pipelines ?? {});
    const body: PipelinesResponse = {
      pipelines: Object.entries(deps.config.pipelines)
        .filter(([name]) => v.sees(name))
        .map(([name, p]) => ({
          name,
          subsystem: p.subsystem,
          description: p.description,
          source: { type: p.source.type, include: 'include' in p.source ? p.source.include : undefined },
          framing: p.framing.type,
          parsers: p.parsers.map((x) => x.type),
          transforms: p.transforms.map((x) => x.type),
          status: status[name],
        })),
    };
    return c.json(body);
  });

  app.post('/api/pipelines/:name/try', async (c) => {
    const name = c.req.param('name');
    const p = pipelines().find((x) => x.name === name);
    if (!p)
      throw new UserError('not_found', `no pipeline "${name}"`, [
        {
          where: 'path.name',
          message: 'unknown pipeline',
          hint: `one of: ${pipelines()
            .map((x) => x.name)
            .join(', ')}`,
        },
      ]);
    const body = (await c.req.json().catch(() => undefined)) as { text?: unknown } | undefined;
    if (typeof body?.text !== 'string') {
      throw new UserError('bad_request', 'expected a JSON body {"text": "..."}', [
        {
          where: 'body.text',
          message: 'missing or not a string',
          hint: 'send the sample lines as one string',
        },
      ]);
    }
    if (Buffer.byteLength(body.text) > MAX_TRY_BYTES) {
      throw new UserError('bad_request', 'sample text is larger than 1 MiB', [
        { where: 'body.text', message: 'too large', hint: 'try fewer lines; use mortar parse for files' },
      ]);
    }
    const out: TryResponse = {
      pipeline: name,
      results: [],
      counts: { events: 0, deadLetters: 0, filtered: 0 },
    };
    // In the parse workers under the record budget: a runaway pattern cannot block the server.
    for (const r of await tryPipeline(p, body.text, tryParsePool(deps.config), 'try-out')) {
      if (r.kind === 'event') {
        out.counts.events++;
        out.results.push({
          kind: 'event',
          offset: r.event.offset,
          event: { ...r.event, ts: usToIso(r.event.ts), receivedAt: usToIso(r.event.receivedAt) },
        });
      } else if (r.kind === 'dead') {
        out.counts.deadLetters++;
        out.results.push({
          kind: 'dead_letter',
          offset: r.dead.offset,
          stage: r.dead.stage,
          reason: r.dead.reason,
          raw: r.dead.raw,
        });
      } else {
        out.counts.filtered++;
        out.results.push({ kind: 'filtered', offset: r.offset, stage: r.filtered.stage });
      }
    }
    return c.json(out);
  });
}
