import { variantOf, type Section, type Variant } from '@calc/probe-matrix';
import { DAPR_HTTP_PORT } from './dapr-variant.js';
import type { PodRuntime } from './pods.js';
import { podOf, serviceOf } from './topology.js';

export interface CompositionReport {
  variant: Variant;
  route: string;
  /** Status of each attempt, until both outcomes were seen. */
  statuses: number[];
  pass: boolean;
  detail: string;
}

const ATTEMPTS = 30;

/**
 * The service set at work through its sidecars: from MathFanBoy's pod, percentage(40, 50) — which
 * itself calls multiplication and division (by app ID through daprd, or by URL through the proxy).
 * Both outcomes must show: 20, and the deliberate 502 carrying division's 422.
 */
export async function checkComposition(runtime: PodRuntime, variant: Variant): Promise<CompositionReport> {
  const { dapr, mesh } = variantOf(variant);
  const service = serviceOf(variant, 'percentage');
  const url = dapr ? `http://127.0.0.1:${DAPR_HTTP_PORT}/v1.0/invoke/percentage/method/percentage` : `http://${service.host}:${service.port}/percentage`;
  const statuses: number[] = [];
  const problems: string[] = [];
  for (let i = 0; i < ATTEMPTS && !(statuses.includes(200) && statuses.includes(502)); i++) {
    const observed = await runtime.probe(podOf(variant, 'mathfanboy'), { kind: 'http', method: 'POST', url, body: { op1: 40, op2: 50 } });
    statuses.push(observed.status ?? 0);
    const right =
      (observed.status === 200 && observed.detail === '{"result":20}') ||
      (observed.status === 502 && observed.code === 'DOWNSTREAM_ERROR' && observed.detail?.includes('DIVISION_BY_ZERO'));
    if (!right) problems.push(`${observed.status ?? observed.outcome}: ${observed.detail}`);
  }
  const pass = problems.length === 0 && statuses.includes(200) && statuses.includes(502);
  // Each hop between two apps: out through the caller's sidecars, in through the callee's, in that order.
  const out = [dapr && 'daprd', mesh && 'proxy'].filter(Boolean);
  const hop = [...out, ...[...out].reverse()].join(' → ');
  const route = `mathfanboy → ${hop} → percentage → ${hop} → multiplication, division`;
  const detail = pass
    ? `percentage(40, 50) = 20, and the deliberate 502 (division's 422 inside), in ${statuses.length} calls`
    : (problems[0] ?? `saw only ${[...new Set(statuses)].join(', ')} in ${ATTEMPTS} calls`);
  return { variant, route, statuses, pass, detail };
}

export function compositionSection(reports: readonly CompositionReport[]): Section {
  return { title: 'The services through their sidecars', items: reports.map((c) => ({ pass: c.pass, text: `**${c.variant}**: ${c.route}: ${c.detail}` })) };
}
