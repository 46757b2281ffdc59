import type { Untyped } from './render.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

type Schema = Untyped;

/** Kubernetes' own "int or string" and quantities are not plain JSON Schema types: accept both forms. */
const INT_OR_STRING = { anyOf: [{ type: 'string' }, { type: 'integer' }] };
const NUMBER_OR_STRING = { anyOf: [{ type: 'string' }, { type: 'number' }] };

/**
 * Makes a schema strict the way `kubectl apply --validate=strict` is: an object that lists its
 * properties accepts no others (unless it says it preserves unknown fields).
 */
function strict(schema: Schema): Schema {
  if (Array.isArray(schema)) return schema.map(strict);
  if (typeof schema !== 'object' || schema === null) return schema;
  if (schema['x-kubernetes-int-or-string'] === true || schema.format === 'int-or-string') return { ...INT_OR_STRING, description: schema.description };
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === 'enum' || key === 'required' || key === 'example' || key === 'default' ? value : strict(value);
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export function gvkOf(object: { apiVersion?: unknown; kind?: unknown }): Gvk | undefined {
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return undefined;
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  return { group: group ?? '', version: version ?? '', kind: object.kind };
}

const key = ({ group, version, kind }: Gvk) => `${group}/${version}/${kind}`;

/** Validators for every kind the pinned Kubernetes serves (its OpenAPI v2 document) and every CRD given. */
export class SchemaSet {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

  /** `crdSources`: files of CRDs, or directories of such files. */
  constructor(openApiPath: string, crdSources: string[]) {
    this.loadKubernetes(openApiPath);
    for (const source of crdSources) this.loadCrds(source);
  }

  private loadKubernetes(path: string): void {
    const document = JSON.parse(readFileSync(path, 'utf8')) as { definitions: Record<string, Schema> };
    const definitions: Record<string, Schema> = {};
    for (const [name, definition] of Object.entries(document.definitions)) {
      definitions[name] =
        name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString'
          ? INT_OR_STRING
          : name === 'io.k8s.apimachinery.pkg.api.resource.Quantity'
            ? NUMBER_OR_STRING
            : strict(definition);
    }
    this.ajv.addSchema({ $id: 'k8s', definitions });
    for (const [name, definition] of Object.entries(document.definitions)) {
      for (const gvk of (definition['x-kubernetes-group-version-kind'] ?? []) as Gvk[]) {
        this.register(gvk, () => this.ajv.compile({ $ref: `k8s#/definitions/${name}` }));
      }
    }
  }

  private loadCrds(source: string): void {
    const files = statSync(source).isDirectory()
      ? readdirSync(source)
          .filter((f) => f.endsWith('.yaml'))
          .map((f) => join(source, f))
      : [source];
    for (const file of files) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const crd = doc.toJS() as Schema;
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const version of crd.spec.versions as Schema[]) {
          const schema = strict(version.schema.openAPIV3Schema);
          // Every custom resource has apiVersion, kind and ordinary ObjectMeta, whether its schema says so or not.
          schema.properties = {
            ...schema.properties,
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            metadata: { $ref: 'k8s#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
          };
          this.register({ group: crd.spec.group, version: version.name, kind: crd.spec.names.kind }, () => this.ajv.compile(schema));
        }
      }
    }
  }

  /** Compiled on first use: most of the few hundred kinds are never needed. */
  private readonly factories = new Map<string, () => ValidateFunction>();
  private register(gvk: Gvk, compile: () => ValidateFunction): void {
    this.factories.set(key(gvk), compile);
  }

  validatorFor(gvk: Gvk): ValidateFunction | undefined {
    const k = key(gvk);
    let validator = this.validators.get(k);
    if (!validator) {
      const factory = this.factories.get(k);
      if (!factory) return undefined;
      validator = factory();
      this.validators.set(k, validator);
    }
    return validator;
  }
}
