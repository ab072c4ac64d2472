import { statements } from '@cgp/db';
import { eq } from 'drizzle-orm';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { NotFound } from '../../errors';
import { BOM, csvLine } from '../../lib/csv';
import { bpsToPercentText, fenToYuanText } from '../../lib/money';
import { merchantActorOf, requireMerchantOwner } from '../identity/http-session';
import { getStatement } from './statements.service';

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
 * `GET /merchant/export/statements/:id.csv` for the merchant's owner: one statement with its order
 * lines, from the same query as `merchant.statements.get`, so the file and the page agree to the
 * fen. UTF-8 with a BOM (Excel and WPS read the Chinese correctly), amounts as exact yuan.
 */
export function statementExportRoutes(deps: AppDeps): Router {
  const routes = express.Router();
  routes.get(
    '/merchant/export/statements/:id.csv',
    requireMerchantOwner(deps),
    async (req: Request, res: Response) => {
      const id = z.string().uuid().safeParse(req.params.id);
      if (!id.success) {
        res.status(400).json({ error: { message: 'A statement id is a UUID' } });
        return;
      }
      const actor = merchantActorOf(req);
      let statement;
      try {
        statement = await getStatement(
          deps.db,
          eq(statements.merchantId, actor.merchantId),
          id.data,
        );
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
        res.status(404).json({ error: { message: 'No such statement' } });
        return;
      }
      const at = (iso: string) =>
        new Date(iso).toLocaleString('sv-SE', { timeZone: deps.env.TZ_BUSINESS }).slice(0, 16);
      const rows = statement.lines.map((l) => [
        l.orderId,
        l.service.titleZh,
        at(l.startsAt),
        l.orderStatus,
        fenToYuanText(l.grossFen),
        fenToYuanText(l.refundFen),
        fenToYuanText(l.netFen),
        bpsToPercentText(l.platformBps),
        fenToYuanText(l.platformFen),
        fenToYuanText(l.merchantFen),
      ]);
      const yuan = fenToYuanText;
      const s = statement;
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
      const day = at(statement.createdAt).slice(0, 10);
      const name = `statement-${day}-${statement.id.slice(0, 8)}.csv`;
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(BOM + csvLine(HEADER) + [...rows, ...summary].map(csvLine).join(''));
    },
  );
  return routes;
}
