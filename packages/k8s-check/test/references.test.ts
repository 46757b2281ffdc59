// What an annotation names, kustomize does not rename: a Deployment's Dapr annotations must name
// objects that exist under those names in the same overlay, or its daprd never starts on kind
// (the injector puts the app token Secret in a secretKeyRef; daprd exits on a missing Configuration).
import { describe, expect, it } from 'vitest';
import { KUSTOMIZE, OVERLAYS, parseObjects, render, type Untyped } from '../src/index.js';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const namesOf = (objects: Untyped[], kind: string) => new Set(objects.filter((o) => o.kind === kind).map((o) => o.metadata?.name as string));

describe.each(OVERLAYS)('%s: what its Dapr annotations name exists', (overlay) => {
  const objects = parseObjects(render(KUSTOMIZE, `${ROOT}${overlay}`));
  const annotated = (key: string) =>
    objects.filter((o) => o.kind === 'Deployment' && o.spec?.template?.metadata?.annotations?.[key]).map((o) => [o.metadata?.name, o.spec.template.metadata.annotations[key]]);

  // How many of each an overlay carries: a loop over none would check nothing and pass.
  const daprOverlay = overlay.startsWith('k8s-dapr');

  it('every dapr.io/app-token-secret is a Secret of the overlay', () => {
    const secrets = namesOf(objects, 'Secret');
    const named = annotated('dapr.io/app-token-secret');
    expect(named.length, 'Deployments naming an app token Secret').toBe(daprOverlay ? 1 : 0);
    for (const [deployment, secret] of named) expect(secrets.has(secret), `${deployment} names Secret ${secret}`).toBe(true);
  });

  it('every dapr.io/config is a Configuration of the overlay', () => {
    const configurations = namesOf(objects, 'Configuration');
    const named = annotated('dapr.io/config');
    // k8s-dapr: multiplication and its two copies, and percentage; with-linkerd keeps only multiplication-acl's.
    expect(named.length, 'Deployments naming a Configuration').toBe(!daprOverlay ? 0 : overlay.endsWith('with-linkerd') ? 1 : 4);
    for (const [deployment, config] of named) expect(configurations.has(config), `${deployment} names Configuration ${config}`).toBe(true);
  });
});
