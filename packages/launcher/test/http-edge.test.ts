// What a client below fetch's reach sees from a real service process: every error in the documented
// JSON shape, too-large bodies refused before they are read, slow clients cut off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_OF, OPERATION_SERVICES } from '@calc/core';
import { startMeshSet, type MeshSet } from '../src/index.js';
import { postJson, rawHttp } from './helpers.js';

const head = (path: string, headers: string[]) => [`POST ${path} HTTP/1.1`, 'Host: calc', ...headers, '', ''].join('\r\n');
const JSON_TYPE = 'Content-Type: application/json';
const GIGABYTE = 'Content-Length: 1000000000';

const BELOW_EXPRESS: Array<{ name: string; request: (path: string) => string; status: number; code: string }> = [
  { name: 'a malformed request line', request: () => 'GARBAGE\r\n\r\n', status: 400, code: 'MALFORMED_REQUEST' },
  { name: 'bad chunking', request: (p) => `${head(p, [JSON_TYPE, 'Transfer-Encoding: chunked'])}ZZ\r\nabc\r\n`, status: 400, code: 'MALFORMED_REQUEST' },
  {
    name: 'Content-Length with Transfer-Encoding',
    request: (p) => `${head(p, [JSON_TYPE, 'Content-Length: 5', 'Transfer-Encoding: chunked'])}0\r\n\r\n`,
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  { name: 'a 100 KB header', request: (p) => head(p, [JSON_TYPE, `X-Big: ${'a'.repeat(100_000)}`]), status: 431, code: 'HEADERS_TOO_LARGE' },
  { name: 'Expect: bogus', request: (p) => head(p, [JSON_TYPE, 'Expect: bogus', 'Content-Length: 17']), status: 417, code: 'EXPECTATION_FAILED' },
  {
    name: 'a gzip body (only identity is accepted)',
    request: (p) => `${head(p, [JSON_TYPE, 'Content-Encoding: gzip', 'Content-Length: 4'])}abcd`,
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
];

describe('the HTTP edge of every service, as real processes', () => {
  let set: MeshSet;
  const portOf = (service: string) => Number(new URL(set.urlOf(service as 'addition')).port);
  beforeAll(async () => {
    set = await startMeshSet({ env: { PERCENTAGE_FAULT_RATE: '0' } });
  });
  afterAll(async () => {
    expect([...((await set?.stop())?.values() ?? [])]).toEqual([0, 0, 0, 0, 0]);
  });

  describe.each(OPERATION_SERVICES)('%s', (service) => {
    const path = `/${METHOD_OF[service]}`;

    it.each(BELOW_EXPRESS)('$name → $status $code as JSON, connection closed, still serving', async ({ request, status, code }) => {
      const answer = await rawHttp(portOf(service), request(path));
      expect([answer.status, answer.json?.error?.code]).toEqual([status, code]);
      expect(typeof answer.json.error.message).toBe('string');
      expect(answer.closedByServer).toBe(true);
      expect((await postJson(`${set.urlOf(service)}${path}`, '{"op1": 30, "op2": 10}')).status).toBe(200);
    });
  });

  // The client declares a gigabyte and keeps sending: it observes 413 + JSON, then the server closes
  // the connection; it gets to send only what was already in flight, not the gigabyte.
  it('a declared 1 GB body gets 413 before it is read, and the connection closes', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const answer = await rawHttp(portOf('addition'), `${head('/add', [JSON_TYPE, GIGABYTE])}{"op1":1,`, { feed: () => chunk, waitMs: 10_000 });
    expect([answer.status, answer.json?.error?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(answer.closedByServer).toBe(true);
    expect(answer.sent).toBeLessThan(50 * 1024 * 1024);
  });

  it('a chunked body that grows past the limit gets 413 as soon as it does, and the connection closes', async () => {
    const chunk = Buffer.from(`400\r\n${'x'.repeat(1024)}\r\n`);
    const answer = await rawHttp(portOf('division'), head('/divide', [JSON_TYPE, 'Transfer-Encoding: chunked']), { feed: () => chunk, waitMs: 10_000 });
    expect([answer.status, answer.json?.error?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(answer.closedByServer).toBe(true);
    // As soon as it grows past the limit: told by what the client got to send, not by a clock.
    expect(answer.sent).toBeLessThan(50 * 1024 * 1024);
  });

  it('Expect: 100-continue: no 100 for a body over the limit (straight 413), a 100 for one within it', async () => {
    const tooBig = await rawHttp(portOf('multiplication'), head('/multiply', [JSON_TYPE, GIGABYTE, 'Expect: 100-continue']));
    expect(tooBig.interim).toEqual([]);
    expect([tooBig.status, tooBig.json?.error?.code, tooBig.closedByServer]).toEqual([413, 'PAYLOAD_TOO_LARGE', true]);

    const body = '{"op1":6,"op2":7}';
    let bodyToSend: Buffer | undefined = Buffer.from(body);
    const fits = await rawHttp(portOf('multiplication'), head('/multiply', [JSON_TYPE, `Content-Length: ${body.length}`, 'Expect: 100-continue', 'Connection: close']), {
      feed: () => {
        const next = bodyToSend;
        bodyToSend = undefined;
        return next;
      },
    });
    expect(fits.interim).toEqual([100]);
    expect([fits.status, fits.json]).toEqual([200, { result: 42 }]);
  });

  // Node's default would hold this client 300 s (checked every 30 s).
  it('a client that sends half a body gets 408 + JSON after the 10 s request timeout, not before, and the connection closes', async () => {
    const answer = await rawHttp(portOf('subtraction'), `${head('/subtract', [JSON_TYPE, 'Content-Length: 17'])}{"op1":`, { waitMs: 45_000 });
    expect([answer.status, answer.json?.error?.code, answer.closedByServer]).toEqual([408, 'REQUEST_TIMEOUT', true]);
    expect(answer.ms).toBeGreaterThan(9_000);
    // Three times the promise, far below Node's default: a busy machine is late, not wrong.
    expect(answer.ms).toBeLessThan(30_000);
  }, 50_000);
});
