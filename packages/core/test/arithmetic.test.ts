import { describe, expect, it } from 'vitest';
import { ApiError, compute, parseOperands } from '../src/index.js';

describe('compute', () => {
  it.each([
    ['addition', 6, 7, 13],
    ['subtraction', 6, 7, -1],
    ['multiplication', 6, 7, 42],
    ['division', 7, 2, 3.5],
  ] as const)('%s(%d, %d) = %d', (operation, op1, op2, expected) => {
    expect(compute(operation, { op1, op2 })).toBe(expected);
  });

  it('refuses to divide by zero with 422 DIVISION_BY_ZERO', () => {
    const error = catchError(() => compute('division', { op1: 1, op2: 0 }));
    expect(error).toMatchObject({ status: 422, code: 'DIVISION_BY_ZERO' });
  });

  it.each([
    ['addition', 1e308, 1e308],
    ['subtraction', -1e308, 1e308],
    ['multiplication', 1e308, 10],
    ['division', 1e308, 1e-308],
  ] as const)('turns an overflow of %s into 422 RESULT_NOT_FINITE', (operation, op1, op2) => {
    expect(catchError(() => compute(operation, { op1, op2 }))).toMatchObject({ status: 422, code: 'RESULT_NOT_FINITE' });
  });
});

describe('parseOperands', () => {
  it('returns both operands of a valid body', () => {
    expect(parseOperands({ op1: -2.5, op2: 0 })).toEqual({ op1: -2.5, op2: 0 });
  });

  it.each([
    ['no body', undefined, 'INVALID_BODY'],
    ['a string', 'op1', 'INVALID_BODY'],
    ['an array', [1, 2], 'INVALID_BODY'],
    ['a missing op2', { op1: 1 }, 'MISSING_OPERAND'],
    ['a null op1', { op1: null, op2: 1 }, 'MISSING_OPERAND'],
    ['a numeric string', { op1: '1', op2: 2 }, 'INVALID_OPERAND'],
    ['a boolean', { op1: true, op2: 2 }, 'INVALID_OPERAND'],
    ['Infinity', { op1: Infinity, op2: 2 }, 'NON_FINITE_OPERAND'],
    ['NaN', { op1: 1, op2: NaN }, 'NON_FINITE_OPERAND'],
  ])('rejects %s with 400 %s', (_name, body, code) => {
    const error = catchError(() => parseOperands(body));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
