// Loads mortar.yaml and the files it includes, validates every file against the schema and the
// whole against semantic rules, and reports *all* problems at once, each with file, line, path
// and a hint. Returns a plain, fully defaulted Config.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type ErrorDetail, UserError } from '../events/errors.ts';
import { parseDurationMs } from '../events/time.ts';
import {
  type AccessConfig,
  type ConfigFile,
  configFileSpec,
  type FlowConfig,
  type HealthConfig,
  type PipelineConfig,
  type ReportBodyConfig,
  type SubsystemConfig,
} from './schema.ts';

export type WarehouseConfig =
  | { type: 'duckdb'; path: string }
  | {
      type: 'clickhouse';
      url: string;
      database: string;
      username?: string;
      passwordEnv?: string;
      cluster?: string;
      shards?: string[];
      retentionDays?: number;
    };

function warehouseConfig(w: ConfigFile['warehouse']): WarehouseConfig {
  if (w?.type !== 'clickhouse') return { type: 'duckdb', path: w?.path ?? 'mortar.duckdb' };
  return {
    type: 'clickhouse',
    url: w.url,
    database: w.database,
    ...(w.username !== undefined ? { username: w.username } : {}),
    ...(w.password_env !== undefined ? { passwordEnv: w.password_env } : {}),
    ...(w.cluster !== undefined ? { cluster: w.cluster, shards: w.shards } : {}),
    ...(w.retention_days !== undefined ? { retentionDays: w.retention_days } : {}),
  };
}

export interface Config {
  /** The main file, absolute. */
  file: string;
  dataDir: string;
  warehouse: WarehouseConfig;
  server: { host: string; port: number; processorLeaseMs: number };
  /** The access section of the main file (sign-in, roles). */
  access?: AccessConfig;
  ingest: {
    batchRows: number;
    batchInterval: string;
    /** Parse worker threads; 0 parses on the main thread (no watchdog). */
    workers: number;
    /** A record still being parsed after this long is given up on (dead letter regex_timeout). */
    recordBudget: string;
  };
  subsystems: Record<string, SubsystemConfig>;
  pipelines: Record<string, PipelineConfig>;
  flows: Record<string, FlowConfig>;
  /** The health section, when one file declares it. */
  health?: HealthConfig;
  edges: { from: string; to: string; description?: string }[];
  /** Report definitions by id (reports: sections of any file). */
  reports: Record<string, ReportBodyConfig>;
  /** Every file read: the main file and all it includes, absolute (what a hot reload watches). */
  files: string[];
  /** Which file declared each pipeline. */
  origins: Record<string, string>;
  /** `file:line:col path` of a config path such as ['pipelines', 'x', 'parsers', 0], for later checks. */
  locate: (path: (string | number)[]) => string;
}

interface LoadedFile {
  file: string;
  content: ConfigFile;
  locate: (path: (string | number)[]) => string;
}

export function loadConfig(file: string, overrides: { dataDir?: string } = {}): Config {
  const main = resolve(file);
  if (!existsSync(main)) {
    throw new UserError('config_not_found', `configuration file not found: ${file}`, [
      { where: file, message: 'no such file', hint: 'pass -c with the path of your mortar.yaml' },
    ]);
  }
  const errors: ErrorDetail[] = [];
  const files: LoadedFile[] = [];
  readRecursive(main, files, errors, []);
  const config = merge(main, files, errors, overrides);
  if (errors.length > 0) throw configError(errors);
  return config;
}

export const configError = (errors: ErrorDetail[]): UserError =>
  new UserError(
    'config_invalid',
    `configuration has ${errors.length} error${errors.length > 1 ? 's' : ''}`,
    errors,
  );

function readRecursive(file: string, out: LoadedFile[], errors: ErrorDetail[], stack: string[]): void {
  const shown = displayPath(file);
  if (stack.includes(file)) {
    errors.push({
      where: shown,
      message: `include cycle: ${[...stack, file].map(displayPath).join(' -> ')}`,
      hint: 'remove one of the includes',
    });
    return;
  }
  if (out.some((f) => f.file === file)) return;
  const text = readFileSync(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locate = (path: (string | number)[]): string => {
    let node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    // Unknown-key errors point at the parent object; fall back to the nearest existing ancestor.
    for (let p = path; !node?.range && p.length > 0; p = p.slice(0, -1))
      node = doc.getIn(p.slice(0, -1), true) as typeof node;
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
    return `${shown}${pos ? `:${pos.line}:${pos.col}` : ''}${path.length ? ` ${formatPath(path)}` : ''}`;
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lineCounter.linePos(e.pos[0]);
      errors.push({
        where: `${shown}:${pos.line}:${pos.col}`,
        message: e.message.split('\n')[0] ?? e.message,
        hint: 'fix the YAML syntax',
      });
    }
    return;
  }
  const raw = doc.toJS() ?? {};
  if (doc.contents !== null && !isMap(doc.contents)) {
    errors.push({
      where: shown,
      message: 'expected a mapping at the top level',
      hint: 'start the file with keys such as pipelines:',
    });
    return;
  }
  const parsed = configFileSpec.safeParse(raw);
  if (parsed.success) out.push({ file, content: parsed.data, locate });
  else for (const issue of parsed.error.issues) errors.push(issueToDetail(issue, locate));
  // Follow includes even when this file has errors, so one run reports the problems of all files.
  const includes = parsed.success ? (parsed.data.include ?? []) : validIncludes(raw);
  for (const pattern of includes) {
    const matches = globSync(pattern, { cwd: dirname(file), absolute: true }).sort();
    if (matches.length === 0) {
      errors.push({
        where: locate(['include']),
        message: `include "${pattern}" matches no file`,
        hint: 'check the path; it is relative to the including file',
      });
    }
    for (const m of matches) readRecursive(m, out, errors, [...stack, file]);
  }
}

function validIncludes(raw: unknown): string[] {
  const inc = (raw as { include?: unknown }).include;
  return Array.isArray(inc) ? inc.filter((x): x is string => typeof x === 'string') : [];
}

function merge(
  main: string,
  files: LoadedFile[],
  errors: ErrorDetail[],
  overrides: { dataDir?: string },
): Config {
  const root = files.find((f) => f.file === main)?.content ?? {};
  const config: Config = {
    file: main,
    dataDir: resolve(overrides.dataDir ?? resolve(dirname(main), root.data_dir ?? './data')),
    warehouse: warehouseConfig(root.warehouse),
    server: {
      host: root.server?.host ?? '127.0.0.1',
      port: root.server?.port ?? 8080,
      processorLeaseMs: parseDurationMs(root.server?.processor_lease ?? '15s') ?? 15_000,
    },
    access: root.access,
    ingest: {
      batchRows: root.ingest?.batch_rows ?? 20_000,
      batchInterval: root.ingest?.batch_interval ?? '250ms',
      workers: root.ingest?.workers ?? availableParallelism(),
      recordBudget: root.ingest?.record_budget ?? '1s',
    },
    subsystems: {},
    pipelines: {},
    flows: {},
    edges: [],
    reports: {},
    origins: {},
    files: files.map((f) => f.file),
    locate: (path) => {
      const origin =
        path[0] === 'pipelines'
          ? config.origins[String(path[1])]
          : path[0] === 'flows'
            ? flowOrigins[String(path[1])]
            : path[0] === 'health'
              ? healthOrigin
              : path[0] === 'reports'
                ? reportOrigins[String(path[1])]
                : main;
      const f = files.find((x) => x.file === origin) ?? files.find((x) => x.file === main);
      return f ? f.locate(path) : formatPath(path);
    },
  };
  const subsystemOrigin: Record<string, string> = {};
  const flowOrigins: Record<string, string> = {};
  let healthOrigin: string | undefined;
  const reportOrigins: Record<string, string> = {};
  for (const f of files) {
    if (f.file !== main) {
      for (const key of ['data_dir', 'warehouse', 'server', 'ingest', 'access'] as const) {
        if (f.content[key] !== undefined) {
          errors.push({
            where: f.locate([key]),
            message: `${key} may only be set in the main file`,
            hint: `move it to ${displayPath(main)}`,
          });
        }
      }
    }
    for (const [name, sub] of Object.entries(f.content.subsystems ?? {})) {
      if (subsystemOrigin[name]) {
        errors.push({
          where: f.locate(['subsystems', name]),
          message: `subsystem "${name}" is already declared in ${displayPath(subsystemOrigin[name])}`,
          hint: 'declare each subsystem once',
        });
      }
      subsystemOrigin[name] = f.file;
      config.subsystems[name] = sub;
    }
    for (const [name, p] of Object.entries(f.content.pipelines ?? {})) {
      if (config.origins[name]) {
        errors.push({
          where: f.locate(['pipelines', name]),
          message: `pipeline "${name}" is already declared in ${displayPath(config.origins[name])}`,
          hint: 'rename one of them',
        });
      }
      config.origins[name] = f.file;
      config.pipelines[name] = p;
    }
    for (const e of f.content.edges ?? []) config.edges.push(e);
    if (f.content.health !== undefined) {
      if (healthOrigin) {
        errors.push({
          where: f.locate(['health']),
          message: `health is already declared in ${displayPath(healthOrigin)}`,
          hint: 'declare the health section in one file',
        });
      }
      healthOrigin = f.file;
      config.health = f.content.health;
    }
    for (const [name, flow] of Object.entries(f.content.flows ?? {})) {
      if (flowOrigins[name]) {
        errors.push({
          where: f.locate(['flows', name]),
          message: `flow "${name}" is already declared in ${displayPath(flowOrigins[name])}`,
          hint: 'rename one of them',
        });
      }
      flowOrigins[name] = f.file;
      config.flows[name] = flow;
    }
    for (const [id, report] of Object.entries(f.content.reports ?? {})) {
      if (reportOrigins[id]) {
        errors.push({
          where: f.locate(['reports', id]),
          message: `report "${id}" is already declared in ${displayPath(reportOrigins[id])}`,
          hint: 'give each report its own id',
        });
      }
      reportOrigins[id] = f.file;
      config.reports[id] = report;
    }
  }
  if (overrides.dataDir === undefined && root.data_dir === undefined)
    config.dataDir = resolve(dirname(main), 'data');
  return config;
}

function issueToDetail(issue: z.core.$ZodIssue, locate: (p: (string | number)[]) => string): ErrorDetail {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    return {
      where: locate([...path, keys[0] ?? '']),
      message: `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`,
      hint: 'remove it or check its spelling; the JSON Schema (mortar schema) lists the allowed keys',
    };
  }
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return {
      where: locate(path),
      message: 'unknown or missing "type"',
      hint: 'see the JSON Schema (mortar schema) for the allowed types',
    };
  }
  let hint: string | undefined;
  if (issue.code === 'invalid_value' && 'values' in issue)
    hint = `allowed: ${issue.values.map(String).join(', ')}`;
  else if (issue.code === 'invalid_type' && issue.message.includes('received undefined'))
    hint = 'this key is required';
  return { where: locate(path), message: issue.message, hint };
}

const formatPath = (path: (string | number)[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
