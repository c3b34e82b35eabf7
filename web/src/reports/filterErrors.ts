// Places the API's complaint about a run next to the filter that caused it: an error detail whose
// `where` names a filter (`f.subsystem`, `filters.subsystem`, `subsystem`) goes to that filter; the
// rest stays with the result.
import { ApiError } from '../lib/api.ts';
import type { FilterSpec } from './reportTypes.ts';

export interface PlacedErrors {
  byFilter: Record<string, string>;
  /** What names no filter (the message of the whole error, when no detail was placed). */
  general?: string;
}

export function filterOf(where: string, filters: FilterSpec[]): FilterSpec | undefined {
  const w = where.replace(/^(query\.|params\.)/, '');
  return filters.find(
    (f) =>
      w === f.id ||
      w === `f.${f.id}` ||
      w === `filters.${f.id}` ||
      w.startsWith(`f.${f.id}[`) ||
      w.startsWith(`filters.${f.id}.`),
  );
}

export function placeErrors(error: Error | undefined, filters: FilterSpec[]): PlacedErrors {
  if (!error) return { byFilter: {} };
  const byFilter: Record<string, string> = {};
  const rest: string[] = [];
  const details = error instanceof ApiError ? error.details : [];
  for (const d of details) {
    const f = filterOf(d.where, filters);
    const text = d.hint ? `${d.message}; ${d.hint}` : d.message;
    if (f) byFilter[f.id] = byFilter[f.id] ? `${byFilter[f.id]} ${text}` : text;
    else rest.push(d.where ? `${d.where}: ${text}` : text);
  }
  // A message that names a filter's parameter (`f.x`) without details still lands on that filter.
  if (details.length === 0) {
    const named = filters.find(
      (f) =>
        error.message.includes(`f.${f.id}`) ||
        error.message.includes(`filter "${f.id}"`) ||
        error.message.includes(`filter '${f.id}'`),
    );
    if (named) byFilter[named.id] = error.message;
    else rest.push(error.message);
  }
  const placed = Object.keys(byFilter).length > 0;
  return { byFilter, general: rest.length ? rest.join(' ') : placed ? undefined : error.message };
}
