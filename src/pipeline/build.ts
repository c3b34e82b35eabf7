// Configuration -> runnable pipelines. Building every component is also how the configuration is
// checked beyond its schema (regexes compile, formats and zones exist): all problems of all
// pipelines are collected, each with its file, line and path, and thrown together.
import type { Config } from '../config/load.ts';
import { configError } from '../config/load.ts';
import type { PipelineConfig } from '../config/schema.ts';
import type { ErrorDetail } from '../events/errors.ts';
import { parseDurationMs } from '../events/time.ts';
import { buildParser } from '../parsers/build.ts';
import { ComponentError, type Parser } from '../parsers/parser.ts';
import { applyPreset } from '../parsers/presets/apply.ts';
import { namedGroups } from '../parsers/regex.ts';
import { createFileSource } from '../sources/file.ts';
import { createHttpPushSource, HTTP_PUSH_FIELDS } from '../sources/http-push.ts';
import { createOtlpSource, OTLP_FIELDS } from '../sources/otlp.ts';
import { createPollSource, POLL_FIELDS } from '../sources/poll.ts';
import type { Source, SourcePosition } from '../sources/source.ts';
import { createStdinSource } from '../sources/stdin.ts';
import { createSyslogServerSource, SYSLOG_FIELDS } from '../sources/syslog-server.ts';
import { buildTransform, type Transform } from '../transforms/build.ts';
import { buildMap, type MapFn } from '../transforms/map.ts';
import { fieldsOf } from '../transforms/template.ts';
import { createProcessor, type Processor } from './processor.ts';

const FILE_BATCH_RECORDS = 5_000;
const FILE_BATCH_BYTES = 1024 * 1024;

export interface BuiltPipeline {
  name: string;
  config: PipelineConfig;
  processor: Processor;
  /** Creates the source, resuming from committed positions. */
  createSource(positions: SourcePosition[]): Source;
}

export function buildPipelines(config: Config): BuiltPipeline[] {
  const errors: ErrorDetail[] = [];
  const built: BuiltPipeline[] = [];
  const declared = Object.keys(config.subsystems);
  for (const [name, declaredPipeline] of Object.entries(config.pipelines)) {
    const at = (path: (string | number)[]) => config.locate(['pipelines', name, ...path]);
    const fail = (path: (string | number)[], e: unknown) => {
      if (!(e instanceof ComponentError)) throw e;
      errors.push({ where: at([...path, ...e.path]), message: e.message, hint: e.hint });
    };
    let p: PipelineConfig;
    try {
      p = applyPreset(declaredPipeline);
    } catch (e) {
      fail([], e);
      continue;
    }
    if (declared.length > 0 && !declared.includes(p.subsystem)) {
      errors.push({
        where: at(['subsystem']),
        message: `subsystem "${p.subsystem}" is not declared`,
        hint: `declare it under subsystems: (declared: ${declared.join(', ')})`,
      });
    }
    const parsers: Parser[] = [];
    p.parsers.forEach((pc, i) => {
      try {
        parsers.push(buildParser(pc));
      } catch (e) {
        fail(['parsers', i], e);
      }
    });
    const transforms: Transform[] = [];
    p.transforms.forEach((tc, i) => {
      try {
        transforms.push(buildTransform(tc));
      } catch (e) {
        fail(['transforms', i], e);
      }
    });
    let map: MapFn | undefined;
    try {
      map = buildMap(p.map, p.subsystem);
    } catch (e) {
      fail(['map'], e);
    }
    errors.push(...checkFieldReferences(p, at));
    const createSource = sourceFactory(name, p, config, at, errors);
    if (p.framing.type === 'multiline') {
      try {
        new RegExp(p.framing.start);
      } catch (e) {
        errors.push({
          where: at(['framing', 'start']),
          message: `invalid regular expression: ${(e as Error).message}`,
        });
      }
    }
    if (!map || !createSource) continue;
    if (parsers.length !== p.parsers.length || transforms.length !== p.transforms.length) continue;
    const processor = createProcessor({ pipeline: name, source: p.source.type, parsers, transforms, map });
    built.push({ name, config: p, processor, createSource });
  }
  errors.push(...checkListeners(config));
  if (errors.length > 0) throw configError(errors);
  return built;
}

type At = (path: (string | number)[]) => string;

/** The source's factory (its options checked), or undefined after reporting why it cannot be built. */
function sourceFactory(
  name: string,
  p: PipelineConfig,
  config: Config,
  at: At,
  errors: ErrorDetail[],
): ((positions: SourcePosition[]) => Source) | undefined {
  const src = p.source;
  const ms = (d: string) => parseDurationMs(d)!;
  if (src.type !== 'file' && src.type !== 'stdin' && p.framing.type !== 'lines') {
    errors.push({
      where: at(['framing']),
      message: `framing ${p.framing.type} does not apply to a ${src.type} source`,
      hint: 'its protocol delimits the records; remove framing',
    });
    return undefined;
  }
  switch (src.type) {
    case 'file':
      return (positions) =>
        createFileSource({
          pipeline: name,
          baseDir: config.dataDir,
          include: src.include,
          exclude: src.exclude,
          startAt: src.start_at,
          pollIntervalMs: ms(src.poll_interval),
          maxLineBytes: src.max_line_bytes,
          framing: p.framing,
          positions,
          encoding: src.encoding,
          fingerprint: src.fingerprint,
          // Batches in flight are parsed in workers and wait for the commit queue: smaller ones keep
          // what is held between reading and committing (and so memory) small.
          batchMaxRecords: FILE_BATCH_RECORDS,
          batchMaxBytes: FILE_BATCH_BYTES,
        });
    case 'stdin':
      return () =>
        createStdinSource({ pipeline: name, framing: p.framing, maxLineBytes: src.max_line_bytes });
    case 'syslog':
      return () =>
        createSyslogServerSource({
          pipeline: name,
          listen: src.listen,
          protocol: src.protocol,
          maxLineBytes: src.max_line_bytes,
          maxConnections: src.max_connections,
          maxPending: src.max_pending,
          receiveBufferBytes: src.receive_buffer_bytes,
        });
    case 'http':
    case 'otlp': {
      const token = resolveToken(src, at, errors);
      if (token === null) return undefined;
      const options = {
        pipeline: name,
        listen: src.listen,
        path: src.path,
        maxBodyBytes: src.max_body_bytes,
        maxLineBytes: src.max_line_bytes,
        maxPending: src.max_pending,
        ackTimeoutMs: ms(src.ack_timeout),
        dedupWindow: src.dedup_window,
        batchMaxRecords: config.ingest.batchRows,
      };
      if (src.type === 'otlp') return (positions) => createOtlpSource({ ...options, token, positions });
      return (positions) => createHttpPushSource({ ...options, token: token!, positions });
    }
    case 'poll': {
      let ignorePattern: RegExp | undefined;
      try {
        ignorePattern = src.ignore_pattern === undefined ? undefined : new RegExp(src.ignore_pattern);
      } catch (e) {
        errors.push({
          where: at(['source', 'ignore_pattern']),
          message: `invalid regular expression: ${(e as Error).message}`,
        });
        return undefined;
      }
      return (positions) =>
        createPollSource({
          pipeline: name,
          url: src.url,
          intervalMs: ms(src.interval),
          timeoutMs: ms(src.timeout),
          heartbeatMs: src.heartbeat === undefined ? 0 : ms(src.heartbeat),
          headers: src.headers,
          ignoreFields: src.ignore_fields,
          ignorePattern,
          maxLineBytes: src.max_line_bytes,
          positions,
        });
    }
  }
}

/** The bearer token of an http/otlp source (undefined: none, otlp only), or null after reporting why not. */
function resolveToken(
  src: { type: 'http' | 'otlp'; token?: string; token_env?: string },
  at: At,
  errors: ErrorDetail[],
): string | undefined | null {
  if (src.token !== undefined && src.token_env !== undefined) {
    errors.push({ where: at(['source', 'token_env']), message: 'give token or token_env, not both' });
    return null;
  }
  if (src.token_env !== undefined) {
    const value = process.env[src.token_env];
    if (value) return value;
    errors.push({
      where: at(['source', 'token_env']),
      message: `environment variable ${src.token_env} is not set`,
      hint: `set ${src.token_env} to the token clients send before starting mortar`,
    });
    return null;
  }
  if (src.token === undefined && src.type === 'http') {
    errors.push({
      where: at(['source']),
      message: 'an http source needs a bearer token',
      hint: 'add token_env: NAME (an environment variable holding the token), or token: ...',
    });
    return null;
  }
  return src.token;
}

/** Two network sources on one port, or two pipelines reading stdin, cannot both run. */
function checkListeners(config: Config): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const taken = new Map<string, string>();
  let stdin: string | undefined;
  for (const [name, p] of Object.entries(config.pipelines)) {
    const src = p.source;
    if (src.type === 'stdin') {
      if (stdin !== undefined)
        errors.push({
          where: config.locate(['pipelines', name, 'source']),
          message: `pipeline "${stdin}" reads stdin already`,
          hint: 'only one pipeline can read standard input',
        });
      stdin ??= name;
      continue;
    }
    if (src.type !== 'syslog' && src.type !== 'http' && src.type !== 'otlp') continue;
    if (src.listen.endsWith(':0')) continue;
    const protocols =
      src.type !== 'syslog' ? ['tcp'] : src.protocol === 'both' ? ['udp', 'tcp'] : [src.protocol];
    for (const proto of protocols) {
      const key = `${proto} ${src.listen}`;
      const other = taken.get(key);
      if (other !== undefined)
        errors.push({
          where: config.locate(['pipelines', name, 'source', 'listen']),
          message: `${proto} ${src.listen} is already the listener of pipeline "${other}"`,
          hint: 'give each network source a port of its own',
        });
      else taken.set(key, name);
    }
  }
  return errors;
}

/** Fields a source puts on every record (RawRecord.meta), by source type. */
const SOURCE_FIELDS: Record<string, string[]> = {
  syslog: SYSLOG_FIELDS,
  http: HTTP_PUSH_FIELDS,
  otlp: OTLP_FIELDS,
  poll: POLL_FIELDS,
};

/** When every parser is a regex, the fields are known (plus what enrich adds): a map that reads another field is a typo. */
function checkFieldReferences(p: PipelineConfig, at: (path: (string | number)[]) => string): ErrorDetail[] {
  if (!p.parsers.every((x) => x.type === 'regex' && compiles(x.pattern))) return [];
  const known = new Set(p.parsers.flatMap((x) => (x.type === 'regex' ? namedGroups(x.pattern) : [])));
  for (const f of SOURCE_FIELDS[p.source.type] ?? []) known.add(f);
  for (const t of p.transforms) {
    if (t.type !== 'enrich') continue;
    for (const row of [...Object.values(t.table), t.default ?? {}])
      for (const c of Object.keys(row)) known.add((t.prefix ?? '') + c);
  }
  const errors: ErrorDetail[] = [];
  const check = (path: (string | number)[], fields: string[]) => {
    for (const f of fields) {
      if (!known.has(f.split('.')[0]!)) {
        errors.push({
          where: at(['map', ...path]),
          message: `field "${f}" is not produced by any parser`,
          hint: `parsed fields: ${[...known].join(', ')}`,
        });
      }
    }
  };
  const m = p.map;
  if (m.ts) check(['ts', 'from'], [m.ts.from]);
  for (const key of ['subsystem', 'component', 'kind', 'type', 'severity', 'message'] as const) {
    const spec = m[key];
    if (spec !== undefined) {
      try {
        check([key], fieldsOf(spec));
      } catch {
        // malformed templates are reported by buildMap
      }
    }
  }
  for (const [k, spec] of Object.entries(m.keys ?? {})) {
    try {
      check(['keys', k], fieldsOf(spec));
    } catch {
      // reported by buildMap
    }
  }
  return errors;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
