/**
 * `amountFen × bps / 10000`, rounded half up, in integer arithmetic. The one rounding rule for
 * every basis-point share of money (late fees, commission).
 */
export function applyBps(amountFen: number, bps: number): number {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) {
    throw new RangeError(`amount must be a non-negative integer of fen, got ${amountFen}`);
  }
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) {
    throw new RangeError(`bps must be an integer in 0..10000, got ${bps}`);
  }
  // BigInt keeps amount × bps exact beyond 2^53.
  return Number((BigInt(amountFen) * BigInt(bps) + 5_000n) / 10_000n);
}
