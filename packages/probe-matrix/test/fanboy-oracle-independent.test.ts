// The oracle that judges MathFanBoy's results must not share the business core's arithmetic: with
// the core's compute() made wrong here, a wrong result is still caught and a right one still passes.
import { describe, expect, it, vi } from 'vitest';

vi.mock('@calc/core', async (original) => ({
  ...(await original<typeof import('@calc/core')>()),
  compute: () => 13,
}));

const { faultIn } = await import('../src/index.js');
const call = (service: 'multiplication' | 'percentage', op1: number, op2: number, result: number) => ({ service, operands: { op1, op2 }, result }) as never;

describe("MathFanBoy's oracle, with the business core's arithmetic broken", () => {
  it('still knows 6 × 7 and 6 % of 50', () => {
    expect(faultIn(call('multiplication', 6, 7, 42))).toBeUndefined();
    expect(faultIn(call('percentage', 6, 50, 3))).toBeUndefined();
  });

  it("still refuses the broken core's answer", () => {
    expect(faultIn(call('multiplication', 6, 7, 13))).toBe('multiplication(6, 7) gave 13, expected 42');
  });
});
