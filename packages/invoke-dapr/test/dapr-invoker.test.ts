import { readFileSync } from 'node:fs';
import request from 'supertest';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { appTokenGuard, createDaprInvoker, toDownstreamError, type DaprInvoke } from '../src/index.js';

/** Errors the real DaprClient 3.18 threw through real daprd 1.18.3 in the local lab (the file says how they were captured). */
const CAPTURED = JSON.parse(readFileSync(new URL('./fixtures/sdk-errors.json', import.meta.url), 'utf8')).errors as Record<'acl-denial' | 'callee-422', { message: string }>;
const captured = (name: keyof typeof CAPTURED) => new Error(CAPTURED[name].message);

describe('createDaprInvoker (at the DaprClient seam; real daprd runs in the local lab)', () => {
  it('invokes the app ID with the route as method and returns the result', async () => {
    const calls: unknown[] = [];
    const client: DaprInvoke = {
      invoker: {
        invoke: async (...args) => {
          calls.push(args);
          return { result: 12 };
        },
      },
    };
    await expect(createDaprInvoker(client).call('multiplication', { op1: 3, op2: 4 })).resolves.toBe(12);
    expect(calls).toEqual([['multiplication', 'multiply', 'post', { op1: 3, op2: 4 }]]);
  });

  it('maps a status the sidecar passes through from the callee app', async () => {
    const body = { error: { code: 'DIVISION_BY_ZERO', message: 'cannot divide by zero' } };
    const client: DaprInvoke = { invoker: { invoke: async () => Promise.reject(captured('callee-422')) } };
    await expect(createDaprInvoker(client).call('division', { op1: 1, op2: 0 })).rejects.toMatchObject({ service: 'division', status: 422, body });
  });

  it("maps daprd's own access-control denial", () => {
    const error = toDownstreamError('multiplication', captured('acl-denial'));
    expect(error).toMatchObject({ status: 403, body: { errorCode: 'ERR_DIRECT_INVOKE' } });
    expect(error.toApiError().message).toMatch(
      /^multiplication answered 403 ERR_DIRECT_INVOKE: failed to invoke, id: multiplication, err: .*access control policy has denied access to id: spiffe:\/\/public\/ns\/dapr-calculator\/addition/,
    );
  });

  it('keeps a non-JSON error text as is, and treats anything else as no answer', () => {
    // The captured shape, with a body that is not JSON in place of the callee's.
    const plain = { ...JSON.parse(CAPTURED['callee-422'].message), error: 'Internal Server Error', error_msg: 'plain text', status: 500 };
    expect(toDownstreamError('addition', new Error(JSON.stringify(plain)))).toMatchObject({ status: 500, body: 'plain text' });
    expect(toDownstreamError('addition', new Error('connect ECONNREFUSED 127.0.0.1:3500'))).toMatchObject({ status: undefined });
  });

  it('rejects a 200 answer without a numeric result', async () => {
    const client: DaprInvoke = { invoker: { invoke: async () => 'hello' } };
    await expect(createDaprInvoker(client).call('addition', { op1: 1, op2: 1 })).rejects.toMatchObject({ status: 200, body: 'hello' });
  });
});

describe('appTokenGuard', () => {
  const appWith = (guard: express.RequestHandler | undefined) => {
    const app = express();
    if (guard) app.use(guard);
    app.get('/add', (_req, res) => void res.json({ ok: true }));
    app.use(((error, _req, res, _next) => void res.status(error.status).json(error.toBody())) as express.ErrorRequestHandler);
    return app;
  };

  it('is off when APP_API_TOKEN is unset', () => {
    expect(appTokenGuard(undefined)).toBeUndefined();
    expect(appTokenGuard('')).toBeUndefined();
  });

  it('lets through only requests carrying the token in dapr-api-token, as daprd adds it', async () => {
    const app = appWith(appTokenGuard('s3cret'));
    expect((await request(app).get('/add').set('dapr-api-token', 's3cret')).status).toBe(200);
    const missing = await request(app).get('/add');
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('UNAUTHORIZED');
    expect((await request(app).get('/add').set('dapr-api-token', 's3cre')).status).toBe(401);
    expect((await request(app).get('/add').set('dapr-api-token', 's3creT')).status).toBe(401);
  });
});
