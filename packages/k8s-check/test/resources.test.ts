// docs/workshop.md tells the instructor what the project's pods request; the figure is the manifests'.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KUSTOMIZE, parseObjects, render, type Untyped } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const millicores = (v: string) => (v.endsWith('m') ? Number(v.slice(0, -1)) : Number(v) * 1000);
const mebibytes = (v: string) => (v.endsWith('Gi') ? Number(v.slice(0, -2)) * 1024 : Number(v.slice(0, -2)));

/** Requests of every container of every workload, plus the daprd sidecar its annotations ask Dapr's injector for. */
function requests(objects: Untyped[]): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const object of objects) {
    const template = object.kind === 'Pod' ? object : object.spec?.template;
    for (const c of template?.spec?.containers ?? []) {
      cpu += millicores(c.resources.requests.cpu);
      memory += mebibytes(c.resources.requests.memory);
    }
    const annotations = template?.metadata?.annotations ?? {};
    if (annotations['dapr.io/enabled'] === 'true') {
      cpu += millicores(annotations['dapr.io/sidecar-cpu-request']);
      memory += mebibytes(annotations['dapr.io/sidecar-memory-request']);
    }
  }
  return { cpu, memory };
}

describe("the project's pods, as docs/workshop.md counts them", () => {
  it('request 1.2 CPU and 1.6 GiB', () => {
    const objects = ['k8s-dapr', 'k8s-linkerd', 'k8s-e2e'].flatMap((overlay) => parseObjects(render(KUSTOMIZE, `${ROOT}${overlay}`)));
    const { cpu, memory } = requests(objects);
    const said = `own pods request ${(cpu / 1000).toFixed(1)} CPU and ${(memory / 1024).toFixed(1)} GiB`;
    expect(readFileSync(`${ROOT}docs/workshop.md`, 'utf8').replace(/\s+/g, ' ')).toContain(said);
  });
});
