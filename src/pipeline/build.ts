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
import { namedGroups } from '../parsers/regex.ts';
import { createFileSource } from '../sources/file.ts';
import type { Source, SourcePosition } from '../sources/source.ts';
import { buildTransform, type Transform } from '../transforms/build.ts';
import { buildMap, type MapFn } from '../transforms/map.ts';
import { fieldsOf } from '../transforms/template.ts';
import { createProcessor, type Processor } from './processor.ts';

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
  for (const [name, p] of Object.entries(config.pipelines)) {
    const at = (path: (string | number)[]) => config.locate(['pipelines', name, ...path]);
    const fail = (path: (string | number)[], e: unknown) => {
      if (!(e instanceof ComponentError)) throw e;
      errors.push({ where: at([...path, ...e.path]), message: e.message, hint: e.hint });
    };
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
    if (!map || parsers.length !== p.parsers.length || transforms.length !== p.transforms.length) continue;
    const processor = createProcessor({ pipeline: name, source: p.source.type, parsers, transforms, map });
    const src = p.source;
    built.push({
      name,
      config: p,
      processor,
      createSource: (positions) =>
        createFileSource({
          pipeline: name,
          baseDir: config.dataDir,
          include: src.include,
          exclude: src.exclude,
          startAt: src.start_at,
          pollIntervalMs: parseDurationMs(src.poll_interval)!,
          maxLineBytes: src.max_line_bytes,
          framing: p.framing,
          positions,
        }),
    });
  }
  if (errors.length > 0) throw configError(errors);
  return built;
}

/** When every parser is a regex, the fields are known (plus what enrich adds): a map that reads another field is a typo. */
function checkFieldReferences(p: PipelineConfig, at: (path: (string | number)[]) => string): ErrorDetail[] {
  if (!p.parsers.every((x) => x.type === 'regex' && compiles(x.pattern))) return [];
  const known = new Set(p.parsers.flatMap((x) => (x.type === 'regex' ? namedGroups(x.pattern) : [])));
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
