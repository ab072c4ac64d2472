import { statements } from '@cgp/db';
import { eq } from 'drizzle-orm';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { NotFound } from '../../errors';
import { merchantActorOf, requireMerchantOwner } from '../identity/http-session';
import { statementCsv } from './statement-csv';
import { getStatement } from './statements.service';

/**
 * `GET /merchant/export/statements/:id.csv` for the merchant's owner: one statement with its order
 * lines (`statementCsv`), from the same query as `merchant.statements.get`, so the file and the
 * page agree to the fen.
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
      const csv = statementCsv(statement, deps.env.TZ_BUSINESS);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${csv.filename}"`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(csv.body);
    },
  );
  return routes;
}
