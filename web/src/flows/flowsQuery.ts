// The Alert flows page's state as it lives in the URL query: the time window (range, at), the flow,
// the alert states listed (default: the ones that need attention) and the page of the alerts list.
// The drill-down page of one alert keeps the same query, so its way back returns to the same list.
import type { AlertState } from '../../../src/api/types.ts';
import { parseTimeQuery, queryString, type TimeQuery, writeTimeQuery } from '../lib/timeRange.ts';

export const STATES: AlertState[] = ['in_flight', 'complete', 'late', 'stuck', 'lost'];
export const DEFAULT_STATES: AlertState[] = ['late', 'stuck', 'lost'];
export const PAGE_SIZE = 20;

export interface FlowsQuery extends TimeQuery {
  /** Empty: the first declared flow. */
  flow: string;
  /** Empty: every state. */
  states: AlertState[];
  /** 1-based. */
  page: number;
}

export function parseFlowsQuery(search: string): FlowsQuery {
  const p = new URLSearchParams(search);
  const raw = p.get('state');
  const states =
    raw === null ? DEFAULT_STATES : raw === 'all' ? [] : STATES.filter((s) => raw.split(',').includes(s));
  const page = Number.parseInt(p.get('page') ?? '1', 10);
  return {
    ...parseTimeQuery(p),
    flow: p.get('flow') ?? '',
    states,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

export function flowsSearch(q: FlowsQuery): string {
  const p = new URLSearchParams();
  if (q.flow) p.set('flow', q.flow);
  writeTimeQuery(p, q);
  const isDefault =
    q.states.length === DEFAULT_STATES.length && DEFAULT_STATES.every((s) => q.states.includes(s));
  if (!isDefault)
    p.set('state', q.states.length ? STATES.filter((s) => q.states.includes(s)).join(',') : 'all');
  if (q.page > 1) p.set('page', String(q.page));
  return queryString(p);
}

export function alertHref(flow: string, root: string, search: string): string {
  return `/flows/${encodeURIComponent(flow)}/alerts/${encodeURIComponent(root)}${search}`;
}
