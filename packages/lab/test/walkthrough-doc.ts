// Reading docs/walkthrough.md as a script: its `console` blocks are commands (`$ …`) and the output
// lines a reader should see under each; `<!-- exit: N -->` just before a block sets its commands' exit status.

export interface Step {
  command: string;
  expected: string[];
  exit: number;
}

export function parseWalkthrough(markdown: string): Step[] {
  const steps: Step[] = [];
  const lines = markdown.split('\n');
  let inConsole = false;
  let exit = 0;
  for (const [i, line] of lines.entries()) {
    if (!inConsole && line === '```console') {
      inConsole = true;
      exit = Number(/^<!-- exit: (\d+) -->$/.exec(lines[i - 1] ?? '')?.[1] ?? 0);
    } else if (inConsole && line === '```') inConsole = false;
    else if (inConsole && line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: [], exit });
    else if (inConsole && line.trim() !== '') {
      const step = steps.at(-1);
      if (!step) throw new Error(`walkthrough line ${i + 1}: output before any command`);
      step.expected.push(line);
    }
  }
  return steps;
}

const collapse = (line: string) => line.replace(/\s+/g, ' ').trim();
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `…` is any text; spaces are compared collapsed. */
function lineMatcher(expected: string): RegExp {
  return new RegExp(`^${collapse(expected).split('…').map(escapeRegExp).join('.*')}$`);
}

/**
 * Whether the output shows the expected lines, in order, others allowed between them; returns the
 * first expected line not found (after the ones found before it), or undefined when all are there.
 */
export function matchesExpected(output: string, expected: readonly string[]): string | undefined {
  const lines = output.split('\n').map(collapse);
  let at = 0;
  for (const want of expected) {
    const matcher = lineMatcher(want);
    while (at < lines.length && !matcher.test(lines[at]!)) at++;
    if (at === lines.length) return want;
    at++;
  }
  return undefined;
}
