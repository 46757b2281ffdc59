// Runs every test once (vitest projects) and ends with one plain line: "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const report = join(mkdtempSync(join(tmpdir(), 'calc-tests-')), 'report.json');
const run = spawnSync('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
let summary = 'tests: no report (vitest did not finish)';
try {
  const { numPassedTests, numFailedTests, numPendingTests, testResults } = JSON.parse(readFileSync(report, 'utf8'));
  summary = `tests: ${numPassedTests} passed, ${numFailedTests} failed${numPendingTests ? `, ${numPendingTests} skipped` : ''}`;
  // The container tests skip themselves only when no engine answers: say so, not just "skipped".
  const containers = testResults.filter((file) => file.name.includes('/packages/containers/')).flatMap((file) => file.assertionResults);
  if (containers.length > 0 && containers.every((test) => test.status !== 'passed' && test.status !== 'failed')) {
    summary += '; the container tests did NOT run (no container engine: make engine)';
  }
} catch {}
console.log(summary);
process.exit(run.status ?? 1);
