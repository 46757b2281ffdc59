import type { StartedTestContainer } from 'testcontainers';

/** A container's output so far (stdout and stderr), read from the engine. */
export async function logsOf(container: StartedTestContainer): Promise<string> {
  const stream = await container.logs();
  let text = '';
  stream.on('data', (chunk: Buffer | string) => {
    text += chunk.toString();
  });
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    setTimeout(resolve, 1000);
  });
  stream.destroy();
  return text;
}

/** The lines `matches` accepts, once `enough` says they are enough (or the time is up). */
export async function waitForLines(
  container: StartedTestContainer,
  matches: (line: string) => boolean,
  enough: (lines: string[]) => boolean,
  timeoutMs: number,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = (await logsOf(container)).split('\n').filter(matches);
    if (enough(lines) || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
