import { describe, expect, it } from 'vitest';
import { matchesExpected, parseWalkthrough } from './walkthrough-doc.js';

describe("the walkthrough's checker", () => {
  const doc = ['text', '```console', '$ echo a', 'a', '$ true', '```', '', '<!-- exit: 1 -->', '```console', '$ false', '```', '```bash', '$ not run', '```'].join('\n');

  it('reads commands, their output lines and their exit status; bash blocks are not commands', () => {
    expect(parseWalkthrough(doc)).toEqual([
      { command: 'echo a', expected: ['a'], exit: 0 },
      { command: 'true', expected: [], exit: 0 },
      { command: 'false', expected: [], exit: 1 },
    ]);
  });

  it('finds lines in order, with … as anything and spaces collapsed', () => {
    const output = 'first\nok   200  OK\nthe lab is up (4.2 s)\nlast';
    expect(matchesExpected(output, ['ok 200 OK', 'the lab is up (… s)'])).toBeUndefined();
    expect(matchesExpected(output, ['last', 'first']), 'out of order').toBe('first');
    expect(matchesExpected(output, ['ok 200']), 'a whole line, not a part').toBe('ok 200');
    expect(matchesExpected(output, ['missing'])).toBe('missing');
  });
});
