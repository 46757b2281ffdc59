// The load generator: open loop at a constant rate, latency measured from each request's INTENDED
// send time (so a slow server cannot slow the schedule and hide its own delay: no coordinated
// omission), recorded in microseconds in an HdrHistogram. Run as its own process:
//   node loadgen.js '{"url":"http://10.0.0.2/multiply","rate":1000,"durationS":5,"warmupS":1,"connections":16}'
// and it prints one JSON LoadResult. It also records its own send lag (actual − intended send time).
// The entry point is loadgen-main.js (bundled with its histogram for pods: dist/loadgen.bundle.js).
import { Agent, request } from 'node:http';
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
export function newAgent(connections: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections, scheduling: 'fifo' });
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

/**
 * `loadgen-main.js --serve`: a generator that stays up in its client pod and runs slice after slice
 * as the benchmark asks (one JSON line in, one LoadResult line out), keeping its connections open
 * between slices, so short slices of every scenario can be interleaved without a process start
 * or a new connection in each.
 */
async function serve(): Promise<void> {
  const agents = new Map<string, Agent>();
  const agentFor = (url: string, connections: number) => {
    const key = `${url} ${connections}`;
    if (!agents.has(key)) agents.set(key, newAgent(connections));
    return agents.get(key)!;
  };
  let buffered = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    buffered += chunk as string;
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const slice = JSON.parse(line) as Slice;
      const result = slice.kind === 'sequential' ? await runSequential(slice, agentFor(slice.url, 1)) : await runLoad(slice, undefined, agentFor(slice.url, slice.connections));
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  }
  for (const agent of agents.values()) agent.destroy();
}

/** `node loadgen-main.js SPEC` (or `node -e "$BUNDLE" SPEC`): one run, its result printed; `--serve`: slices from stdin. */
export async function main(): Promise<void> {
  if (process.argv.includes('--serve')) return serve();
  let spec: LoadSpec;
  try {
    spec = JSON.parse(process.argv.at(-1) ?? '') as LoadSpec;
    if (!(spec.rate > 0) || !(spec.durationS > 0) || !spec.url) throw new Error('url, rate > 0 and durationS > 0 are required');
  } catch (error) {
    process.stderr.write(`loadgen: expected one JSON argument {"url","rate","durationS","warmupS","connections"}, or --serve: ${(error as Error).message}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(await runLoad(spec))}\n`);
}
