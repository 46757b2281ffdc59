import { describe, expect, it } from 'vitest';
import { ApiError, compute, DownstreamError, percentage, type Invoker, type Operands, type OperationService } from '../src/index.js';

/** An invoker that computes locally and records each call, as a seam for percentage's composition. */
function recordingInvoker(): Invoker & { calls: Array<[OperationService, Operands]> } {
  const calls: Array<[OperationService, Operands]> = [];
  return {
    calls,
    async call(service, operands) {
      calls.push([service, operands]);
      try {
        return compute(service as 'multiplication' | 'division', operands);
      } catch (error) {
        throw new DownstreamError(service, 422, { error: { code: (error as { code: string }).code } }, 'failed');
      }
    },
  };
}

describe('percentage', () => {
  it('multiplies, then divides by 100', async () => {
    const invoker = recordingInvoker();
    await expect(percentage({ op1: 40, op2: 50 }, { invoker, random: () => 0.9, faultRate: 0.5 })).resolves.toBe(20);
    expect(invoker.calls).toEqual([
      ['multiplication', { op1: 40, op2: 50 }],
      ['division', { op1: 2000, op2: 100 }],
    ]);
  });

  it('divides by zero when the random draw falls under the fault rate, and lets the 422 through', async () => {
    const invoker = recordingInvoker();
    const result = percentage({ op1: 40, op2: 50 }, { invoker, random: () => 0.1, faultRate: 0.5 });
    await expect(result).rejects.toMatchObject({ service: 'division', status: 422 });
    expect(invoker.calls[1]).toEqual(['division', { op1: 2000, op2: 0 }]);
  });

  it("passes multiplication's 422 on as the caller's own 422 with the same code (its operands caused it)", async () => {
    const invoker = recordingInvoker();
    const result = percentage({ op1: 1.7e308, op2: 1.7e308 }, { invoker, random: () => 0.9, faultRate: 0.5 });
    await expect(result).rejects.toBeInstanceOf(ApiError);
    await expect(result).rejects.toMatchObject({ status: 422, code: 'RESULT_NOT_FINITE', details: { downstream: { service: 'multiplication', status: 422 } } });
    expect(invoker.calls).toHaveLength(1);
  });

  it('keeps any other multiplication failure a downstream failure (502 at the edge)', async () => {
    const invoker: Invoker = { call: async () => Promise.reject(new DownstreamError('multiplication', 503, { errorCode: 'ERR_DIRECT_INVOKE' }, 'x')) };
    await expect(percentage({ op1: 1, op2: 2 }, { invoker, random: () => 0.9, faultRate: 0 })).rejects.toBeInstanceOf(DownstreamError);
  });

  it('never faults with a fault rate of 0', async () => {
    const invoker = recordingInvoker();
    await expect(percentage({ op1: 1, op2: 1 }, { invoker, random: () => 0, faultRate: 0 })).resolves.toBe(0.01);
  });

  it('turns a downstream failure into 502 DOWNSTREAM_ERROR carrying the callee error', () => {
    const body = { error: { code: 'DIVISION_BY_ZERO', message: 'cannot divide by zero' } };
    const apiError = new DownstreamError('division', 422, body, 'x').toApiError();
    expect(apiError.status).toBe(502);
    expect(apiError.toBody()).toEqual({
      error: {
        code: 'DOWNSTREAM_ERROR',
        message: 'division answered 422 DIVISION_BY_ZERO: cannot divide by zero',
        downstream: { service: 'division', status: 422, body },
      },
    });
  });

  it('reports an unreachable callee as 502 DOWNSTREAM_UNAVAILABLE', () => {
    const apiError = new DownstreamError('multiplication', undefined, undefined, 'connect ECONNREFUSED').toApiError();
    expect(apiError).toMatchObject({ status: 502, code: 'DOWNSTREAM_UNAVAILABLE' });
    expect(apiError.message).toContain('ECONNREFUSED');
  });
});
