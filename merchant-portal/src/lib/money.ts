/**
 * Money in the portal: integer fen from the API, yuan text in forms. Only string and integer
 * arithmetic, so no float rounding ever reaches a price.
 */

/** 1250 → "¥12.50"; negative amounts keep their sign in front: "-¥3.00". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100).toLocaleString('en-US');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** 1250 → "12.50", for a form field. */
export function fenToYuanText(fen: number): string {
  return formatFen(fen).replace('¥', '').replaceAll(',', '');
}

/** "12.5" → 1250; null for anything that is not a plain amount with at most two decimals. */
export function parseYuan(text: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** 2000 → "20", 1250 → "12.5": basis points as a percentage for a form field. */
export function bpsToPercentText(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const rest = String(bps % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : String(whole);
}

/** "20" → 2000, "12.5" → 1250; null when not a percentage with at most two decimals. */
export function parsePercent(text: string): number | null {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
