#!/usr/bin/env node
// make k8s-check: render every overlay and validate every object offline.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PINNED } from '@calc/probe-matrix';
import { KUSTOMIZE, OVERLAYS } from './overlays.js';
import { parseObjects, render } from './render.js';
import { SchemaSet } from './schemas.js';
import { conventionProblems, schemaProblems, type Problem } from './validate.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const KUBERNETES_VERSION = '1.35.0';
const DEFAULTS = {
  openapi: join(ROOT, 'tools', 'k8s', `kubernetes-openapi-v${KUBERNETES_VERSION}.json`),
  kustomize: KUSTOMIZE,
  crds: [join(ROOT, 'packages', 'k8s-check', 'crds', 'dapr'), join(ROOT, 'packages', 'k8s-check', 'crds', 'linkerd')],
};

const USAGE = `usage: k8s-check [--file MANIFEST.yaml]... [OVERLAY_DIR]...

Renders each overlay with kustomize (default: every overlay of the project) and validates every
object against the Kubernetes ${KUBERNETES_VERSION} schema and, for Dapr and Linkerd kinds, their CRDs;
then checks the project's conventions. --file validates a plain manifest file instead.
Options: --openapi PATH, --kustomize PATH, --crds DIR (repeatable). Exit 1 on any problem, 2 on bad usage.`;

function main(): number {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        file: { type: 'string', multiple: true },
        openapi: { type: 'string', default: DEFAULTS.openapi },
        kustomize: { type: 'string', default: DEFAULTS.kustomize },
        crds: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`k8s-check: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let schemas: SchemaSet;
  try {
    schemas = new SchemaSet(parsed.values.openapi, parsed.values.crds ?? DEFAULTS.crds);
  } catch (error) {
    process.stderr.write(`k8s-check: cannot load the schemas (${(error as Error).message}); run make k8s-tools\n`);
    return 2;
  }
  const files = parsed.values.file ?? [];
  const overlays = parsed.positionals.length > 0 || files.length > 0 ? parsed.positionals : OVERLAYS;
  const sources: Array<[string, () => string]> = [
    ...overlays.map((dir) => [dir, () => render(parsed.values.kustomize, join(ROOT, dir))] as [string, () => string]),
    ...files.map((file) => [file, () => readFileSync(file, 'utf8')] as [string, () => string]),
  ];
  let failed = 0;
  for (const [source, load] of sources) {
    let problems: Problem[];
    let count = 0;
    try {
      const objects = parseObjects(load());
      count = objects.length;
      problems = [...schemaProblems(schemas, source, objects), ...conventionProblems(source, objects)];
    } catch (error) {
      problems = [{ source, object: '-', path: '', message: (error as Error).message }];
    }
    if (problems.length === 0) {
      process.stdout.write(`✓ ${source}: ${count} objects valid\n`);
      continue;
    }
    failed += 1;
    process.stdout.write(`✗ ${source}: ${problems.length} problem(s)\n`);
    for (const p of problems) process.stdout.write(`    ${p.object} ${p.path}: ${p.message}\n`);
  }
  process.stdout.write(
    `${failed === 0 ? 'all valid' : `${failed} of ${sources.length} failed`} (Kubernetes ${KUBERNETES_VERSION}; CRDs: Dapr ${PINNED.dapr}, Linkerd ${PINNED.linkerd})\n`,
  );
  return failed === 0 ? 0 : 1;
}

process.exit(main());
