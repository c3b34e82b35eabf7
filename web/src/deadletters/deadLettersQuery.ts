// The dead-letter views' state as it lives in the URL query: the pipeline filter (the API takes one),
// the page, and the open row.

export const PAGE_SIZE = 25;

export interface DeadLettersQuery {
  /** '' for every pipeline. */
  pipeline: string;
  /** 1-based. */
  page: number;
  /** Id of the open row, '' for none. */
  open: string;
}

export function parseDeadLettersQuery(search: string): DeadLettersQuery {
  const p = new URLSearchParams(search);
  const page = Number.parseInt(p.get('page') ?? '1', 10);
  return {
    pipeline: p.get('pipeline') ?? '',
    page: Number.isFinite(page) && page > 0 ? page : 1,
    open: p.get('open') ?? '',
  };
}

export function deadLettersSearch(q: DeadLettersQuery): string {
  const p = new URLSearchParams();
  if (q.pipeline) p.set('pipeline', q.pipeline);
  if (q.page > 1) p.set('page', String(q.page));
  if (q.open) p.set('open', q.open);
  const s = p.toString();
  return s ? `?${s}` : '';
}
