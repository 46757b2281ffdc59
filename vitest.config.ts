import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Tests import the workspace packages from their TypeScript sources, not their builds: edit a
 * source, run vitest, and the test sees the edit. What a test starts as a process (a service, a CLI)
 * still runs from dist/: make test builds first.
 */
const SOURCE_ALIASES = [
  {
    find: /^@calc\/(core|config|host|invoke-dapr|invoke-http|launcher|probe-matrix|lab|bench|k8s-check|containers)$/,
    replacement: fileURLToPath(new URL('./packages/$1/src/index.ts', import.meta.url)),
  },
];

/** One project per package with tests, sharing the aliases above; its own settings beside it. */
const project = (dir: string, test: Record<string, unknown> = {}) => ({
  extends: true,
  test: { name: `@calc/${dir.split('/').at(-1)}`, root: dir, ...test },
});

export default defineConfig({
  resolve: { alias: SOURCE_ALIASES },
  test: {
    projects: [
      project('packages/core'),
      project('packages/host'),
      project('packages/invoke-dapr'),
      project('packages/invoke-http'),
      project('packages/probe-matrix'),
      project('packages/k8s-check'),
      // These tests start real processes (services, CLIs); on a busy two-core machine that can take seconds.
      project('e2e', { testTimeout: 30_000, hookTimeout: 30_000 }),
      project('packages/launcher', { testTimeout: 30_000, hookTimeout: 30_000 }),
      // The lab and the benchmark share the lab's namespaces: their groups run one after the other, the
      // lab's files (the run, the walkthrough) one at a time, and the benchmark's files (the quick
      // benchmark, the soak) one at a time: each loads both cores.
      project('packages/lab', { testTimeout: 180_000, hookTimeout: 180_000, sequence: { groupOrder: 1 }, fileParallelism: false }),
      project('packages/bench', { testTimeout: 300_000, hookTimeout: 300_000, sequence: { groupOrder: 2 }, fileParallelism: false }),
      // Real containers: the images alone, then each set; one file at a time, after the lab and the benchmark.
      project('packages/containers', { testTimeout: 120_000, hookTimeout: 180_000, sequence: { groupOrder: 3 }, fileParallelism: false }),
    ],
  },
});
