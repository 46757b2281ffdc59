import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS, serviceCommand } from '../src/index.js';

describe('the Node flags every service runs with', () => {
  it('are on every command the launcher and the lab build, and in the images (Dockerfile CMD)', () => {
    expect(serviceCommand('percentage', 'agnostic').slice(1, -1)).toEqual(SERVICE_NODE_FLAGS);
    const dockerfile = readFileSync(fileURLToPath(new URL('../../../Dockerfile', import.meta.url)), 'utf8');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(cmd).toEqual(['node', ...SERVICE_NODE_FLAGS, 'main.js']);
  });
});
