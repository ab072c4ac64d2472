/**
 * Money and rates as people read and type them. The API speaks integer fen and basis points;
 * screens show and take 元 and %. Only string and integer arithmetic, so no float rounding ever
 * reaches an amount.
 */

/** 1250 → "¥12.50"; negative amounts keep their sign in front: "-¥3.00". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100).toLocaleString('en-US');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** Price × quantity in fen, refusing results that would lose integer precision. */
export function multiplyFen(unitFen: number, quantity: number): number {
  const total = unitFen * quantity;
  if (!Number.isSafeInteger(total)) throw new RangeError('Amount out of range');
  return total;
}

/** 1250 → "12.50", -300 → "-3.00": plain yuan for a form field or a spreadsheet cell. */
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

/** 2000 → "20%", 1250 → "12.5%". */
export function formatBps(bps: number): string {
  return `${bpsToPercentText(bps)}%`;
}

/**
 * "20" → 2000, "12.5" → 1250; null when not a percentage with at most two decimals. Ranges
 * (0–100 for a rate) are the schema's or the input's to check.
 */
export function parsePercent(text: string): number | null {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/%$/, ''));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Month-on-month change of an amount, as a signed percentage text ("+12.5%"), or null with no base. */
export function formatChange(current: number, previous: number): string | null {
  if (previous === 0) return null;
  const tenths = Math.round(((current - previous) * 1000) / Math.abs(previous));
  const sign = tenths > 0 ? '+' : tenths < 0 ? '-' : '';
  const abs = Math.abs(tenths);
  return `${sign}${Math.trunc(abs / 10)}.${abs % 10}%`;
}
