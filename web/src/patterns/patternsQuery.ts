// The Patterns page's state as it lives in the URL query: the source filter and the open pattern
// (`pipeline/id`).

export interface PatternsQuery {
  /** '' for every source (pipeline). */
  source: string;
  /** `pipeline/id` of the pattern whose examples are open, '' for none. */
  open: string;
}

export function parsePatternsQuery(search: string): PatternsQuery {
  const p = new URLSearchParams(search);
  return { source: p.get('source') ?? '', open: p.get('open') ?? '' };
}

export function patternsSearch(q: PatternsQuery): string {
  const p = new URLSearchParams();
  if (q.source) p.set('source', q.source);
  if (q.open) p.set('open', q.open);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const openKey = (pipeline: string, id: string) => `${pipeline}/${id}`;
