import type { Untyped } from './render.js';
import { gvkOf, type SchemaSet } from './schemas.js';

export interface Problem {
  /** Where the object came from: an overlay directory or a file. */
  source: string;
  object: string;
  path: string;
  message: string;
}

type K8sObject = Untyped;

const describe = (o: K8sObject) => `${o.kind ?? '?'}/${o.metadata?.name ?? '?'}`;

/** Schema problems: unknown kinds, unknown fields, wrong types, missing required fields. */
export function schemaProblems(schemas: SchemaSet, source: string, objects: K8sObject[], uncheckedGroups: readonly string[] = []): Problem[] {
  const problems: Problem[] = [];
  for (const object of objects) {
    const gvk = gvkOf(object);
    if (!gvk) {
      problems.push({ source, object: describe(object), path: '', message: 'apiVersion and kind are required' });
      continue;
    }
    // A project whose CRDs are not at hand: its kinds are left out, and the CLI says so.
    if (uncheckedGroups.some((group) => gvk.group === group || gvk.group.endsWith(`.${group}`))) continue;
    const validate = schemas.validatorFor(gvk);
    if (!validate) {
      problems.push({
        source,
        object: describe(object),
        path: '',
        message: `no schema for ${object.apiVersion} ${object.kind} (not served by the pinned Kubernetes, nor by a known CRD)`,
      });
      continue;
    }
    if (!validate(object)) {
      for (const error of validate.errors ?? []) {
        const extra = error.keyword === 'additionalProperties' ? ` (${(error.params as { additionalProperty: string }).additionalProperty})` : '';
        problems.push({ source, object: describe(object), path: error.instancePath || '/', message: `${error.message}${extra}` });
      }
    }
  }
  return problems;
}

/**
 * The project's own rules for workloads: non-root, read-only root filesystem, no privilege
 * escalation, requests and limits, probes on anything that listens, pinned images, the app label.
 */
export function conventionProblems(source: string, objects: K8sObject[]): Problem[] {
  const problems: Problem[] = [];
  for (const object of objects) {
    const templated = object.kind === 'Deployment' || object.kind === 'Job';
    const pod = object.kind === 'Pod' ? object.spec : templated ? object.spec?.template?.spec : undefined;
    if (!pod) continue;
    const where = describe(object);
    const add = (path: string, message: string) => problems.push({ source, object: where, path, message });
    const labels = templated ? object.spec?.template?.metadata?.labels : object.metadata?.labels;
    if (!labels?.app) add('/metadata/labels', 'every workload carries an app label');
    if (pod.securityContext?.runAsNonRoot !== true) add('/spec/securityContext/runAsNonRoot', 'must run as non-root');
    for (const [i, c] of (pod.containers ?? []).entries()) {
      const at = `/containers/${i}`;
      if (typeof c.image !== 'string' || !/:[\w.-]+(@sha256:[a-f0-9]{64})?$/.test(c.image) || /:latest$/.test(c.image))
        add(`${at}/image`, `image must be pinned to a tag, not latest: ${c.image}`);
      if (c.securityContext?.readOnlyRootFilesystem !== true) add(`${at}/securityContext`, 'readOnlyRootFilesystem must be true');
      if (c.securityContext?.allowPrivilegeEscalation !== false) add(`${at}/securityContext`, 'allowPrivilegeEscalation must be false');
      if (!c.resources?.requests || !c.resources?.limits) add(`${at}/resources`, 'requests and limits are required');
      if ((c.ports ?? []).length > 0 && (!c.readinessProbe || !c.livenessProbe)) add(at, 'a container that listens needs readiness and liveness probes');
      if (c.imagePullPolicy !== 'IfNotPresent') add(`${at}/imagePullPolicy`, 'IfNotPresent, so images loaded into kind are used');
    }
  }
  return problems;
}
