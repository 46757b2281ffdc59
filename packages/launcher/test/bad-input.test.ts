import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_OF, OPERATION_SERVICES, type OperationService } from '@calc/core';
import { startMeshSet, type MeshSet } from '../src/index.js';
import { postJson } from './helpers.js';

/** Operands that overflow each operation to Infinity: 422 from the service itself; percentage passes multiplication's 422 on (the caller's operands). */
const OVERFLOW: Record<OperationService, [number, number, number, string]> = {
  addition: [1e308, 1e308, 422, 'RESULT_NOT_FINITE'],
  subtraction: [-1e308, 1e308, 422, 'RESULT_NOT_FINITE'],
  multiplication: [1e308, 10, 422, 'RESULT_NOT_FINITE'],
  division: [1e308, 1e-308, 422, 'RESULT_NOT_FINITE'],
  percentage: [1.7e308, 1.7e308, 422, 'RESULT_NOT_FINITE'],
};

interface BadInput {
  name: string;
  send: (url: string, path: string) => Promise<{ status: number; json: any; text: string; headers: Headers }>;
  status: number;
  code: string;
}

const json = (body: string) => (url: string, path: string) => postJson(`${url}${path}`, body);
const BAD_INPUTS: BadInput[] = [
  { name: 'not JSON', send: json('{"op1": 1, "op2": '), status: 400, code: 'INVALID_JSON' },
  { name: 'wrong content type', send: (u, p) => postJson(`${u}${p}`, '{"op1":1,"op2":2}', 'text/plain'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'no content type', send: (u, p) => postJson(`${u}${p}`, '{"op1":1,"op2":2}', ''), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'missing operand', send: json('{"op1": 1}'), status: 400, code: 'MISSING_OPERAND' },
  { name: 'non-numeric operand', send: json('{"op1": "one", "op2": 2}'), status: 400, code: 'INVALID_OPERAND' },
  { name: 'non-finite operand', send: json('{"op1": 1e400, "op2": 2}'), status: 400, code: 'NON_FINITE_OPERAND' },
  { name: 'array body', send: json('[1, 2]'), status: 400, code: 'INVALID_BODY' },
  { name: 'oversized body', send: json(JSON.stringify({ op1: 1, op2: 2, pad: 'x'.repeat(4096) })), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'unknown route', send: (u) => postJson(`${u}/nowhere`, '{"op1":1,"op2":2}'), status: 404, code: 'NOT_FOUND' },
  {
    name: 'wrong method',
    send: (u, p) => fetch(`${u}${p}`, { method: 'PUT' }).then(async (r) => ({ status: r.status, headers: r.headers, text: '', json: await r.json() })),
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
  },
];

describe('bad input against every service, as real processes', () => {
  let set: MeshSet;
  beforeAll(async () => {
    set = await startMeshSet({ env: { PERCENTAGE_FAULT_RATE: '0' } });
  });
  afterAll(async () => {
    const exits = await set?.stop();
    // No bad input crashed anything: every service is still up and stops cleanly.
    expect([...(exits?.values() ?? [])]).toEqual([0, 0, 0, 0, 0]);
  });

  describe.each(OPERATION_SERVICES)('%s', (service) => {
    const path = `/${METHOD_OF[service]}`;

    it.each(BAD_INPUTS)('$name → $status $code, and it still answers afterwards', async ({ send, status, code }) => {
      const res = await send(set.urlOf(service), path);
      expect(res.status).toBe(status);
      expect(res.json.error.code).toBe(code);
      expect(typeof res.json.error.message).toBe('string');
      expect(res.text).not.toMatch(/\n\s+at /);
      const after = await postJson(`${set.urlOf(service)}${path}`, '{"op1": 30, "op2": 10}');
      expect(after.status).toBe(200);
    });

    it("a result that overflows to infinity → 422 RESULT_NOT_FINITE (percentage too: the operands are the caller's)", async () => {
      const [op1, op2, status, code] = OVERFLOW[service];
      const res = await postJson(`${set.urlOf(service)}${path}`, JSON.stringify({ op1, op2 }));
      expect([res.status, res.json.error.code]).toEqual([status, code]);
    });
  });

  it('division by zero → 422 DIVISION_BY_ZERO', async () => {
    const res = await postJson(`${set.urlOf('division')}/divide`, '{"op1": 1, "op2": 0}');
    expect([res.status, res.json.error.code]).toEqual([422, 'DIVISION_BY_ZERO']);
  });
});
