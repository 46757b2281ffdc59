// Layer 4 beside the matrix: percentage's use of Redis as the store sees it, and the mesh's TCP denials as Redis's proxy counted them.
import { REDIS, type Section, type Variant, type VariantRecord, type Verdict } from '@calc/probe-matrix';
import { frontendStats, INBOUND_FRONTENDS, sumOver } from './mesh-proxy.js';
import { statsSocketOf } from './mesh-variant.js';
import { callsCounted } from './redis.js';
import { podOf } from './topology.js';

export interface Layer4Report {
  variant: Variant;
  /** `percentage:calls` in that variant's Redis. */
  counted: number | undefined;
  /** Calls MathFanBoy made to percentage: each one was counted, or percentage could not reach Redis. */
  fanboyCalls: number;
  /** Mesh: connections Redis's proxy closed (its TCP frontends' denials), and how many the matrix expects. */
  denied?: { counted: number; expected: number };
  pass: boolean;
}

export async function checkLayer4(workDir: string, { name: variant, mesh }: VariantRecord, fanboyCalls: number, verdicts: readonly Verdict[]): Promise<Layer4Report> {
  const counted = callsCounted(podOf(variant, REDIS));
  const countedAll = counted !== undefined && counted >= fanboyCalls && counted > 0;
  if (!mesh) return { variant, counted, fanboyCalls, pass: countedAll };
  const frontends = await frontendStats(statsSocketOf(workDir, REDIS, variant));
  const denied = {
    counted: sumOver(frontends, INBOUND_FRONTENDS.tcp, (f) => f.denied),
    expected: verdicts.filter((v) => v.probe.variant === variant && v.probe.target === REDIS && 'outcome' in v.probe.expected && v.probe.expected.outcome === mesh.tcpDenial)
      .length,
  };
  return { variant, counted, fanboyCalls, denied, pass: countedAll && denied.counted === denied.expected };
}

export function layer4Section(reports: readonly Layer4Report[]): Section {
  return {
    title: 'Layer 4: Redis, the TCP store percentage counts its calls in',
    items: reports.map((r) => ({
      pass: r.pass,
      text: `**${r.variant}**: Redis holds percentage:calls = **${r.counted ?? 'nothing'}** (MathFanBoy alone made ${r.fanboyCalls} calls to percentage), so percentage's own connection works${
        r.denied
          ? `; Redis's proxy cut off **${r.denied.counted}** connections it did not authorize, at accept and unread (the matrix expects ${r.denied.expected}): opaque TCP, no request to count, only connections (Linkerd decides the same way on an opaque port: linkerd2-proxy detect.rs, policy/tcp.rs)`
          : '; no sidecar in front of Redis: Dapr has none for a TCP server, and every pod reaches it'
      }`,
    })),
  };
}
