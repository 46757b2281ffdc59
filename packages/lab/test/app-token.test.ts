import { describe, expect, it } from 'vitest';
import { newAppToken } from '../src/dapr-variant.js';
import { PODS_OF } from '../src/topology.js';

const DAPR_PODS = PODS_OF.dapr!;

describe("the Dapr pods' app API token", () => {
  it('is drawn per run: 256 random bits, never the same twice, written nowhere in the topology', () => {
    const tokens = new Set(Array.from({ length: 50 }, newAppToken));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const withToken = DAPR_PODS.filter((p) => p.appToken);
    expect(withToken.map((p) => p.workload)).toEqual(['multiplication-token']);
    expect(JSON.stringify(DAPR_PODS)).not.toMatch(/APP_API_TOKEN/);
  });
});
