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

  it('every dapr.io/app-token-secret is a Secret of the overlay', () => {
    const secrets = namesOf(objects, 'Secret');
    for (const [deployment, secret] of annotated('dapr.io/app-token-secret')) expect(secrets.has(secret), `${deployment} names Secret ${secret}`).toBe(true);
  });

  it('every dapr.io/config is a Configuration of the overlay', () => {
    const configurations = namesOf(objects, 'Configuration');
    for (const [deployment, config] of annotated('dapr.io/config')) expect(configurations.has(config), `${deployment} names Configuration ${config}`).toBe(true);
  });
});
