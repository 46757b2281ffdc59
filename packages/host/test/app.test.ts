import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { compute, OPERATION_SERVICES, METHOD_OF, type Invoker, type OperationService } from '@calc/core';
import { createApp, createLogger, operationsOf } from '../src/index.js';

const log = createLogger('test', 'silent');
/** Computes multiplication and division in-process: the seam where percentage's transport plugs in. */
const localInvoker: Invoker = { call: async (service, operands) => compute(service as 'multiplication' | 'division', operands) };

function appFor(service: OperationService, isReady = () => true) {
  return createApp({ log, operations: operationsOf(service, localInvoker, 0), isReady });
}

const EXPECTED: Record<OperationService, number> = { addition: 50, subtraction: 30, multiplication: 400, division: 4, percentage: 4 };

describe.each(OPERATION_SERVICES)('%s in-process', (service) => {
  const path = `/${METHOD_OF[service]}`;

  it(`answers POST ${path} with the result`, async () => {
    const res = await request(appFor(service)).post(path).send({ op1: 40, op2: 10 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: EXPECTED[service] });
  });

  it('answers /healthz and /readyz, and /readyz turns 503 once shutdown starts', async () => {
    let ready = true;
    const app = appFor(service, () => ready);
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'alive' });
    expect((await request(app).get('/readyz')).status).toBe(200);
    ready = false;
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('SHUTTING_DOWN');
    expect((await request(app).get('/healthz')).status).toBe(200);
  });

  it.each([
    ['not JSON', 400, 'INVALID_JSON', 'application/json', '{"op1": 1,'],
    ['a JSON scalar', 400, 'INVALID_JSON', 'application/json', '5'],
    ['a JSON array', 400, 'INVALID_BODY', 'application/json', '[1, 2]'],
    ['an empty body', 400, 'MISSING_OPERAND', 'application/json', ''],
    ['plain text', 415, 'UNSUPPORTED_MEDIA_TYPE', 'text/plain', '{"op1": 1, "op2": 2}'],
    ['a missing operand', 400, 'MISSING_OPERAND', 'application/json', '{"op1": 1}'],
    ['a string operand', 400, 'INVALID_OPERAND', 'application/json', '{"op1": "1", "op2": 2}'],
    ['a non-finite operand', 400, 'NON_FINITE_OPERAND', 'application/json', '{"op1": 1e999, "op2": 2}'],
    ['a body over the limit', 413, 'PAYLOAD_TOO_LARGE', 'application/json', JSON.stringify({ op1: 1, op2: 2, pad: 'x'.repeat(2048) })],
    ['a charset other than UTF-8', 415, 'UNSUPPORTED_MEDIA_TYPE', 'application/json; charset=utf-16', '{"op1": 1, "op2": 2}'],
  ])('rejects %s with %i %s', async (_name, status, code, type, body) => {
    const res = await request(appFor(service)).post(path).set('Content-Type', type).send(body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.text).not.toContain('    at ');
  });

  it('answers a wrong method with 405 and an Allow header, and an unknown route with 404', async () => {
    const app = appFor(service);
    const wrongMethod = await request(app).get(path);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    expect(wrongMethod.body.error.code).toBe('METHOD_NOT_ALLOWED');
    const unknown = await request(app).post('/nowhere').send({ op1: 1, op2: 2 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });
});

describe('createApp', () => {
  it('runs the guard before the operations but not before the probes', async () => {
    const app = createApp({
      log,
      operations: operationsOf('addition'),
      isReady: () => true,
      guard: (_req, res) => void res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'no' } }),
    });
    expect((await request(app).post('/add').send({ op1: 1, op2: 2 })).status).toBe(401);
    expect((await request(app).get('/healthz')).status).toBe(200);
    expect((await request(app).get('/readyz')).status).toBe(200);
  });

  it('hides an unexpected error behind 500 INTERNAL_ERROR', async () => {
    const app = createApp({
      log,
      isReady: () => true,
      operations: {
        '/boom': () => {
          throw new TypeError('secret detail');
        },
      },
    });
    const res = await request(app).post('/boom').send({ op1: 1, op2: 2 });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
  });

  it('answers 502 when percentage cannot complete a downstream call', async () => {
    const failing: Invoker = { call: async () => Promise.reject(new (await import('@calc/core')).DownstreamError('multiplication', undefined, undefined, 'ECONNREFUSED')) };
    const app = createApp({ log, isReady: () => true, operations: operationsOf('percentage', failing) });
    const res = await request(app).post('/percentage').send({ op1: 1, op2: 2 });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('DOWNSTREAM_UNAVAILABLE');
  });
});
