import { connect, createServer } from 'node:net';

export async function postJson(url: string, body: string, contentType = 'application/json') {
  const res = await fetch(url, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A port that was free a moment ago (for tests that need a fixed port number). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RawAnswer {
  /** The final status (after any 100 Continue), or 0 when nothing came back. */
  status: number;
  interim: number[];
  text: string;
  json: any;
  /** The server closed the connection before the client gave up waiting. */
  closedByServer: boolean;
  /** Bytes the client managed to send, headers included. */
  sent: number;
  ms: number;
}

/**
 * Sends raw bytes to 127.0.0.1:port, as a client below fetch's reach would (malformed requests,
 * half bodies), then keeps calling `feed` every 10 ms while the connection lasts. Resolves with the
 * final answer when the server closes the connection, or after waitMs.
 */
export function rawHttp(port: number, request: string, { waitMs = 5000, feed }: { waitMs?: number; feed?: () => Buffer | undefined } = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let sent = 0;
    let closedByServer = false;
    const write = (data: Buffer | string) => {
      if (socket.writable) socket.write(data, () => (sent += Buffer.byteLength(data)));
    };
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('end', () => (closedByServer = true));
    const feeder = feed
      ? setInterval(() => {
          const next = feed();
          if (next) write(next);
        }, 10)
      : undefined;
    const giveUp = setTimeout(() => socket.destroy(), waitMs);
    socket.on('close', () => {
      clearInterval(feeder);
      clearTimeout(giveUp);
      const raw = Buffer.concat(chunks).toString('latin1');
      const statuses = [...raw.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
      const final = statuses.findLast((s) => s >= 200) ?? 0;
      const text = raw.slice(raw.lastIndexOf('\r\n\r\n') + 4);
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {}
      resolve({ status: final, interim: statuses.filter((s) => s < 200), text, json, closedByServer, sent, ms: Date.now() - started });
    });
    write(request);
  });
}
