import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CALLS_KEY, CallCounter, createLogger } from '../src/index.js';

// A stand-in for Redis at the seam: it records the commands and answers as Redis does (`:<n>`).
// The real redis-server is what the lab runs (make lab's layer-4 rows and its Redis count).
function fakeRedis(): Promise<{ server: Server; commands: string[]; port: number }> {
  const commands: string[] = [];
  const server = createServer((socket) => {
    let n = 0;
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      for (const line of data.split('\r\n').filter(Boolean)) {
        commands.push(line);
        socket.write(`:${++n}\r\n`);
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, commands, port: (server.address() as AddressInfo).port })));
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe("percentage's call counter", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('sends one INCR per call on one connection', async () => {
    const redis = await fakeRedis();
    server = redis.server;
    const counter = new CallCounter({ host: '127.0.0.1', port: redis.port }, createLogger('percentage', 'silent'));
    for (let i = 0; i < 3; i++) counter.increment();
    await until(() => redis.commands.length === 3);
    counter.close();
    expect(redis.commands).toEqual([`INCR ${CALLS_KEY}`, `INCR ${CALLS_KEY}`, `INCR ${CALLS_KEY}`]);
  });

  it('never throws when Redis is not there: the calculation goes on', async () => {
    const redis = await fakeRedis();
    const port = redis.port;
    await new Promise((r) => redis.server.close(r));
    const counter = new CallCounter({ host: '127.0.0.1', port }, createLogger('percentage', 'silent'));
    expect(() => counter.increment()).not.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(() => counter.increment()).not.toThrow();
    counter.close();
  });
});
