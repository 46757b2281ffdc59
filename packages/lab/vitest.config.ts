import { defineConfig } from 'vitest/config';

// The lab test brings up both variants for real: seconds when the tools are built, more on a busy machine.
export default defineConfig({
  test: {
    name: '@calc/lab',
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
