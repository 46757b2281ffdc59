import { CommunicationProtocolEnum, DaprClient, HttpMethod, LogLevel } from '@dapr/dapr';
import { DownstreamError, METHOD_OF, resultFrom, type Invoker, type OperationService } from '@calc/core';

/** The part of DaprClient this transport uses, so tests can hand in a stand-in. */
export interface DaprInvoke {
  invoker: {
    invoke(appId: string, methodName: string, method: HttpMethod, data?: object): Promise<unknown>;
  };
}

/**
 * Calls each service by its app ID through the local daprd (see daprClient):
 * POST /v1.0/invoke/<app-id>/method/<method>. The first call waits for the sidecar to be ready.
 */
export function createDaprInvoker(client: DaprInvoke): Invoker {
  return {
    async call(service, operands) {
      let body: unknown;
      try {
        body = await client.invoker.invoke(service, METHOD_OF[service], HttpMethod.POST, operands);
      } catch (error) {
        throw toDownstreamError(service, error);
      }
      return resultFrom(service, body);
    },
  };
}

/** A DaprClient talking HTTP to the daprd of this pod, on loopback at `httpPort`. */
export function daprClient(httpPort: number): DaprClient {
  return new DaprClient({
    daprHost: '127.0.0.1',
    daprPort: String(httpPort),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    logger: { level: LogLevel.Error },
  });
}

/**
 * DaprClient reports a status ≥ 400 as an Error whose message is JSON:
 * `{"error": statusText, "error_msg": <response text>, "status": <code>}`. The response text is the
 * callee's own error body (passed through by the sidecars) or daprd's, e.g. `{"errorCode":"ERR_DIRECT_INVOKE",…}`.
 */
export function toDownstreamError(service: OperationService, error: unknown): DownstreamError {
  const message = error instanceof Error ? error.message : String(error);
  const reported = parseJson(message) as { status?: unknown; error_msg?: unknown } | undefined;
  if (typeof reported?.status !== 'number') return new DownstreamError(service, undefined, undefined, message);
  const text = typeof reported.error_msg === 'string' ? reported.error_msg : '';
  return new DownstreamError(service, reported.status, parseJson(text) ?? text, `${service} answered ${reported.status}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
