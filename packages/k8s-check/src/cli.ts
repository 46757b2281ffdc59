#!/usr/bin/env node
// make k8s-check: render every overlay and validate every object offline.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PINNED, REPO_ROOT } from '@calc/probe-matrix';
import { linkerdCrdsFile } from './linkerd-output.js';
import { KUSTOMIZE, OVERLAYS } from './overlays.js';
import { parseObjects, render } from './render.js';
import { SchemaSet } from './schemas.js';
import { conventionProblems, schemaProblems, type Problem } from './validate.js';

export const KUBERNETES_VERSION = PINNED.kubernetes;
const DEFAULTS = {
  openapi: join(REPO_ROOT, 'tools', 'k8s', `kubernetes-openapi-v${KUBERNETES_VERSION}.json`),
  kustomize: KUSTOMIZE,
};

/**
 * The real CRDs, read where they are, never copied into the project: Dapr's from its Go module
 * (charts/dapr/crds, fetched by tools/dapr/build.sh), Linkerd's as `linkerd install --crds` made
 * them (../shared/linkerd, beside the checkout).
 */
const CRDS = [
  {
    project: `Dapr ${PINNED.dapr}`,
    group: 'dapr.io',
    path: join(REPO_ROOT, 'tools', 'dapr', '.build', `dapr-v${PINNED.dapr}`, 'charts', 'dapr', 'crds'),
    fix: 'make dapr-source fetches them',
  },
  { project: `Linkerd ${PINNED.linkerd}`, group: 'linkerd.io', path: linkerdCrdsFile(), fix: "they come with ../shared/linkerd, beside the project's checkout" },
];

const USAGE = `usage: k8s-check [--file MANIFEST.yaml]... [OVERLAY_DIR]...

Renders each overlay with kustomize (default: every overlay of the project) and validates every
object against the Kubernetes ${KUBERNETES_VERSION} schema and, for Dapr and Linkerd kinds, their CRDs;
then checks the project's conventions. --file validates a plain manifest file instead.
Options: --openapi PATH, --kustomize PATH, --crds FILE_OR_DIR (repeatable; default: Dapr's and
Linkerd's own, where they are: a project whose CRDs are missing is said loudly, its kinds unchecked).
Exit 1 on any problem, 2 on bad usage.`;

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
  const given = parsed.values.crds;
  const missing = given ? [] : CRDS.filter((c) => !existsSync(c.path));
  for (const c of missing) process.stdout.write(`!!! ${c.project}'s CRDs are not at ${c.path} (${c.fix}): its kinds (*.${c.group}) are NOT checked\n`);
  try {
    schemas = new SchemaSet(parsed.values.openapi, given ?? CRDS.filter((c) => !missing.includes(c)).map((c) => c.path));
  } catch (error) {
    process.stderr.write(`k8s-check: cannot load the schemas (${(error as Error).message}); run make k8s-tools\n`);
    return 2;
  }
  const files = parsed.values.file ?? [];
  const overlays = parsed.positionals.length > 0 || files.length > 0 ? parsed.positionals : OVERLAYS;
  const sources: Array<[string, () => string]> = [
    ...overlays.map((dir) => [dir, () => render(parsed.values.kustomize, join(REPO_ROOT, dir))] as [string, () => string]),
    ...files.map((file) => [file, () => readFileSync(file, 'utf8')] as [string, () => string]),
  ];
  let failed = 0;
  for (const [source, load] of sources) {
    let problems: Problem[];
    let count = 0;
    try {
      const objects = parseObjects(load());
      count = objects.length;
      problems = [
        ...schemaProblems(
          schemas,
          source,
          objects,
          missing.map((c) => c.group),
        ),
        ...conventionProblems(source, objects),
      ];
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
    `${failed === 0 ? 'all valid' : `${failed} of ${sources.length} failed`} (Kubernetes ${KUBERNETES_VERSION}; CRDs: ${given ? given.join(', ') : CRDS.map((c) => `${c.project}${missing.includes(c) ? ' NOT CHECKED' : ''}`).join(', ')})\n`,
  );
  return failed === 0 ? 0 : 1;
}

process.exit(main());
