import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sudoRerun } from '../src/root.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('re-running as root with sudo', () => {
  it("runs the project's own Node with a PATH of the project's tools and the system directories, never the caller's", () => {
    const callerPath = '/home/someone/.nvm/versions/node/v20/bin:/home/someone/bin';
    const saved = process.env.PATH;
    process.env.PATH = `${callerPath}:${saved}`;
    try {
      const { args, announce } = sudoRerun('the local lab', ['node', '/repo/cli.js', 'run']);
      const path = args.find((a) => a.startsWith('PATH='))!;
      expect(path).not.toContain('/home/');
      expect(path.split(':')[0]).toBe(`PATH=${REPO}tools/node/node_modules/.bin`);
      expect(args.slice(-2)).toEqual(['/repo/cli.js', 'run']);
      const node = args.at(-3)!;
      expect(existsSync(`${REPO}tools/node/node_modules/node/bin/node`)).toBe(true);
      expect(node).toBe(`${REPO}tools/node/node_modules/node/bin/node`);
      expect(announce).toBe(`==> the local lab needs root: re-running with sudo, Node ${node} (the project's, tools/node)`);
    } finally {
      process.env.PATH = saved;
    }
  });

  it("says so when the Node it runs is not the project's", () => {
    const { announce } = sudoRerun('the local lab', ['node', 'cli.js'], '/nonexistent/node');
    expect(announce).toContain(`Node ${process.execPath} (the one running this command`);
  });
});
