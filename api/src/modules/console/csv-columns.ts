import { sql, type SQL } from 'drizzle-orm';
import { LABELS, type LabelGroup } from '../../labels';
import { PAYABLE_PREFIX } from '../ledger/accounts';

/**
 * Columns as a clerk files them: amounts in 元 with two decimals, times in the business time
 * zone, codes by their Chinese label from the one label table.
 */

/** Integer fen → "1234.50" (exact: numeric division, then two decimals). */
export const yuan = (fen: SQL | string): SQL =>
  sql`to_char((${typeof fen === 'string' ? sql.raw(fen) : fen})::numeric / 100, 'FM999999999999990.00')`;

/** An instant as "2026-11-01 02:59" in the business time zone. */
export const localTime = (instant: SQL | string, timeZone: string): SQL =>
  sql`to_char((${typeof instant === 'string' ? sql.raw(instant) : instant}) AT TIME ZONE ${timeZone}, 'YYYY-MM-DD HH24:MI')`;

/** A code by its Chinese label; a code the table does not know reads 其他, never itself. */
export function label(group: LabelGroup, code: SQL | string): SQL {
  const column = typeof code === 'string' ? sql.raw(code) : code;
  const table = LABELS[group] as Readonly<Record<string, readonly [string, string]>>;
  const whens = Object.entries(table).map(([key, [zh]]) => sql`WHEN ${key} THEN ${zh}`);
  return sql`(CASE (${column})::text ${sql.join(whens, sql` `)} ELSE '其他' END)`;
}

/** A ledger account in words: payables carry their merchant's name. */
export function accountLabel(account: string, merchantName: string): SQL {
  const column = sql.raw(account);
  return sql`(CASE WHEN ${column} LIKE ${PAYABLE_PREFIX + '%'} THEN '应付商户款 · ' || coalesce(${sql.raw(merchantName)}, '') ELSE ${label('account', account)} END)`;
}
