/**
 * What daprd 1.18.3 does with a pod spec, decided as its own code decides it. Dapr's injector shows
 * what daprd is started with; whether it then survives is daprd's business, encoded here as rules
 * on the injected pod, each citing the upstream source that decides it.
 */
import type { ContainerLike, PodSpecLike } from './injection.js';

const API_TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function daprdOf(spec: PodSpecLike): ContainerLike | undefined {
  return [...(spec.initContainers ?? []), ...spec.containers].find((c) => c.name === 'daprd');
}

/** daprd's command line: the injector puts the binary and every flag in `args`. */
export function daprdArgs(daprd: ContainerLike): string[] {
  return [...(daprd.command ?? []), ...(daprd.args ?? [])];
}

/** The value after a flag (`--flag value` or `--flag=value`), if the flag is there. */
export function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

export function hasFlag(args: string[], flag: string): boolean {
  return args.some((a) => a === flag || a === `${flag}=true`);
}

/**
 * Why daprd would exit at start-up with this pod spec; empty if it would not.
 * `configurations`: the Dapr Configurations that exist in the pod's namespace (unknown: not checked).
 */
export function daprdStartupProblems(spec: PodSpecLike, configurations?: readonly string[]): string[] {
  const daprd = daprdOf(spec);
  if (!daprd) return [];
  const args = daprdArgs(daprd);
  const problems: string[] = [];
  // In Kubernetes mode daprd preloads a built-in Kubernetes secret store unless told not to
  // (dapr pkg/runtime/runtime.go, appendBuiltinSecretStore). Its Init needs the pod's API token
  // (components-contrib common/authentication/kubernetes/client.go, GetKubeClient:
  // rest.InClusterConfig), and a component that fails to initialise stops daprd unless it sets
  // ignoreErrors, which this built-in one does not (dapr pkg/runtime/processor/components.go).
  const mountsToken = (daprd.volumeMounts ?? []).some((m) => m.mountPath === API_TOKEN_DIR);
  const apiServerMountsToken = spec.automountServiceAccountToken !== false;
  if (flagValue(args, '--mode') === 'kubernetes' && !hasFlag(args, '--disable-builtin-k8s-secret-store') && !mountsToken && !apiServerMountsToken) {
    problems.push(
      'the built-in Kubernetes secret store needs an API token the pod does not mount (automountServiceAccountToken: false): ' +
        'daprd exits at start (annotate dapr.io/disable-builtin-k8s-secret-store: "true")',
    );
  }
  // A --config that names no Configuration is an error loading it, and daprd exits
  // (dapr pkg/runtime/config.go: config.LoadKubernetesConfiguration, "error loading configuration").
  const config = flagValue(args, '--config');
  if (config !== undefined && configurations !== undefined && !configurations.includes(config)) {
    problems.push(`--config ${config} names no Configuration in the namespace: daprd exits at start`);
  }
  return problems;
}

export interface AccessControlLike {
  defaultAction?: string;
  policies?: Array<{ appId: string; defaultAction?: string }>;
}

/**
 * What a Dapr access-control list does when Dapr's mTLS is off: no client certificate, so no
 * caller identity, and only the global default applies to every caller (dapr pkg/acl/acl.go,
 * ApplyAccessControlPolicies: no SPIFFE ID → "applying default global policy action").
 */
export function aclWithoutMtls(acl: AccessControlLike): 'denies every call' | 'allows every call' {
  return acl.defaultAction === 'deny' ? 'denies every call' : 'allows every call';
}
