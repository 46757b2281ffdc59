import { ApiError } from './errors.js';
import type { Operands } from './operands.js';

export type LeafOperation = 'addition' | 'subtraction' | 'multiplication' | 'division';

const COMPUTE: Record<LeafOperation, (a: number, b: number) => number> = {
  addition: (a, b) => a + b,
  subtraction: (a, b) => a - b,
  multiplication: (a, b) => a * b,
  division: (a, b) => {
    if (b === 0) throw new ApiError('DIVISION_BY_ZERO', 'cannot divide by zero');
    return a / b;
  },
};

/** Computes one operation; a result that overflows to ±Infinity is an error, not an answer. */
export function compute(operation: LeafOperation, { op1, op2 }: Operands): number {
  const result = COMPUTE[operation](op1, op2);
  if (!Number.isFinite(result)) {
    throw new ApiError('RESULT_NOT_FINITE', `${operation} of ${op1} and ${op2} is not a finite number`);
  }
  return result;
}
