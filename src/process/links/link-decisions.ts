// Candidates as the API shows them, and what a user decides about them. Accepting turns a
// candidate into a declared edge (stored in link_decisions, joined into the topology at once) and
// yields the configuration a user pastes into mortar.yaml to make it permanent: the edge, and a
// two-step flow joining the subsystems on the shared key. Dismissing hides it from proposals.
import { stringify } from 'yaml';
import type { Config } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { nowUs, usToIso } from '../../events/time.ts';
import { LINK_DERIVED } from '../../warehouse/clickhouse/derivedSchema.ts';
import { nextVersion } from '../../warehouse/clickhouse/derivedTables.ts';
import { hasTable } from '../../warehouse/hasTable.ts';
import { sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { type Viewer, visibleExamples } from '../catalog/examples.ts';
import type { LinkKeyEvidence } from './link-infer.ts';

export type LinkStatus = 'proposed' | 'accepted' | 'dismissed';

export interface LinkCandidate {
  id: string;
  from: string;
  to: string;
  status: LinkStatus;
  /** The edge is already declared in the configuration. */
  declared: boolean;
  confidence: number;
  keys: LinkKeyEvidence[];
  /** Configuration that makes the edge (and a flow over it) permanent. */
  yaml: { edge: string; flow: string };
  decidedAt?: string;
  decidedBy?: string;
  /** The key the decision was about (`from field → to field`). */
  decidedKey?: string;
}

export interface ExplainedCandidate {
  id: string;
  a: string;
  b: string;
  reason: string;
  keys: LinkKeyEvidence[];
}

/** GET /api/links */
export interface LinksResponse {
  window?: { from: string; to: string };
  computedAt?: string;
  candidates: LinkCandidate[];
  /** Value sharing that is not proposed as an edge, and why. */
  explained: ExplainedCandidate[];
}

/** POST /api/links/:id/accept and /dismiss */
export interface LinkDecisionResponse {
  candidate: LinkCandidate;
}

export interface AcceptedLink {
  from: string;
  to: string;
  fromField: string;
  toField: string;
  decidedUs: number;
  /** Values shared in the latest window (0: none seen there). */
  shared: number;
  p50Ms?: number;
  p95Ms?: number;
  /** End of the window the evidence comes from (µs). */
  windowToUs?: number;
}

async function tablesReady(warehouse: Warehouse): Promise<boolean> {
  return hasTable(warehouse, 'link_decisions');
}

const DECISION_COLUMNS = LINK_DERIVED.find((t) => t.name === 'link_decisions')!.columns.map(([n]) => n);

const bare = (field: string) => field.replace(/^(keys|attrs)\./, '');

/** The configuration that makes an accepted link permanent. */
export function linkYaml(
  from: string,
  to: string,
  key: LinkKeyEvidence | undefined,
): { edge: string; flow: string } {
  const via = key ? `${key.fromField} → ${key.toField}` : 'shared ids';
  const edge = stringify({ edges: [{ from, to, description: `inferred from shared ids (${via})` }] });
  if (!key) return { edge, flow: '' };
  const notes = [key.fromField, key.toField]
    .filter((f) => !f.startsWith('keys.'))
    .map(
      (f) =>
        `# ${bare(f)} is an attribute: add it to the pipeline's map.keys first ({ ${bare(f)}: '{${bare(f)}}' })`,
    );
  const flow = stringify({
    flows: {
      [`${from}-to-${to}`]: {
        description: `${from} to ${to}, joined on ${bare(key.toField)}`,
        steps: [
          { name: from, match: { subsystem: from, type: key.fromType }, key: bare(key.fromField) },
          {
            name: to,
            match: { subsystem: to, type: key.toType },
            key: bare(key.toField),
            sla: `${Math.max(1, Math.ceil((key.delayMs.p95 * 2) / 100) * 100)}ms`,
          },
        ],
      },
    },
  });
  return { edge, flow: [...notes, flow].join('\n') };
}

export async function readLinks(
  warehouse: Warehouse,
  config: Config,
  viewer: Viewer,
): Promise<LinksResponse> {
  const body: LinksResponse = { candidates: [], explained: [] };
  if (!(await tablesReady(warehouse))) return body;
  const rows = await warehouse.query(
    sql`select * from link_candidates order by confidence desc, from_subsystem, to_subsystem`,
  );
  const decisions = new Map(
    (await warehouse.query(sql`select * from link_decisions order by from_subsystem, to_subsystem, id`)).map(
      (r) => [String(r.id), r],
    ),
  );
  const declared = new Set(config.edges.map((e) => `${e.from}>${e.to}`));
  // A shared value is shown when both sides may show it; masked on either side, it shows masked
  // (hidden on either side: dropped).
  const scoped = (subsystemFrom: string, subsystemTo: string, keys: LinkKeyEvidence[]) =>
    keys.map((k) => ({
      ...k,
      examples: k.examples.flatMap((x) => {
        const [a] = visibleExamples(viewer, { subsystem: subsystemFrom, field: k.fromField }, [x.value]);
        const [b] = visibleExamples(viewer, { subsystem: subsystemTo, field: k.toField }, [x.value]);
        if (a === undefined || b === undefined) return [];
        return [{ ...x, value: a !== x.value ? a : b }];
      }),
    }));
  const seen = new Set<string>();
  for (const r of rows) {
    const id = String(r.id);
    const from = String(r.from_subsystem);
    const to = String(r.to_subsystem);
    const parsed = JSON.parse(String(r.body)) as { keys: LinkKeyEvidence[]; reason?: string };
    const keys = scoped(from, to, parsed.keys);
    if (!body.window) {
      body.window = { from: usToIso(Number(r.window_from_us)), to: usToIso(Number(r.window_to_us)) };
      body.computedAt = usToIso(Number(r.computed_us));
    }
    if (r.kind === 'explained') {
      body.explained.push({ id, a: from, b: to, reason: parsed.reason ?? '', keys });
      continue;
    }
    seen.add(id);
    body.candidates.push(candidate(id, from, to, Number(r.confidence), keys, declared, decisions.get(id)));
  }
  // Decided links whose traffic is not in the current window still show (with no fresh evidence).
  for (const [id, d] of decisions) {
    if (seen.has(id)) continue;
    body.candidates.push(candidate(id, String(d.from_subsystem), String(d.to_subsystem), 0, [], declared, d));
  }
  return body;
}

function candidate(
  id: string,
  from: string,
  to: string,
  confidence: number,
  keys: LinkKeyEvidence[],
  declared: Set<string>,
  d: Record<string, unknown> | undefined,
): LinkCandidate {
  const decidedKey = d ? `${String(d.from_field)} → ${String(d.to_field)}` : undefined;
  const chosen = keys.find((k) => `${k.fromField} → ${k.toField}` === decidedKey) ?? keys[0];
  const stored: LinkKeyEvidence | undefined =
    chosen ??
    (d
      ? {
          fromField: String(d.from_field),
          toField: String(d.to_field),
          fromType: String(d.from_type),
          toType: String(d.to_type),
          shared: 0,
          fromDistinct: 0,
          toDistinct: 0,
          overlap: 0,
          alignedShare: 0,
          directionShare: 0,
          delayMs: { p05: 0, p50: 0, p95: 0 },
          confidence: 0,
          examples: [],
        }
      : undefined);
  return {
    id,
    from,
    to,
    status: d ? (String(d.decision) as LinkStatus) : 'proposed',
    declared: declared.has(`${from}>${to}`),
    confidence,
    keys,
    yaml: linkYaml(from, to, stored),
    decidedAt: d ? usToIso(Number(d.decided_us)) : undefined,
    decidedBy: d ? String(d.decided_by) : undefined,
    decidedKey,
  };
}

/** Records a decision on a proposed candidate; `key` picks one of its keys (default: the best). */
export async function decideLink(
  warehouse: Warehouse,
  config: Config,
  viewer: Viewer,
  id: string,
  decision: 'accepted' | 'dismissed',
  key?: { fromField: string; toField: string },
): Promise<LinkCandidate> {
  const links = await readLinks(warehouse, config, viewer);
  const c = links.candidates.find((x) => x.id === id);
  if (!c) {
    const explained = links.explained.find((x) => x.id === id);
    throw new UserError(
      'not_found',
      explained
        ? `link ${id} (${explained.a} ↔ ${explained.b}) is not proposed: ${explained.reason}`
        : `no link candidate "${id}"`,
      [{ where: 'path.id', message: 'unknown candidate', hint: 'list the candidates with GET /api/links' }],
    );
  }
  const chosen = key
    ? c.keys.find((k) => k.fromField === key.fromField && k.toField === key.toField)
    : c.keys[0];
  if (key && !chosen) {
    throw new UserError('bad_request', `link ${id} has no key ${key.fromField} → ${key.toField}`, [
      {
        where: 'body.key',
        message: 'not one of the candidate keys',
        hint: `one of: ${c.keys.map((k) => `${k.fromField} → ${k.toField}`).join(', ') || 'none in the current window'}`,
      },
    ]);
  }
  const fromField = chosen?.fromField ?? c.decidedKey?.split(' → ')[0] ?? '';
  const toField = chosen?.toField ?? c.decidedKey?.split(' → ')[1] ?? '';
  const row = [
    id,
    c.from,
    c.to,
    fromField,
    toField,
    chosen?.fromType ?? '',
    chosen?.toType ?? '',
    decision,
    nowUs(),
    viewer.user,
  ];
  // On ClickHouse the decisions are a log behind a view (derivedTables.ts): a new version per decision.
  await warehouse.execute(
    warehouse.dialect === 'clickhouse'
      ? [
          sql`insert into link_decisions_log (${sql.join(DECISION_COLUMNS.map((n) => sql.id(n)))}, _version, _deleted)
            values (${sql.list(row)}, ${nextVersion()}, 0)`,
        ]
      : [
          sql`delete from link_decisions where id = ${id}`,
          sql`insert into link_decisions values (${sql.list(row)})`,
        ],
  );
  const after = await readLinks(warehouse, config, viewer);
  return after.candidates.find((x) => x.id === id)!;
}

/** Accepted links: declared edges that are also observed through shared identifiers. */
export async function acceptedLinks(warehouse: Warehouse): Promise<AcceptedLink[]> {
  if (!(await tablesReady(warehouse))) return [];
  // Two reads joined here: the same on every engine (18.16 takes no condition but equality in ON).
  const rows = await warehouse.query(
    sql`select from_subsystem, to_subsystem, from_field, to_field, decided_us, id from link_decisions
      where decision = 'accepted' order by from_subsystem, to_subsystem`,
  );
  const edges = new Map(
    (await warehouse.query(sql`select id, body, window_to_us from link_candidates where kind = 'edge'`)).map(
      (r) => [String(r.id), r],
    ),
  );
  return rows.map((r) => {
    const c = edges.get(String(r.id));
    const keys = c ? (JSON.parse(String(c.body)) as { keys: LinkKeyEvidence[] }).keys : [];
    const key = keys.find((k) => k.fromField === r.from_field && k.toField === r.to_field) ?? keys[0];
    return {
      from: String(r.from_subsystem),
      to: String(r.to_subsystem),
      fromField: String(r.from_field),
      toField: String(r.to_field),
      decidedUs: Number(r.decided_us),
      shared: key?.shared ?? 0,
      p50Ms: key?.delayMs.p50,
      p95Ms: key?.delayMs.p95,
      windowToUs: c ? Number(c.window_to_us) : undefined,
    };
  });
}
