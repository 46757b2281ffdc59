// The load generator: open loop at a constant rate, latency measured from each request's INTENDED
// send time (so a slow server cannot slow the schedule and hide its own delay: no coordinated
// omission), recorded in microseconds in an HdrHistogram. It also records its own send lag (actual −
// intended send time). It runs as its own process beside the benchmark (loadgen-main.js): in a local
// client pod fed slices on stdin, in a cluster's client pod in its own container, fed over HTTP.
import { Agent, createServer, request, type ServerResponse } from 'node:http';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import * as hdr from 'hdr-histogram-js';

export interface LoadSpec {
  url: string;
  rate: number;
  durationS: number;
  warmupS: number;
  connections: number;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Percentiles in µs. */
export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  spec: LoadSpec;
  /** Requests in the measured window (after warm-up). */
  requests: number;
  completed: number;
  errors: number;
  statuses: Record<string, number>;
  /** Completed measured requests per second of measured wall time. */
  achievedRate: number;
  latencyUs: Summary;
  /** Latency from the ACTUAL send, as closed-loop tools measure it: kept in bench.json to show what that hides. */
  serviceUs: Summary;
  sendLagUs: Summary;
  /** Latency percentiles for a chart: [percentile, µs]. */
  distribution: Array<[number, number]>;
}

const CHART_PERCENTILES = [50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

export function summarize(h: hdr.Histogram): Summary {
  return {
    count: h.totalCount,
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: Math.round(h.maxValue),
    mean: Math.round(h.mean),
  };
}

/** For a load of varied requests (the soak): what each request is, and what each answer said. */
export interface PerRequest {
  /** Request i's URL and JSON body, instead of spec.url and spec.body. */
  pick(i: number): { url: string; body: string };
  /** Every measured answer, with its body (an error body tells its code). */
  onAnswer?(i: number, status: number | undefined, body: string): void;
}

/** Keep-alive connections, used in turn; fifo: every connection takes its turn, as fortio's -c connections do (Node's default, lifo, keeps a few hot). */
/**
 * Each host name resolved once, for the generator's life: a cluster's DNS lookups (two queries on one
 * UDP socket, the conntrack race that loses one for 5 s) would otherwise stall new connections mid-slice.
 */
const resolved = new Map<string, Promise<LookupAddress[]>>();
function lookupOnce(host: string, options: LookupOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void {
  let addresses = resolved.get(host);
  if (!addresses) {
    addresses = lookup(host, { all: true });
    resolved.set(host, addresses);
    addresses.catch(() => resolved.delete(host));
  }
  addresses.then(
    (all) => (options.all ? callback(null, all) : callback(null, all[0]!.address, all[0]!.family)),
    (error: Error) => callback(error, ''),
  );
}

export function newAgent(connections: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections, scheduling: 'fifo', lookup: lookupOnce as never });
}

/** An open-loop run. With `shared`, its connections are reused (and kept open) from one run to the next. */
export function runLoad(spec: LoadSpec, perRequest?: PerRequest, shared?: Agent): Promise<LoadResult> {
  const agent = shared ?? newAgent(spec.connections);
  const latency = newHistogram();
  const service = newHistogram();
  const lag = newHistogram();
  const statuses: Record<string, number> = {};
  const intervalNs = 1e9 / spec.rate;
  const warmup = Math.round(spec.rate * spec.warmupS);
  const total = warmup + Math.round(spec.rate * spec.durationS);
  const body = spec.body ?? '';
  const headers = { ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...spec.headers };
  const start = process.hrtime.bigint() + 2_000_000n;
  const intendedAt = (i: number) => start + BigInt(Math.round(i * intervalNs));
  let next = 0;
  let completed = 0;
  let measuredCompleted = 0;
  let errors = 0;
  let lastEnd = start;

  return new Promise((resolve) => {
    const finish = () => {
      if (!shared) agent.destroy();
      const measuredNs = Number(lastEnd - intendedAt(warmup));
      resolve({
        spec,
        requests: total - warmup,
        completed: measuredCompleted,
        errors,
        statuses,
        achievedRate: measuredNs > 0 ? (measuredCompleted * 1e9) / measuredNs : 0,
        latencyUs: summarize(latency),
        serviceUs: summarize(service),
        sendLagUs: summarize(lag),
        distribution: CHART_PERCENTILES.map((p) => [p, Math.round(p === 100 ? latency.maxValue : latency.getValueAtPercentile(p))]),
      });
    };
    const done = (i: number, intended: bigint, sent: bigint, status: number | undefined, answer = '') => {
      const end = process.hrtime.bigint();
      completed += 1;
      if (i >= warmup) {
        perRequest?.onAnswer?.(i, status, answer);
        measuredCompleted += 1;
        lastEnd = end > lastEnd ? end : lastEnd;
        latency.recordValue(Math.max(1, Number(end - intended) / 1000));
        service.recordValue(Math.max(1, Number(end - sent) / 1000));
        const key = status === undefined ? 'error' : String(status);
        statuses[key] = (statuses[key] ?? 0) + 1;
        if (status !== 200) errors += 1;
      }
      if (completed === total) finish();
    };
    const send = (i: number, intended: bigint) => {
      // "Actually sent" is when a connection takes the request (the agent may queue it first).
      let sent = process.hrtime.bigint();
      const picked = perRequest?.pick(i);
      const requestHeaders = picked ? { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(picked.body)) } : headers;
      const req = request(picked?.url ?? spec.url, { method: spec.method ?? 'POST', agent, headers: requestHeaders, timeout: spec.timeoutMs ?? 10_000 }, (res) => {
        let answer = '';
        res.on('data', (chunk: Buffer) => {
          if (perRequest?.onAnswer && res.statusCode !== 200) answer += chunk.toString();
        });
        res.on('end', () => done(i, intended, sent, res.statusCode, answer));
      });
      req.on('socket', () => (sent = process.hrtime.bigint()));
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => done(i, intended, sent, undefined));
      req.end(picked?.body ?? body);
    };
    // Sends whatever is due, then sleeps until the next one: a timer when it is far, else the next
    // turn of the event loop (timers are millisecond-coarse; the schedule needs microseconds).
    const pump = () => {
      const now = process.hrtime.bigint();
      while (next < total && intendedAt(next) <= now) {
        const intended = intendedAt(next);
        if (next >= warmup) lag.recordValue(Math.max(1, Number(process.hrtime.bigint() - intended) / 1000));
        send(next, intended);
        next += 1;
      }
      if (next >= total) return;
      const waitNs = Number(intendedAt(next) - process.hrtime.bigint());
      if (waitNs > 2_000_000) setTimeout(pump, (waitNs - 1_000_000) / 1e6);
      else setImmediate(pump);
    };
    setImmediate(pump);
  });
}

/**
 * One connection, one request at a time (closed loop), `count` requests: what each request costs
 * when nothing queues. Its latency is from the actual send; there is no schedule to lag behind.
 */
export interface SequentialSpec {
  url: string;
  count: number;
  body?: string;
  method?: string;
  timeoutMs?: number;
}

export async function runSequential(spec: SequentialSpec, agent: Agent = newAgent(1)): Promise<LoadResult> {
  const latency = newHistogram();
  const statuses: Record<string, number> = {};
  const body = spec.body ?? '';
  const headers = body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {};
  let errors = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < spec.count; i++) {
    const sent = process.hrtime.bigint();
    const status = await new Promise<number | undefined>((resolve) => {
      const req = request(spec.url, { method: spec.method ?? 'POST', agent, headers, timeout: spec.timeoutMs ?? 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(undefined));
      req.end(body);
    });
    latency.recordValue(Math.max(1, Number(process.hrtime.bigint() - sent) / 1000));
    const key = status === undefined ? 'error' : String(status);
    statuses[key] = (statuses[key] ?? 0) + 1;
    if (status !== 200) errors += 1;
  }
  const wallNs = Number(process.hrtime.bigint() - started);
  const summary = summarize(latency);
  const none = summarize(newHistogram());
  return {
    spec: { url: spec.url, rate: 0, durationS: wallNs / 1e9, warmupS: 0, connections: 1, ...(spec.body ? { body: spec.body } : {}) },
    requests: spec.count,
    completed: spec.count,
    errors,
    statuses,
    achievedRate: (spec.count * 1e9) / wallNs,
    latencyUs: summary,
    serviceUs: summary,
    sendLagUs: none,
    distribution: CHART_PERCENTILES.map((p) => [p, Math.round(p === 100 ? latency.maxValue : latency.getValueAtPercentile(p))]),
  };
}

/** What `--serve` reads, one JSON object a line: an open-loop slice or a sequential one. */
export type Slice = ({ kind: 'open' } & LoadSpec) | ({ kind: 'sequential' } & SequentialSpec);

/** One keep-alive agent per URL and connection count, kept across slices. */
function agentsForSlices(): (slice: Slice) => Promise<LoadResult> {
  const agents = new Map<string, Agent>();
  const agentFor = (url: string, connections: number) => {
    const key = `${url} ${connections}`;
    if (!agents.has(key)) agents.set(key, newAgent(connections));
    return agents.get(key)!;
  };
  return (slice) => (slice.kind === 'sequential' ? runSequential(slice, agentFor(slice.url, 1)) : runLoad(slice, undefined, agentFor(slice.url, slice.connections)));
}

/**
 * `loadgen-main.js --serve`: a generator that stays up in its client pod and runs slice after slice
 * as the benchmark asks (one JSON line in, one LoadResult line out), keeping its connections open
 * between slices, so short slices of every scenario can be interleaved without a process start
 * or a new connection in each.
 */
async function serve(): Promise<void> {
  const runSlice = agentsForSlices();
  let buffered = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    buffered += chunk as string;
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      process.stdout.write(`${JSON.stringify(await runSlice(JSON.parse(line) as Slice))}\n`);
    }
  }
}

/** What a listening generator answers on GET /cpu: its own CPU time so far. */
export interface GeneratorCpu {
  cpuMs: number;
}

/**
 * `loadgen-main.js --listen PORT`: the same generator in its own container of a cluster's client
 * pod, driven over HTTP by the benchmark Job: POST /slice (a Slice) answers its LoadResult, GET /cpu
 * its own CPU time. Its target is its own (LOADGEN_TARGET, from its manifest): the Job chooses the
 * slices' shape, never where they go. One slice at a time: a second is refused (409).
 */
function listen(port: number, target: string): void {
  const runSlice = agentsForSlices();
  let busy = false;
  const answer = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/cpu') {
      const { user, system } = process.cpuUsage();
      return answer(res, 200, { cpuMs: (user + system) / 1000 } satisfies GeneratorCpu);
    }
    if (req.method !== 'POST' || req.url !== '/slice') return answer(res, 404, { error: 'POST /slice or GET /cpu' });
    if (busy) return answer(res, 409, { error: 'a slice is running' });
    busy = true;
    try {
      let text = '';
      for await (const chunk of req) text += chunk;
      answer(res, 200, await runSlice({ ...(JSON.parse(text) as Slice), url: target }));
    } catch (error) {
      answer(res, 400, { error: (error as Error).message });
    } finally {
      busy = false;
    }
  });
  server.listen(port, '0.0.0.0', () => process.stdout.write(`loadgen: listening on :${(server.address() as AddressInfo).port}, target ${target}\n`));
}

/** `node loadgen-main.js --serve`: slices from stdin; `--listen PORT`: slices over HTTP, to LOADGEN_TARGET. */
export function main(): Promise<void> | void {
  if (process.argv.includes('--serve')) return serve();
  const port = Number(process.argv[process.argv.indexOf('--listen') + 1]);
  const target = process.env.LOADGEN_TARGET ?? '';
  if (process.argv.includes('--listen') && Number.isInteger(port) && port >= 0 && URL.canParse(target)) return listen(port, target);
  process.stderr.write('usage: loadgen-main.js --serve | --listen PORT (with LOADGEN_TARGET=<url>)\n');
  process.exit(2);
}
