import type { TRPCRouterRecord } from '@trpc/server';
import { merchantOwnerProcedure } from '../../trpc';
import { connectStatus, startOnboarding } from './connect.service';

/** `merchant.connect.*`: the merchant's Stripe Connect account, which statements are paid to. */
export const connectRouter = {
  // Where the merchant's money goes is the owner's business, like the earnings themselves.
  status: merchantOwnerProcedure.query(({ ctx }) => connectStatus(ctx, ctx.actor)),
  onboard: merchantOwnerProcedure.mutation(({ ctx }) => startOnboarding(ctx, ctx.actor)),
} satisfies TRPCRouterRecord;
