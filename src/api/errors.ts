// The one place errors become HTTP responses: UserErrors keep their code and message, anything
// else is a bug: logged with its stack, answered with a generic 500 that leaks nothing.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isUserError, type UserErrorCode } from '../events/errors.ts';
import type { ErrorResponse } from './types.ts';

const STATUS: Record<UserErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  config_invalid: 400,
  config_not_found: 404,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  locked: 423,
};

export function errorResponse(err: Error, c: Context): Response {
  if (isUserError(err)) {
    const body: ErrorResponse = {
      error: { code: err.code, message: err.message, details: err.details.length ? err.details : undefined },
    };
    return c.json(body, STATUS[err.code]);
  }
  console.error(`[api] ${c.req.method} ${c.req.path} failed:`, err);
  const body: ErrorResponse = {
    error: { code: 'internal', message: 'internal error; the server log has the details' },
  };
  return c.json(body, 500);
}
