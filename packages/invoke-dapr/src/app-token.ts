import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from '@calc/core';

/** The header daprd adds to every call it makes to the app when it runs with APP_API_TOKEN. */
export const APP_TOKEN_HEADER = 'dapr-api-token';

/**
 * Dapr's app API token, checked by the app: when APP_API_TOKEN is set, a request must carry the same
 * token in `dapr-api-token` — which only the pod's own daprd adds. A direct call to the pod IP that
 * skips daprd is answered 401: one way to close the bypass. Unset: no check (undefined guard).
 */
export function appTokenGuard(token: string | undefined): RequestHandler | undefined {
  if (!token) return undefined;
  const expected = Buffer.from(token);
  return (req, _res, next) => {
    const given = Buffer.from(req.get(APP_TOKEN_HEADER) ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    next(new ApiError('UNAUTHORIZED', `missing or wrong ${APP_TOKEN_HEADER}: only this pod's Dapr sidecar may call it`));
  };
}
