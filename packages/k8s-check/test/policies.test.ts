// The kind manifests' policies are the matrix's (ALLOWED_CALLERS): the Dapr Configurations' access
// lists and the Linkerd Servers' authorizations name the same callers as the local lab enforces.
import { fileURLToPath } from 'node:url';
import { ALLOWED_CALLERS } from '@calc/probe-matrix';
import { describe, expect, it } from 'vitest';
import { KUSTOMIZE, parseObjects, render, type Untyped } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const objectsOf = (overlay: string) => parseObjects(render(KUSTOMIZE, `${ROOT}${overlay}`));
const sorted = (names: readonly string[]) => [...names].sort();

/** The ServiceAccounts each Server of `app` authorizes (AuthorizationPolicy → MeshTLSAuthentication). */
function meshCallers(all: Untyped[], app: string): Array<{ server: string; protocol: string; callers: string[] }> {
  return all
    .filter((o) => o.kind === 'Server' && o.spec.podSelector.matchLabels.app === app)
    .map((server) => {
      const policy = all.find((o) => o.kind === 'AuthorizationPolicy' && o.spec.targetRef.name === server.metadata.name);
      const auth = all.find((o) => o.kind === 'MeshTLSAuthentication' && o.metadata.name === policy?.spec.requiredAuthenticationRefs[0].name);
      return { server: server.metadata.name, protocol: server.spec.proxyProtocol, callers: sorted((auth?.spec.identityRefs ?? []).map((r: { name: string }) => r.name)) };
    });
}

describe("the kind manifests' policies are the probe matrix's", () => {
  it('k8s-dapr: multiplication and percentage each have an access list of exactly their allowed callers', () => {
    const all = objectsOf('k8s-dapr');
    for (const service of ['multiplication', 'percentage'] as const) {
      const configuration = all.find((o) => o.kind === 'Configuration' && o.metadata.name === service);
      expect(configuration?.spec.accessControl.defaultAction, service).toBe('deny');
      expect(sorted(configuration!.spec.accessControl.policies.map((p: { appId: string }) => p.appId)), service).toEqual(sorted(ALLOWED_CALLERS[service]));
    }
  });

  it.each(['k8s-linkerd', 'k8s-dapr/overlays/with-linkerd'])('%s: every Server of multiplication, percentage and Redis authorizes exactly their allowed callers', (overlay) => {
    const all = objectsOf(overlay);
    for (const app of Object.keys(ALLOWED_CALLERS) as (keyof typeof ALLOWED_CALLERS)[]) {
      const servers = meshCallers(all, app);
      expect(servers.length, app).toBeGreaterThan(0);
      for (const s of servers) expect(s.callers, s.server).toEqual(sorted(ALLOWED_CALLERS[app]));
    }
    // Redis's port is opaque TCP: Linkerd authorizes the connection, not requests.
    expect(meshCallers(all, 'redis').map((s) => s.protocol)).toEqual(['opaque']);
  });
});
