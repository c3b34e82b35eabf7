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
        get: { summary: 'Liveness and warehouse counts', responses: { 200: json('Server is up') } },
      },
      '/api/subsystems': {
        get: {
          summary: 'Declared and observed subsystems with event counts',
          responses: { 200: json('Subsystems') },
        },
      },
      '/api/events': {
        get: {
          summary: 'Search stored events, newest first',
          parameters: [
            ...range,
            q('q', 'Case-insensitive text in message or raw line'),
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
