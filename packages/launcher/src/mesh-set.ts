import { DEFAULT_PORT, OPERATION_SERVICES, urlVariableOf, type OperationService } from '@calc/core';
import { launch, serviceCommand, type Launched, type LaunchOptions } from './process.js';

export interface MeshSetOptions {
  /** Interface every service listens on. */
  host?: string;
  /** Port per service; 0 picks a free one. Default: 0 for all. */
  ports?: Partial<Record<OperationService, number>>;
  /** Extra environment for every process (e.g. PERCENTAGE_FAULT_RATE, LOG_LEVEL). */
  env?: NodeJS.ProcessEnv;
  /** Every line a service prints, for logs. */
  onServiceLine?: (service: OperationService, line: string) => void;
  /**
   * Given: a service that exits unexpectedly is started again on its port, as a kubelet restarts a
   * container, after RESTART_DELAY_MS (doubling while restarts fail, up to 10 s); each event reported.
   */
  onRestart?: (event: RestartEvent) => void;
}

export type RestartEvent =
  | { kind: 'exited'; service: OperationService; pid: number | undefined; code: number | string; delayMs: number }
  | { kind: 'restarted'; service: OperationService; pid: number | undefined }
  | { kind: 'failed'; service: OperationService; message: string; delayMs: number };

const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 10_000;

export interface MeshSet {
  services: Map<OperationService, Launched>;
  /** `<SERVICE>_URL` for every operation service: what the mesh-agnostic set reads. */
  urls: Record<string, string>;
  urlOf(service: OperationService): string;
  /** Stops every process (SIGTERM) and resolves with their exit codes. */
  stop(): Promise<Map<string, number | string>>;
}

/** Starts the five operation services of the mesh-agnostic set as real processes, each wired by URL. */
export async function startMeshSet(options: MeshSetOptions = {}): Promise<MeshSet> {
  const host = options.host ?? '127.0.0.1';
  const services = new Map<OperationService, Launched>();
  let stopping = false;
  const stop = async () => {
    stopping = true;
    const codes = await Promise.all([...services.values()].map(async (s) => [s.name, await s.stop()] as const));
    return new Map(codes);
  };
  const start = async (service: OperationService, env: NodeJS.ProcessEnv) => {
    const launchOptions: LaunchOptions = {
      name: service,
      command: serviceCommand(service, 'agnostic'),
      env: { ...process.env, ...options.env, ...env, HOST: host, PORT: String(options.ports?.[service] ?? 0) },
      waitForListening: true,
    };
    if (options.onServiceLine) launchOptions.onLine = (line) => options.onServiceLine?.(service, line);
    const launched = await launch(launchOptions);
    services.set(service, launched);
    if (options.onRestart) void superviseOne(service, launched, launchOptions, options.onRestart);
  };
  // Restarts on the port it had, so the URLs already handed to percentage and MathFanBoy stay right.
  const superviseOne = async (service: OperationService, launched: Launched, launchOptions: LaunchOptions, report: (e: RestartEvent) => void) => {
    const code = await launched.exited;
    let delayMs = RESTART_DELAY_MS;
    if (stopping) return;
    report({ kind: 'exited', service, pid: launched.child.pid, code, delayMs });
    const again = { ...launchOptions, env: { ...launchOptions.env, PORT: String(launched.port) } };
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (stopping) return;
      try {
        const restarted = await launch(again);
        if (stopping) return void (await restarted.stop());
        services.set(service, restarted);
        report({ kind: 'restarted', service, pid: restarted.child.pid });
        return void superviseOne(service, restarted, again, report);
      } catch (error) {
        delayMs = Math.min(delayMs * 2, MAX_RESTART_DELAY_MS);
        report({ kind: 'failed', service, message: (error as Error).message, delayMs });
      }
    }
  };

  try {
    const leaves = OPERATION_SERVICES.filter((s) => s !== 'percentage');
    // allSettled, not all: a failure must not leave a sibling starting unseen, and so unstopped.
    const started = await Promise.allSettled(leaves.map((s) => start(s, {})));
    const failure = started.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    const urls: Record<string, string> = {};
    const urlOf = (service: OperationService) => `http://${host}:${services.get(service)?.port ?? DEFAULT_PORT[service]}`;
    for (const service of leaves) urls[urlVariableOf(service)] = urlOf(service);
    await start('percentage', urls);
    urls[urlVariableOf('percentage')] = urlOf('percentage');
    return { services, urls, urlOf, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
