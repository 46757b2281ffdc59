import { Readable, Writable } from 'node:stream';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, Exec, KubeConfig, type V1Node, type V1Pod } from '@kubernetes/client-node';

/** The few cluster operations the e2e run needs, on the current kubeconfig context. */
export class Cluster {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly exec: Exec;
  private readonly custom: CustomObjectsApi;

  constructor(readonly config: KubeConfig = defaultConfig()) {
    this.core = config.makeApiClient(CoreV1Api);
    this.apps = config.makeApiClient(AppsV1Api);
    this.exec = new Exec(config);
    this.custom = config.makeApiClient(CustomObjectsApi);
  }

  /** Waits until the Deployment has all its replicas updated and available. */
  waitForRollout(namespace: string, name: string, timeoutMs = 180_000): Promise<void> {
    return waitFor(
      `deployment ${namespace}/${name}`,
      timeoutMs,
      () => this.apps.readNamespacedDeployment({ name, namespace }),
      (d) => {
        const wanted = d?.spec?.replicas ?? 1;
        const s = d?.status;
        const done = d !== undefined && (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && s?.updatedReplicas === wanted && s?.availableReplicas === wanted;
        return done || 'not rolled out';
      },
    );
  }

  /** Waits until a bare pod is Ready (its image pulled, its container started). */
  waitForPodReady(namespace: string, name: string, timeoutMs = 180_000): Promise<void> {
    return waitFor(
      `pod ${namespace}/${name}`,
      timeoutMs,
      () => this.core.readNamespacedPod({ name, namespace }),
      (pod) => {
        if (pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return true;
        const waiting = pod?.status?.containerStatuses
          ?.map((c) => c.state?.waiting?.reason)
          .filter(Boolean)
          .join(', ');
        return `not Ready${waiting ? ` (${waiting})` : ''}`;
      },
    );
  }

  /** The running pod with label app=<app>. */
  async podOf(namespace: string, app: string): Promise<V1Pod> {
    const list = await this.core.listNamespacedPod({ namespace, labelSelector: `app=${app}`, fieldSelector: 'status.phase=Running' });
    const pod = list.items.find((p) => !p.metadata?.deletionTimestamp);
    if (!pod?.status?.podIP) throw new Error(`no running pod with app=${app} in ${namespace}`);
    return pod;
  }

  /** The running pods of a namespace (RBAC: pods list). */
  async runningPods(namespace: string): Promise<V1Pod[]> {
    const list = await this.core.listNamespacedPod({ namespace, fieldSelector: 'status.phase=Running' });
    return list.items.filter((p) => !p.metadata?.deletionTimestamp);
  }

  /** Runs a command in a container (with `stdin` as its standard input, if given) and returns what it printed on stdout. */
  async run(namespace: string, pod: string, container: string, command: string[], timeoutMs = 30_000, stdin?: string): Promise<string> {
    let stdout = '';
    let stderr = '';
    const sink = (append: (s: string) => void) =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          append(chunk.toString());
          done();
        },
      });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`exec in ${namespace}/${pod} timed out`)), timeoutMs);
      void this.exec
        .exec(
          namespace,
          pod,
          container,
          command,
          sink((s) => (stdout += s)),
          sink((s) => (stderr += s)),
          stdin === undefined ? null : Readable.from([stdin]),
          false,
          (status) => {
            clearTimeout(timer);
            if (status.status === 'Success') resolve(stdout);
            else reject(new Error(`exec in ${namespace}/${pod} failed: ${status.message ?? ''} ${stderr}`.trim()));
          },
        )
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  }

  /** The container's log, each line prefixed with its RFC 3339 timestamp (as `kubectl logs --timestamps`). */
  async logs(namespace: string, pod: string, container: string, tailLines = 5000): Promise<string> {
    return this.core.readNamespacedPodLog({ name: pod, namespace, container, tailLines, timestamps: true });
  }

  /**
   * A sidecar's Prometheus metrics, read through the API server's pod proxy
   * (`GET /api/v1/namespaces/<ns>/pods/<pod>:<port>/proxy/metrics`, RBAC: pods/proxy get), so no
   * Linkerd CLI, viz or port-forward is needed: daprd's on 9090, the Linkerd proxy's on 4191.
   */
  async metrics(namespace: string, pod: string, port: number): Promise<string> {
    return this.core.connectGetNamespacedPodProxyWithPath({ name: `${pod}:${port}`, namespace, path: 'metrics' });
  }

  /** The cluster's nodes (RBAC: nodes list, cluster-wide). */
  async nodes(): Promise<V1Node[]> {
    return (await this.core.listNode()).items;
  }

  /** Names of the Dapr Configurations in a namespace (daprd exits if its --config names none of them). */
  async daprConfigurations(namespace: string): Promise<string[]> {
    const list = (await this.custom.listNamespacedCustomObject({ group: 'dapr.io', version: 'v1alpha1', namespace, plural: 'configurations' })) as {
      items?: Array<{ metadata?: { name?: string } }>;
    };
    return (list.items ?? []).map((c) => c.metadata?.name ?? '');
  }
}

/**
 * Reads an object every 2 s until `check` says true, or throws what it last said once the time is up.
 * Not there yet (404) is worth waiting for; anything else (no API server, no permission) is not.
 */
async function waitFor<T>(what: string, timeoutMs: number, read: () => Promise<T>, check: (object: T | undefined) => true | string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const object = await read().catch((error: unknown) => {
      if ((error as { code?: number }).code === 404) return undefined;
      throw new Error(`the API server could not be asked for ${what}: ${reasonOf(error)}`);
    });
    const verdict = check(object);
    if (verdict === true) return;
    if (Date.now() > deadline) throw new Error(`${what} ${verdict} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** What went wrong, in one line: the HTTP status and message, or the network error under a failed fetch. */
function reasonOf(error: unknown): string {
  const e = error as { code?: number; message?: string; cause?: { code?: string; message?: string } };
  if (typeof e.code === 'number') return `HTTP ${e.code} ${(e.message ?? '').split('\n')[0]}`;
  return [e.message, e.cause?.code ?? e.cause?.message].filter(Boolean).join(': ');
}

function defaultConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
  return config;
}
