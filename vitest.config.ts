import { defineConfig } from 'vitest/config';

// One run over every package; a package with slower tests sets its own timeouts in its vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['packages/*', 'services/*', 'e2e'],
  },
});
