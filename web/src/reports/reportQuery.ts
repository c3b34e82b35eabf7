// A report page's state as it lives in the URL query, in the API's own words so the page URL, the run
// request and the export links share one set of parameters: `f.<filter id>` (repeated for a
// multi-select; a time range `now-24h..now` or `ISO..ISO`; a number range `min..max`), `sort`, `dir`,
// `page`. A filter absent from the URL takes its declared default; `f.<id>=` (empty) means "cleared";
// the sort absent from the URL is the report's default sort.
import type { FilterSpec, ReportDetail } from './reportTypes.ts';

export const PAGE_SIZE = 25;
/** The rows a chart draws at most (the table pages through the rest). */
export const CHART_ROWS = 2000;

/** What of a report's definition its URL state depends on. */
export interface ReportShape {
  filters: FilterSpec[];
  sort?: ReportDetail['sort'];
  pageSize: number;
}

export function reportShape(r: Pick<ReportDetail, 'filters' | 'sort' | 'limit'>): ReportShape {
  return {
    filters: r.filters,
    sort: r.sort,
    pageSize: r.limit && r.limit > 0 ? Math.min(r.limit, PAGE_SIZE) : PAGE_SIZE,
  };
}

export interface ReportQuery {
  /** Effective values per filter id (defaults applied); empty: no filter. */
  values: Record<string, string[]>;
  sort?: string;
  dir: 'asc' | 'desc';
  /** 1-based. */
  page: number;
}

export function parseReportQuery(search: string, shape: ReportShape): ReportQuery {
  const { filters } = shape;
  const p = new URLSearchParams(search);
  const values: Record<string, string[]> = {};
  for (const f of filters) {
    const key = `f.${f.id}`;
    values[f.id] = p.has(key) ? p.getAll(key).filter((v) => v !== '') : defaultValues(f);
  }
  const page = Number.parseInt(p.get('page') ?? '1', 10);
  const sort = p.get('sort') || shape.sort?.column;
  const dir = p.get('dir') ?? (p.get('sort') ? 'desc' : shape.sort?.dir);
  return {
    values,
    ...(sort ? { sort } : {}),
    dir: dir === 'asc' ? 'asc' : 'desc',
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

export function defaultValues(f: FilterSpec): string[] {
  if (f.default === undefined) return [];
  return (Array.isArray(f.default) ? f.default : [f.default]).filter((v) => v !== '');
}

/** The page's query string: only what differs from the defaults, so a plain link stays plain. */
export function toReportSearch(q: ReportQuery, shape: ReportShape): string {
  const p = new URLSearchParams();
  for (const f of shape.filters) {
    const v = q.values[f.id] ?? [];
    if (sameValues(v, defaultValues(f))) continue;
    if (v.length === 0) p.append(`f.${f.id}`, '');
    for (const x of v) p.append(`f.${f.id}`, x);
  }
  if (q.sort && (q.sort !== shape.sort?.column || q.dir !== shape.sort.dir)) {
    p.set('sort', q.sort);
    p.set('dir', q.dir);
  }
  if (q.page > 1) p.set('page', String(q.page));
  return readable(p);
}

/** The filter parameters for the API (every filter that has a value, defaults included). */
export function filterParams(q: ReportQuery, filters: FilterSpec[], except?: string): URLSearchParams {
  const p = new URLSearchParams();
  for (const f of filters) {
    if (f.id === except) continue;
    for (const v of q.values[f.id] ?? []) p.append(`f.${f.id}`, v);
  }
  return p;
}

export function runUrl(id: string, q: ReportQuery, shape: ReportShape): string {
  const p = filterParams(q, shape.filters);
  if (q.sort) {
    p.set('sort', q.sort);
    p.set('dir', q.dir);
  }
  p.set('limit', String(shape.pageSize));
  p.set('offset', String((q.page - 1) * shape.pageSize));
  return `/api/reports/${encodeURIComponent(id)}/run${readable(p)}`;
}

/** The rows of the chart: the same filters and order as the table, from the first row on. */
export function chartUrl(id: string, q: ReportQuery, shape: ReportShape): string {
  const p = filterParams(q, shape.filters);
  if (q.sort) {
    p.set('sort', q.sort);
    p.set('dir', q.dir);
  }
  p.set('limit', String(CHART_ROWS));
  return `/api/reports/${encodeURIComponent(id)}/run${readable(p)}`;
}

/** The export download: the same filters and order as the view, every row (no paging). */
export function exportUrl(
  id: string,
  format: 'csv' | 'parquet',
  q: ReportQuery,
  filters: FilterSpec[],
): string {
  const p = filterParams(q, filters);
  if (q.sort) {
    p.set('sort', q.sort);
    p.set('dir', q.dir);
  }
  return `/api/reports/${encodeURIComponent(id)}/export.${format}${readable(p)}`;
}

/** The values of one filter, narrowed by the current values of the filters it depends on and the time range. */
export function valuesUrl(
  id: string,
  filter: FilterSpec,
  q: ReportQuery,
  filters: FilterSpec[],
  text: string,
): string {
  // The list follows the filters it depends on and the time range (as the server narrows it), so
  // other filters' changes do not refetch it.
  const linked = filters.filter((f) => filter.dependsOn?.includes(f.id) || f.kind === 'time_range');
  const p = filterParams(q, linked, filter.id);
  if (text) p.set('q', text);
  return `/api/reports/${encodeURIComponent(id)}/filters/${encodeURIComponent(filter.id)}/values${readable(p)}`;
}

export function sameValues(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** `?a=b` with commas, colons and dots left readable ('' when empty). */
export function readable(p: URLSearchParams): string {
  const s = p.toString().replaceAll('%2C', ',').replaceAll('%3A', ':');
  return s ? `?${s}` : '';
}
