// What the container tests do when no engine answers: skip, loudly, on a developer's machine; fail under CI.
import { describe, expect, it } from 'vitest';
import { noEngine } from '../src/index.js';

describe('no container engine', () => {
  it("on a developer's machine: the tests are skipped, with the reason", () => {
    expect(noEngine('podman: command not found', false)).toEqual({ available: false, reason: 'podman: command not found' });
  });

  it('under CI: an error, so the files that need an engine fail instead of passing with nothing run', () => {
    expect(() => noEngine('podman: command not found', true)).toThrow('the container tests must run under CI, and no container engine answers: podman: command not found');
  });
});
