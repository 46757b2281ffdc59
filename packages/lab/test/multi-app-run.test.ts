import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALL_SERVICES, DEFAULT_PORT } from '@calc/core';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('dapr.yaml (Multi-App Run; the Dapr CLI is not on this machine, so this checks the file, not a run)', () => {
  const file = parse(readFileSync(join(ROOT, 'dapr.yaml'), 'utf8')) as { version: number; apps: Array<Record<string, any>> };

  it('runs each of the six Dapr-aware services by its app ID on its port', () => {
    expect(file.version).toBe(1);
    expect(file.apps.map((a) => a.appID).sort()).toEqual([...ALL_SERVICES].sort());
    for (const app of file.apps) {
      expect(app.appPort, app.appID).toBe(DEFAULT_PORT[app.appID as keyof typeof DEFAULT_PORT]);
      expect(app.env.PORT, app.appID).toBe(app.appPort);
      expect(app.command).toEqual(['node', 'dist/dapr.js']);
      expect(existsSync(join(ROOT, app.appDirPath, 'dist', 'dapr.js')), `${app.appDirPath}/dist/dapr.js`).toBe(true);
    }
  });
});
