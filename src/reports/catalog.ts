// The report catalog: built-in definitions (builtin/*.yaml, shipped with Mortar), the ones in the
// configuration's `reports:` sections, and the ones users saved (store.ts), validated against the
// semantic layer. Built-in and config reports are read-only; user reports can be saved and deleted.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { ReportSummary } from '../api/types.ts';
import type { Config } from '../config/load.ts';
import { type ErrorDetail, UserError } from '../events/errors.ts';
import type { FlowDef } from '../process/flows/definition.ts';
import type { DatasetDef } from './dataset.ts';
import { datasets } from './datasets.ts';
import type { ReportDef } from './definition.ts';
import type { ReportStore } from './store.ts';
import { type ReportIssue, validateReportBody, validateReportYaml } from './validate.ts';

const BUILTIN_DIR = fileURLToPath(new URL('./builtin/', import.meta.url));

export interface ReportCatalog {
  readonly datasets: Record<string, DatasetDef>;
  list(q?: string): Promise<ReportSummary[]>;
  get(id: string): Promise<ReportDef>;
  /** Validates a standalone YAML definition against the datasets and the known report ids. */
  validate(yaml: string): Promise<{ ok: true; def: ReportDef } | { ok: false; errors: ReportIssue[] }>;
  save(id: string, yaml: string, user: string): Promise<ReportDef>;
  remove(id: string): Promise<void>;
  dataset(def: ReportDef): DatasetDef;
}

/** Built-in reports, validated; a broken one is a bug of Mortar, so it throws. */
export function builtinReports(sets: Record<string, DatasetDef>): ReportDef[] {
  return readdirSync(BUILTIN_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const r = validateReportYaml(readFileSync(BUILTIN_DIR + f, 'utf8'), { datasets: sets }, 'builtin');
      if (!r.ok) throw new Error(`built-in report ${f} is invalid: ${JSON.stringify(r.errors)}`);
      return r.def;
    });
}

/** Config reports, every error collected with file:line:col (UserError config_invalid). */
export function configReports(config: Config, sets: Record<string, DatasetDef>): ReportDef[] {
  const out: ReportDef[] = [];
  const errors: ErrorDetail[] = [];
  for (const [id, body] of Object.entries(config.reports ?? {})) {
    const r = validateReportBody(
      id,
      body,
      { datasets: sets },
      { source: 'config', yaml: stringify({ id, ...body }) },
    );
    if (r.ok) out.push(r.def);
    else
      for (const e of r.errors)
        errors.push({
          where: config.locate(['reports', id, ...pathParts(e.path)]),
          message: e.message,
          hint: e.hint,
        });
  }
  if (errors.length)
    throw new UserError(
      'config_invalid',
      `reports: ${errors.length} error${errors.length > 1 ? 's' : ''}`,
      errors,
    );
  return out;
}

const pathParts = (path: string): (string | number)[] =>
  path === '' ? [] : path.split(/\.|(?=\[)/).map((p) => (p.startsWith('[') ? Number(p.slice(1, -1)) : p));

const summary = (d: ReportDef): ReportSummary => ({
  id: d.id,
  title: d.title,
  description: d.description,
  dataset: d.dataset,
  visual: d.visual.type,
  source: d.source,
  tags: d.tags,
});

export function reportCatalog(config: Config, flows: FlowDef[], store: ReportStore): ReportCatalog {
  const sets = datasets(flows);
  const fixed = new Map<string, ReportDef>();
  for (const d of [...builtinReports(sets), ...configReports(config, sets)]) fixed.set(d.id, d);

  async function users(): Promise<Map<string, ReportDef>> {
    const ids = new Set(fixed.keys());
    const saved = await store.list();
    for (const s of saved) ids.add(s.id);
    const out = new Map<string, ReportDef>();
    for (const s of saved) {
      if (fixed.has(s.id)) continue;
      const r = validateReportYaml(s.yaml, { datasets: sets, reportIds: ids }, 'user');
      // A stored report that no longer validates (a dataset changed) stays listed, unrunnable.
      if (r.ok) out.set(s.id, r.def);
    }
    return out;
  }

  const catalog: ReportCatalog = {
    datasets: sets,
    async list(q) {
      const all = [...fixed.values(), ...(await users()).values()];
      const needle = q?.trim().toLowerCase();
      return all
        .filter(
          (d) =>
            !needle ||
            [d.id, d.title, d.description, d.dataset, ...d.tags].some((s) =>
              s.toLowerCase().includes(needle),
            ),
        )
        .map(summary);
    },
    async get(id) {
      const d = fixed.get(id) ?? (await users()).get(id);
      if (!d)
        throw new UserError('not_found', `no report "${id}"`, [
          { where: 'path.id', message: 'unknown report', hint: 'GET /api/reports lists the reports' },
        ]);
      return d;
    },
    async validate(yaml) {
      const ids = new Set([...fixed.keys(), ...(await store.list()).map((s) => s.id)]);
      return validateReportYaml(yaml, { datasets: sets, reportIds: ids }, 'user');
    },
    async save(id, yaml, user) {
      if (fixed.has(id))
        throw new UserError(
          'conflict',
          `report "${id}" is ${fixed.get(id)!.source === 'builtin' ? 'built in' : 'declared in the configuration'} and cannot be overwritten`,
          [{ where: 'path.id', message: 'read-only report', hint: 'save it under another id' }],
        );
      const r = await catalog.validate(yaml);
      if (!r.ok)
        throw new UserError(
          'bad_request',
          `the report has ${r.errors.length} error${r.errors.length > 1 ? 's' : ''}`,
          r.errors.map((e) => ({
            where: `${e.line ? `${e.line}:${e.col} ` : ''}${e.path || '(document)'}`,
            message: e.message,
            hint: e.hint,
          })),
        );
      if (r.def.id !== id)
        throw new UserError('bad_request', `the YAML's id "${r.def.id}" differs from the URL's "${id}"`, [
          { where: 'body.yaml.id', message: 'id mismatch', hint: `set id: ${id}` },
        ]);
      await store.save(id, yaml, user);
      return r.def;
    },
    async remove(id) {
      if (fixed.has(id))
        throw new UserError(
          'forbidden',
          `report "${id}" is ${fixed.get(id)!.source === 'builtin' ? 'built in' : 'declared in the configuration'}: only user reports can be deleted`,
        );
      const existing = (await store.list()).some((s) => s.id === id);
      if (!existing) throw new UserError('not_found', `no user report "${id}"`);
      await store.remove(id);
    },
    dataset(def) {
      return sets[def.dataset]!;
    },
  };
  return catalog;
}
