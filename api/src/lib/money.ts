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

/** Fen as an exact yuan amount for files people open in a spreadsheet: 1234 → "12.34", -5 → "-0.05". */
export function fenToYuanText(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fen must be an integer, got ${fen}`);
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
