// The OpenAPI 3.1 document served at /api/openapi.json, describing the routes in server.ts.
export function openApiDocument(version: string): object {
  const q = (name: string, description: string, schema: object = { type: 'string' }) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema,
  });
  const err = {
    description: 'Invalid request',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  const json = (description: string) => ({
    description,
    content: { 'application/json': { schema: { type: 'object' } } },
  });
  const range = [
    q('from', 'Start, ISO 8601 (inclusive)'),
    q('to', 'End, ISO 8601 (exclusive)'),
    q('subsystem', 'Comma-separated subsystem names'),
  ];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mortar API',
      version,
      description: 'Warehouse and live cockpit for a system of systems.',
    },
    paths: {
      '/api/health': {
        get: {
          summary:
            'Liveness, warehouse counts, and whether this server runs the processors (processor.active)',
          responses: { 200: json('Server is up') },
        },
      },
      '/api/subsystems': {
        get: {
          summary: 'Declared and observed subsystems with event counts',
          responses: { 200: json('Subsystems') },
        },
      },
      '/api/events': {
        get: {
          summary: 'Search stored events, newest first (fields under access.masks masked for the caller)',
          parameters: [
            ...range,
            q('q', 'Case-insensitive text in message or raw line (as shown: masked fields masked)'),
            q('limit', '1..1000, default 50', { type: 'integer' }),
            q('offset', 'Rows to skip', { type: 'integer' }),
          ],
          responses: { 200: json('A page of events'), 400: err },
        },
      },
      '/api/volume': {
        get: {
          summary: 'Event counts per time bucket and subsystem',
          parameters: [
            ...range,
            q('bucket', 'Bucket width in seconds (default: about 60 buckets)', { type: 'integer' }),
          ],
          responses: { 200: json('Zero-filled series'), 400: err },
        },
      },
      '/api/dead-letters': {
        get: {
          summary: 'Inputs that could not become events, with their reasons',
          parameters: [
            q('pipeline', 'Pipeline name'),
            q('limit', '1..1000', { type: 'integer' }),
            q('offset', 'Rows to skip', { type: 'integer' }),
          ],
          responses: { 200: json('A page of dead letters'), 400: err },
        },
      },
      '/api/ingest': {
        get: {
          summary: 'Per-pipeline counters: read = events + dead letters + filtered',
          responses: { 200: json('Counters') },
        },
      },
      '/api/agent/batches': {
        post: {
          summary:
            'Agent intake (permission ingest): {agent, stream, records: [{seq, events, deadLetters}]}, JSON or gzip; rows and the stream position are stored in one commit, records at or below the stored seq are acknowledged without a second insert',
          responses: { 200: json('{acked, stored, duplicates}'), 400: err },
        },
      },
      '/api/pipelines': {
        get: {
          summary: 'Configured pipelines with live counters and source state',
          responses: { 200: json('Pipelines') },
        },
      },
      '/api/pipelines/{name}/try': {
        post: {
          summary:
            'Run sample lines through a pipeline without storing them: events, dead letters (with reasons), filtered',
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
              },
            },
          },
          responses: { 200: json('One result per framed record'), 400: err, 404: err },
        },
      },
      '/api/states': {
        get: {
          summary:
            'Health: the state of every component, subsystem and the system at a moment (time travel); default the newest processed moment',
          parameters: [q('at', 'Moment, ISO 8601')],
          responses: {
            200: json('System, subsystem and component states with reason and evidence'),
            400: err,
          },
        },
      },
      '/api/states/history': {
        get: {
          summary: 'Health transitions: the state intervals overlapping a window, oldest first per entity',
          parameters: [
            ...range,
            q('component', 'Comma-separated component names'),
            q('level', 'Comma-separated: component, subsystem, system'),
          ],
          responses: {
            200: json('Intervals with state, reason, rule, caused_by, suppressed_by, flapping'),
            400: err,
          },
        },
      },
      '/api/availability': {
        get: {
          summary:
            'Time per health state and availability per component, subsystem and the system; no-data time is unknown and left out of the percentages',
          parameters: [q('from', 'Start, ISO 8601 (inclusive)'), q('to', 'End, ISO 8601 (exclusive)')],
          responses: { 200: json('Durations (ms) per state, availability and uptime (%)'), 400: err },
        },
      },
      '/metrics': {
        get: {
          summary: 'Self-metrics in the Prometheus text format (counters per pipeline, lag, commits)',
          responses: {
            200: {
              description: 'text/plain; version=0.0.4',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/api/patterns': {
        get: {
          summary:
            'Mined message templates per source in a range (default: the last hour mined), top first, with counts per bucket',
          parameters: [
            ...range,
            q('source', 'Comma-separated pipeline names'),
            q('limit', 'Templates per source (1-500, default 20)'),
          ],
          responses: { 200: json('Sources with their templates, counts and sparkline series'), 400: err },
        },
      },
      '/api/patterns/changes': {
        get: {
          summary: 'Detected pattern changes in a range: new message types and rate jumps or falls',
          parameters: [
            ...range,
            q('source', 'Comma-separated pipeline names'),
            q('limit', '1-1000, default 100'),
          ],
          responses: { 200: json('Changes, newest first'), 400: err },
        },
      },
      '/api/patterns/{id}': {
        get: {
          summary: 'One template in every source that has it: counts over the range and example messages',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            ...range,
            q('source', 'Comma-separated pipeline names'),
          ],
          responses: { 200: json('The template per source'), 400: err, 404: err },
        },
      },
      '/api/catalog': {
        get: {
          summary:
            'What each source produces: pipelines x event types x fields with inferred type, fill, distinct values, examples, rates, first/last seen',
          parameters: [
            q('pipeline', 'Comma-separated pipeline names'),
            q('subsystem', 'Comma-separated subsystem names'),
            q('q', 'Text in a field or event type name'),
          ],
          responses: { 200: json('{events, runs, sources: CatalogSource[]}'), 400: err },
        },
      },
      '/api/catalog/drift': {
        get: {
          summary:
            'Recorded schema drift (new type or field, type change, vanished field, collapsed rate), newest first',
          parameters: [
            ...range,
            q('change', 'Comma-separated change kinds'),
            q('limit', '1-1000, default 200'),
            q('offset', 'Rows to skip'),
          ],
          responses: { 200: json('{total, rows: DriftRow[]}'), 400: err },
        },
      },
      '/api/links': {
        get: {
          summary:
            'Inferred links: candidate edges from identifiers shared between subsystems, with evidence',
          responses: { 200: json('{window, candidates: LinkCandidate[], explained}') },
        },
      },
      '/api/links/{id}/accept': {
        post: {
          summary: 'Accept a candidate: it becomes a declared edge; the answer carries the YAML to keep it',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: json('{candidate: LinkCandidate}'), 400: err, 404: err },
        },
      },
      '/api/links/{id}/dismiss': {
        post: {
          summary: 'Dismiss a candidate',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: json('{candidate: LinkCandidate}'), 400: err, 404: err },
        },
      },
      '/api/reports': {
        get: {
          summary: 'Report definitions (built-in, configuration, user), searched by q',
          parameters: [q('q', 'Text in id, title, description, dataset or tags')],
          responses: { 200: json('{reports: ReportSummary[]}') },
        },
      },
      '/api/reports/validate': {
        post: {
          summary: 'Validate a YAML definition ({yaml}); errors with path, line and column, and a preview',
          responses: { 200: json('{ok, errors, preview?}'), 400: err },
        },
      },
      '/api/reports/{id}': {
        get: {
          summary: 'One report: YAML, filters, columns, visual, drill-down',
          responses: { 200: json('ReportDetail'), 404: err },
        },
        put: {
          summary: 'Save a user report ({yaml})',
          responses: { 200: json('ReportDetail'), 400: err, 409: err },
        },
        delete: {
          summary: 'Delete a user report',
          responses: { 200: json('{ok: true}'), 403: err, 404: err },
        },
      },
      '/api/reports/{id}/run': {
        get: {
          summary: 'Run a report: f.<filter>=value (repeat for multi_select), sort, dir, limit, offset',
          parameters: [
            q('sort', 'Result column'),
            q('dir', 'asc or desc'),
            q('limit', '1-10000'),
            q('offset', 'Rows to skip'),
          ],
          responses: { 200: json('RunResult: columns, rows, total, truncated'), 400: err, 404: err },
        },
      },
      '/api/reports/{id}/filters/{filterId}/values': {
        get: {
          summary: 'Values of a filter with counts, narrowed by the filters it depends on (f.<id>=...) and q',
          responses: { 200: json('{values: {value, count}[]}'), 400: err, 404: err },
        },
      },
      '/api/reports/{id}/export.csv': {
        get: {
          summary: 'The whole result as CSV (same filters and sort as run; up to 1,000,000 rows)',
          responses: { 200: { description: 'text/csv' }, 400: err },
        },
      },
      '/api/reports/{id}/export.parquet': {
        get: {
          summary: 'The whole result as Parquet (same filters and sort as run)',
          responses: { 200: { description: 'application/vnd.apache.parquet' }, 400: err },
        },
      },
      '/api/reports/{id}/views': {
        get: {
          summary: "The caller's saved views of a report",
          responses: { 200: json('{views: {name, query}[]}') },
        },
        post: { summary: 'Save a view ({name, query})', responses: { 200: json('{views}'), 400: err } },
      },
      '/api/live': {
        get: {
          summary: 'Server-Sent Events: `ingest` about once a second with totals and deltas per subsystem',
          responses: {
            200: {
              description: 'text/event-stream',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                details: { type: 'array', items: { type: 'object' } },
              },
              required: ['code', 'message'],
            },
          },
        },
      },
    },
  };
}
