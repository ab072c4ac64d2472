/**
 * Formats an integer amount of fen as yuan, e.g. 1250 → "¥12.50". Integer arithmetic only, so no
 * float rounding ever shows up in a price.
 */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100);
  const cents = abs % 100;
  return `${sign}¥${yuan.toLocaleString('en-US')}.${String(cents).padStart(2, '0')}`;
}

/** Price × quantity in fen, refusing results that would lose integer precision. */
export function multiplyFen(unitFen: number, quantity: number): number {
  const total = unitFen * quantity;
  if (!Number.isSafeInteger(total)) throw new RangeError('Amount out of range');
  return total;
}
