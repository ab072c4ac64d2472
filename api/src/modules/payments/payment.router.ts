import type { TRPCRouterRecord } from '@trpc/server';
import { residentProcedure } from '../../trpc';
import { openCheckout } from './checkout.service';
import { checkoutInput } from './payment.schema';

/** `payment.*`: how a resident pays (SPEC §5). */
export const paymentRouter = {
  checkout: residentProcedure
    .input(checkoutInput)
    .mutation(({ ctx, input }) => openCheckout(ctx, ctx.actor, input.orderId)),
} satisfies TRPCRouterRecord;
