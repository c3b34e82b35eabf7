// Fetches (and posts) JSON to the Mortar API and turns an ErrorResponse body into an ApiError with its
// message and the details that say where and what to do.
import type { ErrorResponse } from '../../../src/api/types.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details: NonNullable<ErrorResponse['error']['details']> = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(url, { signal, headers: { accept: 'application/json' } });
}

export function postJson<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return sendJson<T>('POST', url, body, signal);
}

/** A state-changing request with a JSON body (POST, PUT, PATCH, DELETE), CSRF token included. */
export function sendJson<T>(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(url, {
    method,
    signal,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...csrfHeaders(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The header that proves a state-changing request comes from this page (double-submit of the CSRF cookie). */
export function csrfHeaders(): Record<string, string> {
  const m = /(?:^|;\s*)mortar_csrf=([^;]+)/.exec(document.cookie);
  return m ? { 'x-csrf-token': decodeURIComponent(m[1]!) } : {};
}

/** Fired when the server says the session is gone, so the app can show the sign-in page. */
export const UNAUTHORIZED_EVENT = 'mortar:unauthorized';

async function requestJson<T>(url: string, init: RequestInit): Promise<T> {
  const signal = init.signal;
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError('The Mortar server cannot be reached.', 0, 'network');
  }
  if (!res.ok) {
    if (res.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    const body = (await res.json().catch(() => null)) as ErrorResponse | null;
    const message = body?.error?.message ?? `The server answered ${res.status} ${res.statusText}.`;
    throw new ApiError(message, res.status, body?.error?.code ?? 'http', body?.error?.details ?? []);
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
