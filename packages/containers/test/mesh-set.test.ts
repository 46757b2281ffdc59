// The mesh-agnostic set as six containers on one network, wired only by the *_URL variables, as the
// Kubernetes base wires it; MathFanBoy's printed calls judged as the lab judges them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { OPERATION_SERVICES, urlVariableOf } from '@calc/core';
import { judgeFanBoy, parseCallRecord } from '@calc/probe-matrix';
import { imageOf, LabContainer, labNetwork, removeLeftovers, useEngine, waitForLines } from '../src/index.js';

const engine = useEngine();
if (!engine.available) console.warn(`\n!!! container tests NOT RUN: ${engine.reason}\n`);

describe.skipIf(!engine.available)('the mesh-agnostic set in containers', () => {
  let network: StartedNetwork;
  const started: StartedTestContainer[] = [];
  let fanboy: StartedTestContainer;
  // The service names resolve on the network (aliases); nothing else tells a caller where a peer is.
  const URLS = Object.fromEntries(OPERATION_SERVICES.map((s) => [urlVariableOf(s), `http://${s}:8080`]));

  beforeAll(async () => {
    removeLeftovers();
    network = await labNetwork().start();
    const servers = await Promise.all(
      OPERATION_SERVICES.map((service) =>
        new LabContainer(imageOf('agnostic', service))
          .withReadOnlyRoot()
          .withNetwork(network)
          .withNetworkAliases(service)
          .withEnvironment(service === 'percentage' ? URLS : {})
          .withWaitStrategy(Wait.forLogMessage(/"msg":"listening"/))
          .start(),
      ),
    );
    started.push(...servers);
    fanboy = await new LabContainer(imageOf('agnostic', 'mathfanboy'))
      .withReadOnlyRoot()
      .withNetwork(network)
      .withEnvironment({ ...URLS, MATHFANBOY_FORMAT: 'json', MATHFANBOY_INTERVAL_MS: '100' })
      .withWaitStrategy(Wait.forLogMessage(/"msg":"calling"/))
      .start();
    started.push(fanboy);
  });
  afterAll(async () => {
    await Promise.all(started.map((c) => c.stop()));
    await network?.stop();
  });

  it('MathFanBoy calls every service by its URL and every result is right; the only errors are the deliberate ones', async () => {
    // Enough: 40 calls, among them one of percentage's deliberate 502s (division's 422 inside).
    const enough = (lines: string[]) => judgeFanBoy('mesh', lines).calls >= 40 && judgeFanBoy('mesh', lines).byService.percentage.errors > 0;
    const report = judgeFanBoy('mesh', await waitForLines(fanboy, (l) => parseCallRecord(l) !== undefined, enough, 60_000));
    expect(report.calls).toBeGreaterThanOrEqual(40);
    expect(report.faults).toEqual([]);
    for (const service of OPERATION_SERVICES) expect(report.byService[service].calls, service).toBeGreaterThan(0);
    expect(report.byService.percentage.errors).toBeGreaterThan(0);
  });
});
