import { createServer } from 'node:net';

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
