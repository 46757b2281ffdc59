import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createLogger, listen, operationsOf, ConfigError, type Listening } from '@calc/host';
import { createUrlInvoker, readPeerUrls } from '../src/index.js';

const log = createLogger('test', 'silent');
let division: Listening;
let baseUrl: string;

beforeAll(async () => {
  // A real division service over real HTTP on loopback.
  division = await listen(createApp({ log, isReady: () => true, operations: operationsOf('division') }), 0, '127.0.0.1', log);
  baseUrl = `http://127.0.0.1:${division.port}`;
});
afterAll(() => division.close());

describe('readPeerUrls and createUrlInvoker', () => {
  it('posts the operands to <URL>/<method> and returns the result', async () => {
    const invoker = createUrlInvoker(readPeerUrls(['division'], { DIVISION_URL: `${baseUrl}/` }));
    await expect(invoker.call('division', { op1: 9, op2: 4 })).resolves.toBe(2.25);
  });

  it('turns an error answer into a DownstreamError with the status and the callee error body', async () => {
    const invoker = createUrlInvoker(readPeerUrls(['division'], { DIVISION_URL: baseUrl }));
    await expect(invoker.call('division', { op1: 1, op2: 0 })).rejects.toMatchObject({
      name: 'DownstreamError',
      service: 'division',
      status: 422,
      body: { error: { code: 'DIVISION_BY_ZERO' } },
    });
  });

  it('reports a callee that does not answer with no status', async () => {
    const closed = await listen(createApp({ log, isReady: () => true }), 0, '127.0.0.1', log);
    await closed.close();
    const invoker = createUrlInvoker(readPeerUrls(['division'], { DIVISION_URL: `http://127.0.0.1:${closed.port}` }));
    const error = await invoker.call('division', { op1: 1, op2: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DownstreamError', status: undefined });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('refuses to start without a URL, naming the variable', () => {
    expect(() => readPeerUrls(['multiplication', 'division'], { DIVISION_URL: baseUrl })).toThrow(ConfigError);
    expect(() => readPeerUrls(['multiplication'], {})).toThrow(/^MULTIPLICATION_URL is not set/);
  });

  it.each(['division', 'ftp://division', '://'])('refuses a value that is not an http URL: %s', (value) => {
    expect(() => readPeerUrls(['division'], { DIVISION_URL: value })).toThrow(/^DIVISION_URL=/);
  });
});
