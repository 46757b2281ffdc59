import type { OperationService } from './catalogue.js';
import type { Operands } from './operands.js';

/**
 * How one service calls another: the only thing that differs between the Dapr-aware
 * set (DaprClient, by app ID) and the mesh-agnostic set (axios, by URL).
 * Resolves to the callee's result; rejects with a DownstreamError.
 */
export interface Invoker {
  call(service: OperationService, operands: Operands): Promise<number>;
}
