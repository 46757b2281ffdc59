import { defineConfig } from 'vitest/config';

// These tests start real processes; on a busy two-core machine that can take seconds.
export default defineConfig({
  test: {
    name: '@calc/launcher',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
