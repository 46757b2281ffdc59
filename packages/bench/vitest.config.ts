import { defineConfig } from 'vitest/config';

// The harness test runs the quick benchmark for real: about a minute on two cores.
export default defineConfig({
  test: {
    name: '@calc/bench',
    testTimeout: 300_000,
    // The lab and the benchmark share the lab's namespaces: their groups run one after the other.
    sequence: { groupOrder: 2 },
    // The benchmark and the soak each load both cores: one at a time.
    fileParallelism: false,
    hookTimeout: 300_000,
  },
});
