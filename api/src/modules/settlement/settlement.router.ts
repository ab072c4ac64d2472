import { statements } from '@cgp/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import { companyScope, merchantInScope } from '../identity/tenant-scope';
import { merchantOwnerProcedure, opsProcedure, propertyProcedure } from '../../trpc';
import { jobState } from './job-state.service';
import { retryPayout } from './pay-statement';
import { settleCompanyNow } from './settle-now';
import { merchantEarningsByDay } from './daily-earnings.service';
import { dailyEarningsInput, listStatementsInput, statementIdInput } from './settlement.schema';
import { getStatement, listStatements, merchantEarnings } from './statements.service';

const ofCompany = (companyId: string) =>
  merchantInScope(sql`${statements.merchantId}`, companyScope(companyId));

/** Settlement for property staff (`settlement.*`). */
export const settlementRouter = {
  /** Settle everything eligible now, as the daily job would. */
  runNow: opsProcedure.mutation(({ ctx }) => settleCompanyNow(ctx.db, ctx.actor)),
  retryPayout: opsProcedure.input(statementIdInput).mutation(async ({ ctx, input }) => {
    await getStatement(ctx.db, ofCompany(ctx.actor.companyId), input.id);
    return retryPayout(ctx.db, input.id, ctx.actor);
  }),
  /** Its company's settlement runs, payouts and failed jobs, for the console. */
  jobState: propertyProcedure.query(({ ctx }) =>
    jobState(ctx.db, companyScope(ctx.actor.companyId)),
  ),
  statements: propertyProcedure
    .input(listStatementsInput)
    .query(({ ctx, input }) => listStatements(ctx.db, ofCompany(ctx.actor.companyId), input)),
  statement: propertyProcedure
    .input(statementIdInput)
    .query(({ ctx, input }) => getStatement(ctx.db, ofCompany(ctx.actor.companyId), input.id)),
} satisfies TRPCRouterRecord;

/** A merchant's own money (`merchant.earnings`, `merchant.statements.*`): the owner's to see. */
export const merchantEarningsProcedure = merchantOwnerProcedure.query(({ ctx }) =>
  merchantEarnings(ctx.db, ctx.actor.merchantId),
);

/** The merchant's share of what it served, day by day: the earnings page's chart. */
export const merchantEarningsByDayProcedure = merchantOwnerProcedure
  .input(dailyEarningsInput)
  .query(({ ctx, input }) =>
    merchantEarningsByDay(ctx.db, ctx.actor.merchantId, input, ctx.env.TZ_BUSINESS),
  );

export const merchantStatementsRouter = {
  list: merchantOwnerProcedure
    .input(listStatementsInput)
    .query(({ ctx, input }) =>
      listStatements(ctx.db, eq(statements.merchantId, ctx.actor.merchantId), input),
    ),
  get: merchantOwnerProcedure
    .input(statementIdInput)
    .query(({ ctx, input }) =>
      getStatement(ctx.db, eq(statements.merchantId, ctx.actor.merchantId), input.id),
    ),
} satisfies TRPCRouterRecord;
