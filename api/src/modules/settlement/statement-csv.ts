import { labelOf } from '../../labels';
import { linesInWords } from '../menu/menu.schema';
import { BOM, csvLine } from '../../lib/csv';
import { bpsToPercentText, fenToYuanText as yuan } from '../../lib/money';
import type { getStatement } from './statements.service';

type Statement = Awaited<ReturnType<typeof getStatement>>;

const HEADER = [
  '订单号',
  '服务',
  '服务时间',
  '订单状态',
  '总额(元)',
  '退款(元)',
  '净额(元)',
  '平台费率(%)',
  '平台服务费(元)',
  '商户所得(元)',
];

/**
 * A statement as the merchant's CSV file: one line per order, then the totals, the carry-in and
 * the payout. UTF-8 with a BOM (Excel and WPS read the Chinese correctly), amounts as exact yuan,
 * times in the business time zone.
 */
export function statementCsv(statement: Statement, timeZone: string) {
  const at = (iso: string) => new Date(iso).toLocaleString('sv-SE', { timeZone }).slice(0, 16);
  const s = statement;
  const lines = s.lines.map((l) => [
    l.orderNo,
    l.dishes.length ? `${l.service.titleZh}（${linesInWords(l.dishes)}）` : l.service.titleZh,
    at(l.startsAt),
    labelOf('orderStatus', l.orderStatus),
    yuan(l.grossFen),
    yuan(l.refundFen),
    yuan(l.netFen),
    bpsToPercentText(l.platformBps),
    yuan(l.platformFen),
    yuan(l.merchantFen),
  ]);
  const summary = [
    ['合计', '', '', `${s.orderCount} 单`, yuan(s.grossFen), yuan(s.refundFen)].concat([
      yuan(s.grossFen - s.refundFen),
      '',
      yuan(s.platformFen),
      yuan(s.merchantFen),
    ]),
    ['上期结转(元)', '', '', '', '', '', '', '', '', yuan(s.carriedInFen)],
    ['本期应付(元)', '', '', '', '', '', '', '', '', yuan(s.payoutFen)],
  ];
  return {
    filename: `statement-${at(s.createdAt).slice(0, 10)}-${s.id.slice(0, 8)}.csv`,
    body: BOM + csvLine(HEADER) + [...lines, ...summary].map(csvLine).join(''),
  };
}
