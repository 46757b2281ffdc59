import { ApiError } from './errors.js';

export interface Operands {
  op1: number;
  op2: number;
}

/** Checks a parsed JSON body and returns its two operands, or throws a 400 ApiError saying what is wrong. */
export function parseOperands(body: unknown): Operands {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('INVALID_BODY', 'the body must be a JSON object like {"op1": 6, "op2": 7}');
  }
  const record = body as Record<string, unknown>;
  return { op1: operand(record, 'op1'), op2: operand(record, 'op2') };
}

function operand(body: Record<string, unknown>, name: 'op1' | 'op2'): number {
  const value = body[name];
  if (value === undefined || value === null) {
    throw new ApiError('MISSING_OPERAND', `${name} is missing`, { operand: name });
  }
  if (typeof value !== 'number') {
    throw new ApiError('INVALID_OPERAND', `${name} must be a JSON number, got ${typeof value}`, { operand: name });
  }
  // JSON.parse turns a literal such as 1e999 into Infinity.
  if (!Number.isFinite(value)) {
    throw new ApiError('NON_FINITE_OPERAND', `${name} must be finite`, { operand: name });
  }
  return value;
}
