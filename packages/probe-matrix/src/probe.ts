// The probe: one request from inside a pod, reported as one JSON Observation on stdout.
// Self-contained (Node built-ins only) so it runs in any pod that has node:
//   node probe.js '{"kind":"http","url":"http://10.0.0.7:80/multiply","method":"POST","body":{"op1":6,"op2":7}}'
//   node probe.js '{"kind":"tls","host":"10.0.0.7","port":50002}'
//   node probe.js '{"kind":"tcp","host":"10.0.0.8","port":6379,"send":"PING\r\n"}'
// With "waitMs", an HTTP probe retries until a 2xx answer or the time is up (a readiness wait).
import { request } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { connect } from 'node:tls';

interface HttpSpec {
  kind: 'http';
  url: string;
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  waitMs?: number;
  /** Return the whole body too (e.g. a sidecar's metrics), not only its first 300 characters. */
  keepBody?: boolean;
}
interface TlsSpec {
  kind: 'tls';
  host: string;
  port: number;
  timeoutMs?: number;
}
interface TcpSpec {
  kind: 'tcp';
  host: string;
  port: number;
  /** What to send once connected, e.g. a Redis command. */
  send: string;
  timeoutMs?: number;
}
type Spec = HttpSpec | TlsSpec | TcpSpec;
type Observation = Record<string, unknown>;

function httpOnce(spec: HttpSpec): Promise<Observation> {
  return new Promise((resolve) => {
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const headers: Record<string, string> = { ...spec.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = request(spec.url, { method: spec.method ?? 'GET', headers, agent: false, timeout: spec.timeoutMs ?? 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const observation: Observation = { status: res.statusCode, bodyBytes: Buffer.byteLength(text), detail: text.slice(0, 300) };
        if (spec.keepBody) observation.body = text;
        const code = codeOf(text);
        if (code) observation.code = code;
        const proxyError = res.headers['l5d-proxy-error'];
        if (proxyError !== undefined) observation.proxyError = String(proxyError);
        resolve(observation);
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(connectionFailure(error)));
    req.end(body);
  });
}

function codeOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown }; errorCode?: unknown };
    const code = body.error?.code ?? body.errorCode;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

function connectionFailure(error: NodeJS.ErrnoException): Observation {
  const outcome = error.code === 'ECONNREFUSED' ? 'refused' : error.code === 'ETIMEDOUT' ? 'timeout' : 'error';
  return { outcome, detail: `${error.code ?? ''} ${error.message}`.trim() };
}

async function http(spec: HttpSpec): Promise<Observation> {
  const deadline = Date.now() + (spec.waitMs ?? 0);
  for (;;) {
    const observation = await httpOnce(spec);
    const ok = typeof observation.status === 'number' && observation.status < 300;
    if (ok || Date.now() >= deadline) return observation;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A TLS handshake with no client certificate, then an HTTP/2 preface. A server that requires a
 * client certificate ends the connection with an alert (TLS 1.3 sends it after the handshake).
 */
function tls(spec: TlsSpec): Promise<Observation> {
  return new Promise((resolve) => {
    const socket = connect({ host: spec.host, port: spec.port, rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    const done = (observation: Observation) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(observation);
    };
    const timer = setTimeout(() => done({ outcome: 'tls-accepted', detail: 'handshake completed and the connection stayed open' }), spec.timeoutMs ?? 3000);
    socket.on('secureConnect', () => socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
    socket.on('data', () => done({ outcome: 'tls-accepted', detail: 'the server answered without a client certificate' }));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const rejected = /alert|certificate|handshake/i.test(`${error.code} ${error.message}`);
      done(rejected ? { outcome: 'tls-rejected', detail: error.code ?? error.message } : connectionFailure(error));
    });
    socket.on('close', () => done({ outcome: 'tls-rejected', detail: 'closed by the server without an answer' }));
  });
}

/**
 * Plain TCP: connect, send, read the first line. A server that accepts the connection and closes it
 * without a byte (a mesh denying opaque TCP) is `closed`, which is not `refused` (nothing listening).
 */
function tcp(spec: TcpSpec): Promise<Observation> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connectTcp({ host: spec.host, port: spec.port });
    const done = (observation: Observation) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(observation);
    };
    const timer = setTimeout(() => done({ outcome: 'timeout', detail: `no answer in ${spec.timeoutMs ?? 3000} ms` }), spec.timeoutMs ?? 3000);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(spec.send));
    socket.on('data', (chunk: string) => {
      received += chunk;
      const line = received.split('\r\n')[0] ?? '';
      if (received.includes('\r\n')) done({ outcome: 'answered', answer: line, detail: line });
    });
    const closed = (why: string) => done(received ? { outcome: 'answered', answer: received, detail: received } : { outcome: 'closed', detail: why });
    socket.on('end', () => closed('accepted, then closed by the server without an answer'));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? closed('accepted, then reset by the server without an answer') : done(connectionFailure(error)),
    );
    socket.on('close', () => closed('closed without an answer'));
  });
}

async function main(): Promise<void> {
  let spec: Spec;
  try {
    // The last argument: `node probe.js SPEC` and `node -e "$PROBE" SPEC` both end with it.
    spec = JSON.parse(process.argv.at(-1) ?? '') as Spec;
    if (spec.kind !== 'http' && spec.kind !== 'tls' && spec.kind !== 'tcp') throw new Error('kind must be http, tls or tcp');
  } catch (error) {
    process.stderr.write(`probe: expected one JSON argument {"kind":"http"|"tls"|"tcp",…}: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const observation = spec.kind === 'http' ? await http(spec) : spec.kind === 'tls' ? await tls(spec) : await tcp(spec);
  process.stdout.write(`${JSON.stringify(observation)}\n`);
}

void main();
