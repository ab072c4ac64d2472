import type { TRPCRouterRecord } from '@trpc/server';
import { merchantProcedure } from '../../trpc';
import { liveStreams } from '../identity/live-connections';
import { watchLiveOrders } from '../orders/live-orders';
import { merchantOrderView } from '../orders/merchant-order-view';
import { listReviewsInput, liveOrdersInput } from './merchant.schema';
import { getMerchantProfile } from './profile.service';
import { listMerchantReviews } from './reviews.service';
import { merchantScheduleRouter } from './schedule.router';
import { merchantServicesRouter } from './services.router';

/** The merchant portal's procedures beside `merchant.orders`: profile, services, schedule, reviews. */
export const merchantPortalRouter = {
  profile: merchantProcedure.query(({ ctx }) => getMerchantProfile(ctx.db, ctx.actor)),
  services: merchantServicesRouter,
  schedule: merchantScheduleRouter,
  reviews: {
    list: merchantProcedure
      .input(listReviewsInput)
      .query(({ ctx, input }) => listMerchantReviews(ctx.db, ctx.actor, input)),
  },
} satisfies TRPCRouterRecord;

/** `merchant.orders.live`, merged into the order queue's router: new and changed orders over SSE. */
export const merchantLiveOrdersRouter = {
  live: merchantProcedure.input(liveOrdersInput).subscription(({ ctx, input, signal }) =>
    liveStreams.guard(ctx.actor.id, () =>
      watchLiveOrders(
        ctx.db,
        { kind: 'merchant', merchantId: ctx.actor.merchantId },
        (row) => merchantOrderView(row),
        {
          lastEventId: input?.lastEventId,
          token: ctx.token,
          signal,
        },
      ),
    ),
  ),
} satisfies TRPCRouterRecord;
