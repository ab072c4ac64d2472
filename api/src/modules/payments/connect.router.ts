import type { TRPCRouterRecord } from '@trpc/server';
import { merchantOwnerProcedure, merchantProcedure } from '../../trpc';
import { connectStatus, startOnboarding } from './connect.service';

/** `merchant.connect.*`: the merchant's Stripe Connect account, which statements are paid to. */
export const connectRouter = {
  // Any of the merchant's staff may see whether payouts work; only the owner signs up.
  status: merchantProcedure.query(({ ctx }) => connectStatus(ctx, ctx.actor)),
  onboard: merchantOwnerProcedure.mutation(({ ctx }) => startOnboarding(ctx, ctx.actor)),
} satisfies TRPCRouterRecord;
