// Fetches JSON from the Mortar API and turns an ErrorResponse body into an ApiError with its message.
import type { ErrorResponse } from '../../../src/api/types.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError('The Mortar server cannot be reached.', 0, 'network');
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as ErrorResponse | null;
    const message = body?.error?.message ?? `The server answered ${res.status} ${res.statusText}.`;
    throw new ApiError(message, res.status, body?.error?.code ?? 'http');
  }
  return (await res.json()) as T;
}

/** Builds `/api/<path>?a=b`, leaving out empty values. */
export function apiUrl(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `/api/${path}?${s}` : `/api/${path}`;
}
