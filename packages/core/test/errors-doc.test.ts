import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/index.js';

const DOC = fileURLToPath(new URL('../../../docs/calculator.md', import.meta.url));

describe("docs/calculator.md's error table", () => {
  it('documents every error code with its status, and no code the services do not have', () => {
    const documented: Record<string, number> = {};
    for (const [, status, codes] of readFileSync(DOC, 'utf8').matchAll(/^\| (\d{3}) \| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|/gm)) {
      for (const [, code] of codes!.matchAll(/`([A-Z_]+)`/g)) documented[code!] = Number(status);
    }
    expect(documented).toEqual({ ...ErrorCodes });
  });
});
