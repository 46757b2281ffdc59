// Each of the twelve images alone, as Kubernetes runs it: uid 1000, read-only root, port 8080.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wait, type StartedTestContainer } from 'testcontainers';
import { ALL_SERVICES, METHOD_OF, compute, type OperationService } from '@calc/core';
import { parseCallRecord } from '@calc/probe-matrix';
import { imageOf, LabContainer, logsOf, removeLeftovers, useEngine } from '../src/index.js';

const engine = useEngine();
if (!engine.available) console.warn(`\n!!! container tests NOT RUN: ${engine.reason}\n`);

// The set's peers are absent here: the mesh-agnostic callers get URLs that refuse, the Dapr-aware ones no daprd.
const NOWHERE = {
  MULTIPLICATION_URL: 'http://127.0.0.1:9',
  DIVISION_URL: 'http://127.0.0.1:9',
  ADDITION_URL: 'http://127.0.0.1:9',
  SUBTRACTION_URL: 'http://127.0.0.1:9',
  PERCENTAGE_URL: 'http://127.0.0.1:9',
};
const IMAGES = (['dapr', 'agnostic'] as const).flatMap((set) => ALL_SERVICES.map((service) => ({ set, service })));

describe.skipIf(!engine.available)('the twelve images, each alone', () => {
  beforeAll(() => removeLeftovers());

  describe.each(IMAGES)('$set $service', ({ set, service }) => {
    let container: StartedTestContainer;
    // MathFanBoy's mesh-agnostic image serves nothing (no app channel to give): it is judged by what it prints.
    const serves = !(set === 'agnostic' && service === 'mathfanboy');
    const url = (path: string) => `http://${container.getHost()}:${container.getMappedPort(8080)}${path}`;

    beforeAll(async () => {
      container = await new LabContainer(imageOf(set, service))
        .withReadOnlyRoot()
        .withEnvironment({ ...NOWHERE, MATHFANBOY_FORMAT: 'json', MATHFANBOY_INTERVAL_MS: '100' })
        .withWaitStrategy(serves ? Wait.forHttp('/healthz', 8080) : Wait.forLogMessage(/"service":/))
        .start();
    });
    afterAll(() => container?.stop());

    it('runs as uid 1000 on a read-only root filesystem', async () => {
      expect((await container.exec(['id', '-u'])).output.trim()).toBe('1000');
      const write = await container.exec(['sh', '-c', 'touch /app/written']);
      expect(write.exitCode).not.toBe(0);
      expect(write.output).toMatch(/Read-only file system/);
    });

    if (serves)
      it('answers /healthz', async () => {
        const res = await fetch(url('/healthz'));
        expect(res.status).toBe(200);
      });

    if (service !== 'mathfanboy')
      it('answers a bad input with the documented JSON error', async () => {
        const res = await fetch(url(`/${METHOD_OF[service as OperationService]}`), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"op1": "one", "op2": 2}',
        });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ error: { code: 'INVALID_OPERAND', message: expect.any(String) } });
      });

    if (service !== 'mathfanboy' && service !== 'percentage')
      it('answers a valid call with the right result', async () => {
        const s = service as Exclude<OperationService, 'percentage'>;
        const res = await fetch(url(`/${METHOD_OF[s]}`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"op1": 30, "op2": 12}' });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ result: compute(s, { op1: 30, op2: 12 }) });
      });

    if (set === 'agnostic' && service === 'percentage')
      it('answers a valid call it cannot complete alone with 502 DOWNSTREAM_UNAVAILABLE', async () => {
        const res = await fetch(url('/percentage'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"op1": 40, "op2": 50}' });
        expect(res.status).toBe(502);
        expect(await res.json()).toMatchObject({ error: { code: 'DOWNSTREAM_UNAVAILABLE' } });
      });

    if (!serves)
      it('prints one JSON record per call', async () => {
        const logs = await logsOf(container);
        expect(logs.split('\n').some((line) => parseCallRecord(line) !== undefined)).toBe(true);
      });
  });
});
