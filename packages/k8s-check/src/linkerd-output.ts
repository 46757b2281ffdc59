// What Linkerd's own code made of the project's manifests (../shared/linkerd/<version>/, made by
// Linkerd's CLI: `linkerd install --crds`, `linkerd install`, `linkerd inject --manual`; its README
// says how). Read in place, never copied: a user's clone has no ../shared, and the tests that need it
// say so and are skipped there (CI fails instead).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PINNED, REPO_ROOT } from '@calc/probe-matrix';
import { parseObjects, type Untyped } from './render.js';

/** Where the files are: ../shared/linkerd/<pinned version>/, beside the checkout (a test may point LINKERD_OUTPUT_DIR elsewhere). */
export const LINKERD_OUTPUT_DIR = process.env.LINKERD_OUTPUT_DIR ?? join(REPO_ROOT, '..', 'shared', 'linkerd', PINNED.linkerd);

/** The overlays Linkerd's injector was run on, by the file name they are keyed by in injected/ and input/. */
export const INJECTED_OVERLAYS = ['k8s-linkerd', 'k8s-linkerd/overlays/no-policy', 'k8s-linkerd/overlays/server-authorization', 'k8s-dapr/overlays/with-linkerd'] as const;
export type InjectedOverlay = (typeof INJECTED_OVERLAYS)[number];
const fileOf = (overlay: string) => `${overlay.replaceAll('/', '-')}.yaml`;

/** The one line a test prints when ../shared is absent, and the reason it fails instead under CI. */
export const NO_LINKERD_OUTPUT = `Linkerd's own output is not at ${LINKERD_OUTPUT_DIR} (a clone without ../shared): the tests that compare with it are skipped`;

export const hasLinkerdOutput = () => existsSync(join(LINKERD_OUTPUT_DIR, 'crds.yaml'));

const read = (file: string) => readFileSync(join(LINKERD_OUTPUT_DIR, file), 'utf8');

/** Linkerd's CRDs (`linkerd install --crds`). */
export const linkerdCrdsFile = () => join(LINKERD_OUTPUT_DIR, 'crds.yaml');
/** Linkerd's control plane with default values (`linkerd install`). */
export const linkerdControlPlane = (): Untyped[] => parseObjects(read('control-plane.yaml'));
/** An overlay after Linkerd's injector (`injected/`), and what Linkerd was given (`input/`). */
export const linkerdInjected = (overlay: InjectedOverlay): Untyped[] => parseObjects(read(join('injected', fileOf(overlay))));
export const linkerdInput = (overlay: InjectedOverlay): Untyped[] => parseObjects(read(join('input', fileOf(overlay))));

/** Every image a set of objects runs (containers and init containers of every pod template). */
export function imagesOf(objects: readonly Untyped[]): string[] {
  const images = objects.flatMap((o) => {
    const spec = podOf(o)?.spec;
    return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c: Untyped) => c.image as string);
  });
  return [...new Set(images)].sort();
}

/** The pod a workload object makes: a Pod itself, or the template of a Deployment, DaemonSet, Job… */
export function podOf(object: Untyped): Untyped | undefined {
  if (object.kind === 'Pod') return object;
  return object.spec?.template ?? object.spec?.jobTemplate?.spec?.template;
}

/** The pods of a set of objects, by workload name. */
export function podsByWorkload(objects: readonly Untyped[]): Map<string, Untyped> {
  return new Map(objects.filter((o) => podOf(o)).map((o) => [o.metadata.name as string, podOf(o)!]));
}

/** What Linkerd's injector added to one pod: compare the pod it was given with the pod it made. */
export interface LinkerdAdditions {
  initContainers: Untyped[];
  containers: Untyped[];
  volumes: Untyped[];
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

const added = <T extends { name: string }>(before: readonly T[] = [], after: readonly T[] = []) => after.filter((a) => !before.some((b) => b.name === a.name));
const addedKeys = (before: Record<string, string> = {}, after: Record<string, string> = {}) =>
  Object.fromEntries(Object.entries(after).filter(([key, value]) => before[key] !== value));

export function linkerdAdditions(input: Untyped, injected: Untyped): LinkerdAdditions {
  return {
    initContainers: added(input.spec.initContainers, injected.spec.initContainers),
    containers: added(input.spec.containers, injected.spec.containers),
    volumes: added(input.spec.volumes, injected.spec.volumes),
    annotations: addedKeys(input.metadata?.annotations, injected.metadata?.annotations),
    labels: addedKeys(input.metadata?.labels, injected.metadata?.labels),
  };
}

/** Linkerd's additions to each workload of an overlay (those it left alone have none). */
export function additionsByWorkload(overlay: InjectedOverlay): Map<string, LinkerdAdditions> {
  const input = podsByWorkload(linkerdInput(overlay));
  const out = new Map<string, LinkerdAdditions>();
  for (const [name, pod] of podsByWorkload(linkerdInjected(overlay))) {
    const before = input.get(name);
    if (before) out.set(name, linkerdAdditions(before, pod));
  }
  return out;
}

/**
 * A pod as Linkerd's injector would leave it: today's pod with Linkerd's additions, its init
 * containers first (proxy-init, then the proxy as a native sidecar), as `GetPodPatch` puts them.
 */
export function withLinkerd(pod: Untyped, additions: LinkerdAdditions): Untyped {
  const spec = pod.spec;
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      annotations: { ...pod.metadata?.annotations, ...additions.annotations },
      labels: { ...pod.metadata?.labels, ...additions.labels },
    },
    spec: {
      ...spec,
      initContainers: [...additions.initContainers, ...(spec.initContainers ?? [])],
      containers: [...spec.containers, ...additions.containers],
      volumes: [...(spec.volumes ?? []), ...additions.volumes],
    },
  };
}

/**
 * Where today's rendering of an overlay differs from what Linkerd was given: one line per object
 * that is new, gone or changed (with the first paths that differ). Empty: the files are current.
 */
export function driftFrom(input: readonly Untyped[], today: readonly Untyped[]): string[] {
  const id = (o: Untyped) => `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
  const before = new Map(input.map((o) => [id(o), o]));
  const now = new Map(today.map((o) => [id(o), o]));
  const lines: string[] = [];
  for (const key of now.keys()) if (!before.has(key)) lines.push(`${key}: new`);
  for (const key of before.keys()) if (!now.has(key)) lines.push(`${key}: gone`);
  for (const [key, object] of now) {
    const old = before.get(key);
    if (!old) continue;
    const paths = differingPaths(old, object);
    if (paths.length > 0) lines.push(`${key}: ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}`);
  }
  return lines.sort();
}

function differingPaths(a: unknown, b: unknown, path = ''): string[] {
  if (a === b) return [];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return [path || '.'];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => differingPaths((a as Untyped)[k], (b as Untyped)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`));
}
