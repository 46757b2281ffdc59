import { once } from 'node:events';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import { ApiError } from '@calc/core';
import { BODY_LIMIT_BYTES, declaredLength } from './body.js';
import type { Logger } from './log.js';

/** How long in-flight requests may take to finish once shutdown starts. */
const DRAIN_TIMEOUT_MS = 10_000;
const IDLE_SWEEP_MS = 50;

export interface ServerLimits {
  /**
   * A request (headers and body) must arrive within this time, or it gets 408 and the connection
   * closes. Node's default is 300 s, checked every 30 s: a slow client would hold a connection 5 minutes.
   */
  requestTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = { requestTimeoutMs: 10_000 };

export interface Listening {
  port: number;
  /** Stop accepting, finish in-flight requests (at most DRAIN_TIMEOUT_MS), then resolve. */
  close(): Promise<void>;
}

/** Listens on host:port and logs `listening` with the real port (PORT=0 picks a free one). */
export async function listen(app: Express, port: number, host: string, log: Logger, limits: ServerLimits = DEFAULT_LIMITS): Promise<Listening> {
  const server = createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs / 4),
    },
    app,
  );
  answerBelowExpress(server, app, log);
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is already in use (set PORT to another)`);
    if (code === 'EADDRNOTAVAIL') throw new Error(`address ${host} is not available on this host (check HOST)`);
    throw error;
  }
  // Keep-alive connections from clients and sidecars outlive single requests; let them idle longer than
  // typical proxies do so the server is not the side that closes a reused connection mid-request.
  server.keepAliveTimeout = 65_000;
  const actualPort = (server.address() as AddressInfo).port;
  log.info({ host, port: actualPort }, 'listening');
  return {
    port: actualPort,
    close: () => drain(server),
  };
}

/**
 * What Node decides before express sees a request gets the documented JSON error too:
 * - `clientError`: unparsable requests (bad request line, bad chunking, Content-Length with
 *   Transfer-Encoding: 400; headers over Node's 16 KB: 431) and the request timeout (408);
 * - `checkExpectation`: an `Expect` other than 100-continue (417);
 * - `checkContinue`: Node would answer `100 Continue` by itself; a body declared over the limit
 *   gets no 100 and goes straight to its 413, so the client never sends it.
 */
function answerBelowExpress(server: Server, app: Express, log: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    const apiError = clientErrorOf(error);
    log.info({ status: apiError.status, code: apiError.code, cause: error.code }, apiError.message);
    socket.end(rawAnswer(apiError));
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const apiError = new ApiError('EXPECTATION_FAILED', `Expect: ${req.headers.expect} is not supported; only 100-continue is`);
    res.socket?.end(rawAnswer(apiError));
  });
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (declaredLength(req) <= BODY_LIMIT_BYTES) res.writeContinue();
    app(req, res);
  });
}

function clientErrorOf(error: NodeJS.ErrnoException): ApiError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new ApiError('REQUEST_TIMEOUT', 'the request did not arrive in time');
  if (error.code === 'HPE_HEADER_OVERFLOW') return new ApiError('HEADERS_TOO_LARGE', 'the request headers are too large');
  return new ApiError('MALFORMED_REQUEST', `the request is not valid HTTP/1.1 (${error.code ?? 'parse error'})`);
}

/** A complete HTTP/1.1 answer for a socket express never saw; the connection closes after it. */
function rawAnswer(error: ApiError): string {
  const body = JSON.stringify(error.toBody());
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

async function drain(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // close() only ends connections idle at this instant; a keep-alive connection whose request is
  // still in flight turns idle once answered, so keep closing idle ones until none is left.
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
  server.closeIdleConnections();
  await closed;
  clearInterval(sweep);
  clearTimeout(deadline);
}

/** The environment variable that names the lifeline's file descriptor (see watchLifeline). */
export const LIFELINE_FD = 'LIFELINE_FD';

/**
 * Runs `stop` once on the first SIGTERM or SIGINT, or when the launcher's lifeline ends, then exits
 * 0 (1 if stopping failed). A second signal while stopping exits at once.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals | 'launcher gone') => {
    if (stopping) {
      if (signal === 'launcher gone') return;
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
  watchLifeline(() => handle('launcher gone'));
}

/**
 * A launcher (make demo) hands each child the read end of a pipe as fd $LIFELINE_FD and never writes
 * to it. When the launcher is gone, however it died (SIGKILL, its terminal closed), the kernel closes
 * the write end and the child reads end-of-file: it stops as on SIGTERM. Unlike a parent-death
 * signal, this works on macOS as well as Linux.
 */
function watchLifeline(onEnd: () => void): void {
  const fd = Number(process.env[LIFELINE_FD]);
  if (!Number.isInteger(fd) || fd < 3) return;
  const lifeline = new Socket({ fd, readable: true, writable: false });
  lifeline.on('end', onEnd).on('close', onEnd).on('error', onEnd);
  lifeline.resume();
}
