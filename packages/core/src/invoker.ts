import type { OperationService } from './catalogue.js';
import { DownstreamError } from './errors.js';
import type { Operands } from './operands.js';

/**
 * How one service calls another: the only thing that differs between the Dapr-aware
 * set (DaprClient, by app ID) and the mesh-agnostic set (axios, by URL).
 * Resolves to the callee's result; rejects with a DownstreamError.
 */
export interface Invoker {
  call(service: OperationService, operands: Operands): Promise<number>;
}

/** The result inside a callee's 200 answer `{ "result": number }`; anything else is a DownstreamError. */
export function resultFrom(service: OperationService, body: unknown): number {
  const result = (body as { result?: unknown } | null | undefined)?.result;
  if (typeof result === 'number') return result;
  throw new DownstreamError(service, 200, body, `${service} answered without a numeric result`);
}
