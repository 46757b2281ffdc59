import type { ServiceSet } from '@calc/core';
import { LINKERD } from './linkerd.js';
import type { Mesh } from './mesh.js';

/** A variant's name, as probes, pods and findings are keyed by ("dapr", "mesh", "dapr-mesh"). */
export type Variant = string;

/**
 * A deployment of the calculator, as data: what runs in its pods, and where. Everything that differs
 * between variants (the lab's bring-up, the tables, the e2e's checks, the report) reads these traits;
 * nothing compares a variant's name. A fourth variant is one more record, its matrix rows and its manifests.
 */
export interface VariantRecord {
  name: Variant;
  /** As a reader names it. */
  title: string;
  /** Its Kubernetes namespace (the manifests' own), which the local lab names its pods after too. */
  namespace: string;
  /** The services it runs: the Dapr-aware set wherever Dapr is in the pods. */
  serviceSet: ServiceSet;
  /** Dapr in its pods, and whether Dapr's own mTLS (Sentry's certificates) is on. */
  dapr?: { mtls: boolean };
  /** The mesh its pods are in. */
  mesh?: Mesh;
}

// biome-ignore format: one variant per line
export const VARIANTS: readonly VariantRecord[] = [
  { name: 'dapr', title: 'Dapr', namespace: 'dapr-calculator', serviceSet: 'dapr', dapr: { mtls: true } },
  { name: 'mesh', title: 'Mesh', namespace: 'rest-calculator', serviceSet: 'agnostic', mesh: LINKERD },
  // As the article recommends when both are needed: Dapr's mTLS off, the mesh doing mTLS and authorization.
  { name: 'dapr-mesh', title: 'Dapr + mesh', namespace: 'dapr-calculator', serviceSet: 'dapr', dapr: { mtls: false }, mesh: LINKERD },
];

/** What findings.json keeps of a variant, for whoever reads it later (report.html): its traits, the mesh by name. */
export interface VariantSummary {
  name: Variant;
  title: string;
  namespace: string;
  dapr?: { mtls: boolean };
  mesh?: { name: string; version: string };
}

export function summaryOf({ name, title, namespace, dapr, mesh }: VariantRecord): VariantSummary {
  return { name, title, namespace, ...(dapr ? { dapr } : {}), ...(mesh ? { mesh: { name: mesh.name, version: mesh.version } } : {}) };
}

export const VARIANT_NAMES: readonly Variant[] = VARIANTS.map((v) => v.name);

export function variantOf(name: Variant, records: readonly VariantRecord[] = VARIANTS): VariantRecord {
  const record = records.find((v) => v.name === name);
  if (!record) throw new Error(`no variant named ${name}: one of ${records.map((v) => v.name).join(', ')}`);
  return record;
}

/** The workload every variant runs with no sidecar at all: the caller from outside. */
export const INTRUDER = 'intruder';
/** The TCP server: meshed where its namespace is, but Dapr has no sidecar for a TCP server. */
export const REDIS = 'redis';

/** The sidecars a workload's pod carries in a variant. */
export function sidecarsOf(variant: Pick<VariantRecord | VariantSummary, 'dapr' | 'mesh'>, workload: string): { dapr: boolean; mesh: boolean } {
  return { dapr: variant.dapr !== undefined && workload !== REDIS && workload !== INTRUDER, mesh: variant.mesh !== undefined && workload !== INTRUDER };
}

/** The sidecar whose inbound counters a platform reads for a service: daprd where Dapr is (the mesh's own view of Dapr's traffic is apart), else the mesh's proxy. */
export function countingSidecarOf(variant: VariantRecord): 'daprd' | 'mesh' {
  return variant.dapr ? 'daprd' : 'mesh';
}
