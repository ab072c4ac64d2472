import { merchants, statements } from '@cgp/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import { merchantProcedure, opsProcedure, propertyProcedure } from '../../trpc';
import { recordAudit } from '../audit/audit-log';
import { buildStatements } from './build-statements';
import { retryPayout } from './pay-statement';
import { listStatementsInput, statementIdInput } from './settlement.schema';
import { getStatement, listStatements, merchantEarnings } from './statements.service';

const ofCompany = (companyId: string) =>
  sql`${statements.merchantId} IN (SELECT ${merchants.id} FROM ${merchants} WHERE ${merchants.companyId} = ${companyId})`;

/** Settlement for property staff (`settlement.*`). */
export const settlementRouter = {
  /** Settle everything eligible now, as the daily job would. */
  runNow: opsProcedure.mutation(async ({ ctx }) => {
    const companyMerchants = await ctx.db
      .select({ id: merchants.id })
      .from(merchants)
      .where(eq(merchants.companyId, ctx.actor.companyId));
    if (!companyMerchants.length) return { runId: null, statements: [], orderCount: 0 };
    const run = await buildStatements(ctx.db, { merchantIds: companyMerchants.map((m) => m.id) });
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: 'settlement.runNow',
      subjectType: 'settlement_run',
      subjectId: run.runId,
      after: { orderCount: run.orderCount, statements: run.statements.length },
    });
    return run;
  }),
  retryPayout: opsProcedure.input(statementIdInput).mutation(async ({ ctx, input }) => {
    await getStatement(ctx.db, ofCompany(ctx.actor.companyId), input.id);
    const retried = await retryPayout(ctx.db, input.id);
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: 'settlement.retryPayout',
      subjectType: 'statement',
      subjectId: input.id,
      before: { status: 'failed' },
      after: retried,
    });
    return retried;
  }),
  statements: propertyProcedure
    .input(listStatementsInput)
    .query(({ ctx, input }) => listStatements(ctx.db, ofCompany(ctx.actor.companyId), input)),
  statement: propertyProcedure
    .input(statementIdInput)
    .query(({ ctx, input }) => getStatement(ctx.db, ofCompany(ctx.actor.companyId), input.id)),
} satisfies TRPCRouterRecord;

/** A merchant's own money (`merchant.earnings`, `merchant.statements.*`). */
export const merchantEarningsProcedure = merchantProcedure.query(({ ctx }) =>
  merchantEarnings(ctx.db, ctx.actor.merchantId),
);

export const merchantStatementsRouter = {
  list: merchantProcedure
    .input(listStatementsInput)
    .query(({ ctx, input }) =>
      listStatements(ctx.db, eq(statements.merchantId, ctx.actor.merchantId), input),
    ),
  get: merchantProcedure
    .input(statementIdInput)
    .query(({ ctx, input }) =>
      getStatement(ctx.db, eq(statements.merchantId, ctx.actor.merchantId), input.id),
    ),
} satisfies TRPCRouterRecord;
