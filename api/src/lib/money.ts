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

/** An integer count of hundredths as exact decimal text: 1234 → "12.34", -5 → "-0.05". */
function hundredthsText(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`expected an integer, got ${n}`);
  const abs = Math.abs(n);
  return `${n < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Fen as an exact yuan amount for files people open in a spreadsheet: 1234 → "12.34", -5 → "-0.05". */
export const fenToYuanText = (fen: number): string => hundredthsText(fen);

/** Basis points as an exact percentage: 3000 → "30.00", 1234 → "12.34". */
export const bpsToPercentText = (bps: number): string => hundredthsText(bps);
