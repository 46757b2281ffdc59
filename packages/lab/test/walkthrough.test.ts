// docs/walkthrough.md, executed: every command of its `console` blocks runs, in order, against a real
// `make lab-up`, and its output must show the lines the page prints under it (as dapr/quickstarts
// tests its READMEs). The kind `bash` blocks cannot run here (no Kubernetes): only their `$call`
// helper is run, inside the local pods.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { matchesExpected, parseWalkthrough, type Step } from './walkthrough-doc.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOC = readFileSync(`${ROOT}docs/walkthrough.md`, 'utf8');
const PATH = `${ROOT}tools/node/node_modules/.bin:${ROOT}node_modules/.bin:${process.env.PATH}`;

/** A command as a reader's shell runs it, from the repository root; stderr with stdout, as a terminal shows them. */
function shell(command: string, env: Record<string, string> = {}): { status: number; output: string } {
  const ran = spawnSync('bash', ['-c', `exec 2>&1\n${command}`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH, ...env }, timeout: 170_000 });
  return { status: ran.status ?? -1, output: ran.stdout ?? '' };
}

const steps = parseWalkthrough(DOC);

describe('docs/walkthrough.md, run as a reader runs it', () => {
  afterAll(() => {
    shell('node packages/lab/dist/cli.js down');
  });

  it('has its exercises, from make lab-up to make lab-down', () => {
    expect(steps.length).toBeGreaterThan(25);
    expect(steps[0]!.command).toBe('make lab-up');
    expect(steps.at(-1)!.command).toBe('make lab-down');
  });

  const run = (step: Step) => {
    const { status, output } = shell(step.command);
    expect(status, output).toBe(step.exit);
    const missing = matchesExpected(output, step.expected);
    expect(missing, `output of \`${step.command}\`:\n${output}`).toBeUndefined();
  };
  const named = (list: Step[], from: number) => list.map((s, i) => [`${from + i + 1}: $ ${s.command.slice(0, 110)}`, s] as const);

  it.each(named(steps.slice(0, -1), 0))('%s', (_name, step) => run(step));

  it("the kind blocks' $call helper works, inside the local pods (POST, GET, refused)", () => {
    const definition = /^call='.*'$/m.exec(DOC)?.[0];
    expect(definition).toBeDefined();
    const call = definition!.slice("call='".length, -1);
    const post = shell(`./lab exec dapr/intruder -- node -e "$call" http://multiplication-dapr/multiply '{"op1":6,"op2":7}'`, { call });
    expect(post.output.trim()).toBe('200 {"result":42}');
    const get = shell('./lab exec mesh/intruder -- node -e "$call" http://multiplication:5003/healthz', { call });
    expect(get.output.trim()).toMatch(/^200 /);
    const refused = shell('./lab exec dapr/intruder -- node -e "$call" http://multiplication-loopback-dapr/healthz', { call });
    expect(refused.output.trim()).toBe('ECONNREFUSED');
  });

  it("the kind blocks' Redis PING works, inside the local pods (answered in Dapr, closed in the mesh)", () => {
    const script = /node -e '(const s=require\("net"\)[^']*)' redis/.exec(DOC)?.[1];
    expect(script).toBeDefined();
    expect(shell(`./lab exec dapr/intruder -- node -e "$script" redis`, { script: script! }).output.trim()).toBe('+PONG');
    // Cut off unread: a clean close, or (the client had sent its PING) a reset, which Linkerd's proxy usually gives.
    expect(shell(`./lab exec mesh/intruder -- node -e "$script" redis`, { script: script! }).output.trim()).toMatch(/^(closed|ECONNRESET)$/);
  });

  it("the stand-in cuts an unauthorized Redis connection off at accept, before any byte, as Linkerd's source says Linkerd does on an opaque port", () => {
    // A client that sends nothing: Linkerd decides on an opaque port without reading (linkerd2-proxy
    // detect.rs, policy/tcp.rs), so it is closed at once. A stand-in that waited for the client's
    // first bytes (up to its 2 s inspect delay) would still hold it open when this client gives up.
    const silent = `const s=require("net").connect(6379,process.argv[1]);const t=Date.now();s.on("error",()=>{});s.on("close",()=>{console.log("closed");process.exit(0)});setTimeout(()=>{console.log("still open after",Date.now()-t,"ms");process.exit(0)},1500)`;
    expect(shell(`./lab exec mesh/intruder -- node -e '${silent}' redis`).output.trim()).toBe('closed');
  });

  it('./lab top in a real terminal (tmux): a frame every second, errors in red, and Ctrl-C gives the shell back', async () => {
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', 'calclab-top-test', ...args], { encoding: 'utf8' });
    if (tmux('-V').error) throw new Error('NO TMUX: ./lab top cannot be tested in a terminal; make test installs tmux (scripts/test-tools.sh)');
    const screen = () => tmux('capture-pane', '-p', '-e', '-t', 'top').stdout;
    tmux('kill-server');
    expect(tmux('new-session', '-d', '-s', 'top', '-x', '170', '-y', '45', '-c', ROOT, 'bash', '--norc', '--noprofile').status).toBe(0);
    try {
      tmux('send-keys', '-t', 'top', `PATH=${PATH} ./lab top`, 'Enter');
      const framed = async (want: RegExp) => {
        for (let i = 0; i < 60 && !want.test(screen()); i++) await new Promise((r) => setTimeout(r, 250));
        return screen();
      };
      const first = await framed(/what each sidecar saw in the last [\d.]+ s \((\d\d:\d\d:\d\d) UTC\)/);
      expect(first).toMatch(/variant +service +sidecar +state/);
      const at = /\((\d\d:\d\d:\d\d) UTC\)/.exec(first)?.[1];
      // Refreshed in place: a later frame, on the same screen (the screen is cleared, not scrolled).
      const later = await framed(new RegExp(`\\((?!${at})\\d\\d:\\d\\d:\\d\\d UTC\\)`));
      expect(later.match(/what each sidecar saw/g)).toHaveLength(1);
      expect(later).not.toContain(`(${at} UTC)`);
      // percentage's deliberate 502s, red (tmux keeps the colour as SGR 31), once a frame holds one.
      const erring = await framed(/percentage +daprd +errors/);
      const line = erring.split('\n').find((l) => /percentage +daprd +errors/.test(l)) ?? '';
      const ESC = '\u001b';
      const sgr = new RegExp(`${ESC}\\[(\\d+;)*31(;\\d+)*m`);
      expect(line.slice(0, line.indexOf('dapr')), line).toMatch(sgr);
      tmux('send-keys', '-t', 'top', 'C-c');
      await new Promise((r) => setTimeout(r, 1500));
      expect(tmux('display-message', '-p', '-t', 'top', '#{pane_current_command}').stdout.trim()).toBe('bash');
    } finally {
      tmux('kill-server');
    }
  }, 60_000);

  it.each(named(steps.slice(-1), steps.length - 1))('%s', (_name, step) => run(step));
});
