import { defineConfig } from 'vitest/config';

// The lab test brings up both variants for real: seconds when the tools are built, more on a busy machine.
export default defineConfig({
  test: {
    name: '@calc/lab',
    testTimeout: 180_000,
    // The lab and the benchmark share the lab's namespaces: their groups run one after the other.
    sequence: { groupOrder: 1 },
    hookTimeout: 180_000,
  },
});
