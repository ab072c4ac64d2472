import express, { type Request, type Response, type Router } from 'express';
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../../deps';
import { exportRange, exportReports, type ExportReport } from './console.schema';
import { BOM, csvLine } from '../../lib/csv';
import { REPORTS } from './export.reports';
import { propertyActorOf, requireStaff } from '../identity/http-session';

/** Rows fetched from the cursor per round trip: large enough to be quick, small enough to stay flat. */
const BATCH_ROWS = 2000;

/** Resolves when the client has taken what was written, or has gone away. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * The period a file covers, by business days, first and last inclusive: [11-01 00:00, 12-01
 * 00:00) Shanghai is "2026-11-01_2026-11-30", not the UTC day the range starts on.
 */
export function periodOf(from: string, to: string, timeZone: string): string {
  const day = (ms: number) => new Date(ms).toLocaleDateString('sv-SE', { timeZone });
  const first = day(Date.parse(from));
  const last = day(Date.parse(to) - 1);
  return first === last ? first : `${first}_${last}`;
}

const isReport = (name: string): name is ExportReport =>
  (exportReports as readonly string[]).includes(name);

/**
 * `GET /console/export/{revenue-share|statements|ledger}.csv?from&to` for property staff: UTF-8
 * with a BOM, streamed from a server-side cursor with back-pressure, so memory stays flat however
 * many rows the range holds.
 */
export function exportRoutes(deps: AppDeps): Router {
  const routes = express.Router();
  routes.get(
    '/console/export/:report.csv',
    requireStaff(deps, ['property_auditor', 'property_ops']),
    async (req: Request, res: Response) => {
      const report = String(req.params.report);
      if (!isReport(report)) {
        res.status(404).json({ error: { message: `No report named ${report}` } });
        return;
      }
      const range = exportRange.safeParse({ from: req.query.from, to: req.query.to });
      if (!range.success) {
        res.status(400).json({
          error: { message: 'from and to must be ISO-8601 times with an offset, to after from' },
        });
        return;
      }
      const definition = REPORTS[report];
      const query = definition.query({
        companyId: propertyActorOf(req).companyId,
        ...range.data,
        timeZone: deps.env.TZ_BUSINESS,
      });
      let closed = false;
      res.on('close', () => {
        closed = true;
      });
      const period = periodOf(range.data.from, range.data.to, deps.env.TZ_BUSINESS);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${report}_${period}.csv"; filename*=UTF-8''${encodeURIComponent(`${definition.title}_${period}.csv`)}`,
      );
      res.setHeader('Cache-Control', 'no-store');
      try {
        await deps.db.transaction(
          async (tx) => {
            // Positional column names: a report may select two columns of the same name.
            const columns = definition.header.map((_, i) => `c${i}`).join(', ');
            await tx.execute(
              sql`DECLARE console_export NO SCROLL CURSOR FOR SELECT * FROM (${query}) AS report(${sql.raw(columns)})`,
            );
            res.write(BOM + csvLine(definition.header));
            while (!closed) {
              const { rows } = await tx.execute<Record<string, unknown>>(
                sql`FETCH ${sql.raw(String(BATCH_ROWS))} FROM console_export`,
              );
              if (!rows.length) break;
              const chunk = rows.map((r) => csvLine(Object.values(r))).join('');
              if (!res.write(chunk)) await drained(res);
            }
          },
          { accessMode: 'read only' },
        );
        res.end();
      } catch (error) {
        deps.logger.error({ err: error, report }, 'export failed');
        if (res.headersSent) res.destroy(error as Error);
        else res.status(500).json({ error: { message: 'Internal error' } });
      }
    },
  );
  return routes;
}
