/**
 * Every error a client can see: an HTTP status and a stable machine-readable code.
 * The JSON body is always `{ "error": { "code", "message", ...details } }`.
 */
export const ErrorCodes = {
  MALFORMED_REQUEST: 400,
  INVALID_JSON: 400,
  INVALID_BODY: 400,
  MISSING_OPERAND: 400,
  INVALID_OPERAND: 400,
  NON_FINITE_OPERAND: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  EXPECTATION_FAILED: 417,
  DIVISION_BY_ZERO: 422,
  RESULT_NOT_FINITE: 422,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  DOWNSTREAM_ERROR: 502,
  DOWNSTREAM_UNAVAILABLE: 502,
  SHUTTING_DOWN: 503,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorBody {
  error: { code: string; message: string; [detail: string]: unknown };
}

export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ErrorCodes[code];
  }

  toBody(): ErrorBody {
    return { error: { ...this.details, code: this.code, message: this.message } };
  }
}

/**
 * A call to another service that did not return a result. `status` is the HTTP
 * status the callee (or its sidecar) answered, or undefined when no answer came.
 */
export class DownstreamError extends Error {
  constructor(
    readonly service: string,
    readonly status: number | undefined,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'DownstreamError';
  }

  /** What percentage answers when one of its calls fails: 502 with the callee's error inside. */
  toApiError(): ApiError {
    const downstream = { service: this.service, status: this.status, body: this.body };
    return this.status === undefined
      ? new ApiError('DOWNSTREAM_UNAVAILABLE', `${this.service} could not be reached: ${this.message}`, { downstream })
      : new ApiError('DOWNSTREAM_ERROR', describeAnswer(this.service, this.status, this.body), { downstream });
  }
}

/** e.g. "division answered 422 DIVISION_BY_ZERO: cannot divide by zero". */
export function describeAnswer(service: string, status: number, body: unknown): string {
  const code = errorCodeOf(body);
  const message = errorMessageOf(body);
  return `${service} answered ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
}

/** The stable code inside an error body: ours (`error.code`) or a Dapr sidecar's (`errorCode`). */
export function errorCodeOf(body: unknown): string | undefined {
  const { error, errorCode } = (typeof body === 'object' && body !== null ? body : {}) as { error?: { code?: unknown }; errorCode?: unknown };
  if (typeof error?.code === 'string') return error.code;
  return typeof errorCode === 'string' ? errorCode : undefined;
}

/** The human message inside an error body: ours (`error.message`) or a Dapr sidecar's (`message`). */
export function errorMessageOf(body: unknown): string | undefined {
  const { error, message } = (typeof body === 'object' && body !== null ? body : {}) as { error?: { message?: unknown }; message?: unknown };
  if (typeof error?.message === 'string') return error.message;
  return typeof message === 'string' ? message : undefined;
}
