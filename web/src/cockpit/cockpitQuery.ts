// The Cockpit's state as it lives in the URL query: the time window (range, at), the map's level and
// the selected node or edge, e.g. `/cockpit?range=15m&level=component&sel=e:sensors>gateway`.
import { parseTimeQuery, queryString, type TimeQuery, writeTimeQuery } from '../lib/timeRange.ts';

export type MapLevel = 'subsystem' | 'component';

export interface CockpitQuery extends TimeQuery {
  level: MapLevel;
  /** Selected element: `n:` subsystem, `e:` subsystem edge, `k:` component, `c:` component edge. */
  sel?: string;
}

export function parseCockpitQuery(search: string): CockpitQuery {
  const p = new URLSearchParams(search);
  const sel = p.get('sel');
  return {
    ...parseTimeQuery(p),
    level: p.get('level') === 'component' ? 'component' : 'subsystem',
    ...(sel && /^[nekc]:./.test(sel) ? { sel } : {}),
  };
}

export function cockpitSearch(q: CockpitQuery): string {
  const p = new URLSearchParams();
  writeTimeQuery(p, q);
  if (q.level === 'component') p.set('level', 'component');
  if (q.sel) p.set('sel', q.sel);
  return queryString(p).replaceAll('%3E', '>');
}

export type Selection =
  | { kind: 'subsystem'; id: string }
  | { kind: 'edge'; from: string; to: string }
  | { kind: 'component'; id: string }
  | { kind: 'componentEdge'; from: string; to: string };

export function parseSelection(sel: string | undefined): Selection | undefined {
  if (!sel) return undefined;
  const kind = sel[0];
  const rest = sel.slice(2);
  if (kind === 'n') return { kind: 'subsystem', id: rest };
  if (kind === 'k') return { kind: 'component', id: rest };
  const i = rest.indexOf('>');
  if (i <= 0) return undefined;
  const [from, to] = [rest.slice(0, i), rest.slice(i + 1)];
  return kind === 'e' ? { kind: 'edge', from, to } : { kind: 'componentEdge', from, to };
}

export const selectId = {
  subsystem: (id: string) => `n:${id}`,
  edge: (from: string, to: string) => `e:${from}>${to}`,
  component: (id: string) => `k:${id}`,
  componentEdge: (from: string, to: string) => `c:${from}>${to}`,
};
