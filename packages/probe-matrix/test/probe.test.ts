import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PROBE = fileURLToPath(new URL('../dist/probe.js', import.meta.url));
// Asynchronous on purpose: the servers under test live in this process and must keep answering.
const run = (spec: unknown) =>
  new Promise<{ status: number; stderr: string; observation: any }>((resolve) => {
    execFile(process.execPath, [PROBE, JSON.stringify(spec)], { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? Number(error.code) : 0, stderr, observation: stdout ? JSON.parse(stdout) : undefined });
    });
  });

/** A self-signed P-256 certificate made with openssl, the same tool the lab uses for its PKI. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'probe-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=probe-test',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

describe('the probe script, against real sockets on loopback', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/denied') res.writeHead(403, { 'l5d-proxy-error': 'unauthorized' }).end('forbidden');
      else if (req.url === '/empty') res.writeHead(403, { 'content-length': '0' }).end();
      else if (req.url === '/dapr') res.writeHead(403, { 'content-type': 'application/json' }).end('{"errorCode":"ERR_DIRECT_INVOKE","message":"denied"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":42}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => void server.close());

  it('reports status, code, body length and the l5d-proxy-error header', async () => {
    expect((await run({ kind: 'http', url: `http://127.0.0.1:${port}/multiply`, method: 'POST', body: { op1: 6, op2: 7 } })).observation).toMatchObject({ status: 200 });
    expect((await run({ kind: 'http', url: `http://127.0.0.1:${port}/dapr` })).observation).toMatchObject({ status: 403, code: 'ERR_DIRECT_INVOKE' });
    expect((await run({ kind: 'http', url: `http://127.0.0.1:${port}/denied` })).observation).toMatchObject({ status: 403, proxyError: 'unauthorized', bodyBytes: 9 });
    expect((await run({ kind: 'http', url: `http://127.0.0.1:${port}/empty` })).observation).toEqual({ status: 403, bodyBytes: 0, detail: '' });
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    expect((await run({ kind: 'http', url: `http://127.0.0.1:${closedPort}/` })).observation).toMatchObject({ outcome: 'refused' });
  });

  it('tells a TLS server that demands a client certificate from one that does not', async () => {
    const credentials = selfSigned();
    const observe = async (requestCert: boolean) => {
      const server = createTlsServer({ ...credentials, requestCert, rejectUnauthorized: true }, (socket) => socket.write('hello'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { observation } = await run({ kind: 'tls', host: '127.0.0.1', port: (server.address() as { port: number }).port, timeoutMs: 2000 });
      server.close();
      return observation.outcome;
    };
    expect(await observe(true)).toBe('tls-rejected');
    expect(await observe(false)).toBe('tls-accepted');
  });

  it('rejects a malformed spec with exit 2 and a message', async () => {
    const result = await run({ kind: 'ftp' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('probe: expected one JSON argument');
  });
});

describe('the probe script handed to node -e, as the kind e2e runs it inside a pod', () => {
  it('reads its spec from the last argument', async () => {
    const source = readFileSync(PROBE, 'utf8');
    const observation = await new Promise<any>((resolve) =>
      execFile(process.execPath, ['--input-type=module', '-e', source, JSON.stringify({ kind: 'http', url: 'http://127.0.0.1:1/' })], (_e, stdout) => resolve(JSON.parse(stdout))),
    );
    expect(observation.outcome).toBe('refused');
  });
});
