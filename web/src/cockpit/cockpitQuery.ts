// The Cockpit's state as it lives in the URL query: the time window (range, at), the map's level,
// the selected node or edge, and a replay (window T1~T2 played at a speed, stepping `at`), e.g.
// `/cockpit?range=15m&level=component&sel=e:sensors>gateway` or
// `/cockpit?at=…&replay=2026-01-01T10:00:00.000Z~2026-01-01T11:00:00.000Z&speed=60&play=1`.
import { parseTimeQuery, queryString, type TimeQuery, writeTimeQuery } from '../lib/timeRange.ts';

export type MapLevel = 'subsystem' | 'component';

export interface CockpitQuery extends TimeQuery {
  level: MapLevel;
  /** Selected element: `n:` subsystem, `e:` subsystem edge, `k:` component, `c:` component edge. */
  sel?: string;
  /** A replay: `at` steps from `from` to `to`, `speed` seconds of data per second, while `playing`. */
  replay?: { from: string; to: string; speed: number; playing: boolean };
}

export const REPLAY_SPEEDS = [10, 60, 300, 900];

function parseReplay(p: URLSearchParams): CockpitQuery['replay'] {
  const [a, b] = (p.get('replay') ?? '').split('~');
  if (
    !a ||
    !b ||
    Number.isNaN(Date.parse(a)) ||
    Number.isNaN(Date.parse(b)) ||
    Date.parse(a) >= Date.parse(b)
  )
    return undefined;
  const speed = Number(p.get('speed'));
  return {
    from: new Date(a).toISOString(),
    to: new Date(b).toISOString(),
    speed: REPLAY_SPEEDS.includes(speed) ? speed : 60,
    playing: p.get('play') === '1',
  };
}

export function parseCockpitQuery(search: string): CockpitQuery {
  const p = new URLSearchParams(search);
  const sel = p.get('sel');
  return {
    ...parseTimeQuery(p),
    level: p.get('level') === 'component' ? 'component' : 'subsystem',
    ...(sel && /^[nekc]:./.test(sel) ? { sel } : {}),
    ...(parseReplay(p) ? { replay: parseReplay(p) } : {}),
  };
}

export function cockpitSearch(q: CockpitQuery): string {
  const p = new URLSearchParams();
  writeTimeQuery(p, q);
  if (q.level === 'component') p.set('level', 'component');
  if (q.sel) p.set('sel', q.sel);
  if (q.replay) {
    p.set('replay', `${q.replay.from}~${q.replay.to}`);
    p.set('speed', String(q.replay.speed));
    if (q.replay.playing) p.set('play', '1');
  }
  return queryString(p).replaceAll('%3E', '>').replaceAll('%7E', '~');
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
