import { DEFAULT_PORT, OPERATION_SERVICES, urlVariableOf, type OperationService } from '@calc/core';
import { entryOf, launch, type Launched, type LaunchOptions } from './process.js';

export interface MeshSetOptions {
  /** Interface every service listens on. */
  host?: string;
  /** Port per service; 0 picks a free one. Default: 0 for all. */
  ports?: Partial<Record<OperationService, number>>;
  /** Extra environment for every process (e.g. PERCENTAGE_FAULT_RATE, LOG_LEVEL). */
  env?: NodeJS.ProcessEnv;
  /** Every line a service prints, for logs. */
  onServiceLine?: (service: OperationService, line: string) => void;
}

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
  const stop = async () => {
    const codes = await Promise.all([...services.values()].map(async (s) => [s.name, await s.stop()] as const));
    return new Map(codes);
  };
  const start = async (service: OperationService, env: NodeJS.ProcessEnv) => {
    const launchOptions: LaunchOptions = {
      name: service,
      command: [entryOf(service, 'mesh')],
      env: { ...process.env, ...options.env, ...env, HOST: host, PORT: String(options.ports?.[service] ?? 0) },
      waitForListening: true,
    };
    if (options.onServiceLine) launchOptions.onLine = (line) => options.onServiceLine?.(service, line);
    services.set(service, await launch(launchOptions));
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
