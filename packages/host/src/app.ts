import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { ApiError, DownstreamError, parseOperands, type Operands } from '@calc/core';
import { readJsonBody } from './body.js';
import type { Logger } from './log.js';

export interface AppOptions {
  log: Logger;
  /** Route path (e.g. "/add") → what it computes. */
  operations?: Record<string, (operands: Operands) => Promise<number> | number>;
  /** False once shutdown has begun: /readyz then answers 503. */
  isReady: () => boolean;
  /** Runs before the operation routes (not before /healthz and /readyz), e.g. an auth check. */
  guard?: RequestHandler;
}

/** The express app of a service, apart from the server so tests drive it in-process. */
export function createApp({ log, operations = {}, isReady, guard }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Per-request logs cost time on every call; only pay for them when asked (LOG_LEVEL=debug).
  if (log.isLevelEnabled('debug')) app.use(requestLog(log));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'alive' });
  });
  app.get('/readyz', (_req, res) => {
    if (isReady()) res.json({ status: 'ready' });
    else sendError(res, new ApiError('SHUTTING_DOWN', 'shutting down'));
  });

  if (guard) app.use(guard);

  for (const [path, operation] of Object.entries(operations)) {
    app.post(path, requireJson, readJsonBody, async (req, res) => {
      const result = await operation(parseOperands(req.body));
      res.json({ result });
    });
    app.all(path, (req, _res, next) => {
      next(new ApiError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; use POST`, { allow: ['POST'] }));
    });
  }

  app.use((req, _res, next) => {
    next(new ApiError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler(log));
  return app;
}

const requireJson: RequestHandler = (req, _res, next) => {
  if (req.is('application/json')) return next();
  next(new ApiError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be application/json, got ${req.get('content-type') ?? 'none'}`));
};

function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.debug({ method: req.method, path: req.path, status: res.statusCode, ms }, 'request');
    });
    next();
  };
}

function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof DownstreamError) return error.toApiError();
  return undefined;
}

function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const apiError = toApiError(error);
    if (apiError) {
      log.info({ path: req.path, status: apiError.status, code: apiError.code }, apiError.message);
      sendError(res, apiError);
      return;
    }
    log.error({ err: error, path: req.path }, 'unexpected error');
    sendError(res, new ApiError('INTERNAL_ERROR', 'internal error'));
  };
}

function sendError(res: express.Response, error: ApiError): void {
  // An answer given before the body was read closes the connection: otherwise Node would read
  // (and discard) the rest of the body, however large, to keep the connection alive.
  if (!res.req.complete) res.set('Connection', 'close');
  const allow = error.details.allow;
  if (Array.isArray(allow)) res.set('Allow', allow.join(', '));
  res.status(error.status).json(error.toBody());
}
