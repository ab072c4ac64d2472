import type { TRPCRouterRecord } from '@trpc/server';
import { residentProcedure } from '../../trpc';
import {
  cancelOrderInput,
  disputeOrderInput,
  listOrdersInput,
  orderIdInput,
  reviewOrderInput,
} from './orders.schema';
import {
  cancelResidentOrder,
  confirmResidentOrder,
  disputeResidentOrder,
  getResidentOrder,
  listResidentOrders,
  reviewResidentOrder,
} from './orders.service';
import { liveOrdersInput } from '../merchant/merchant.schema';
import { liveStreams } from '../identity/live-connections';
import { watchLiveOrders } from './live-orders';
import { orderView } from './order-view';
import { timersFrom } from './timers';

/** The resident's own orders (`order.*`). */
export const ordersRouter = {
  list: residentProcedure
    .input(listOrdersInput)
    .query(({ ctx, input }) => listResidentOrders(ctx.db, ctx.actor, input)),
  get: residentProcedure
    .input(orderIdInput)
    .query(({ ctx, input }) => getResidentOrder(ctx.db, ctx.actor, input.id)),
  cancel: residentProcedure
    .input(cancelOrderInput)
    .mutation(({ ctx, input }) =>
      cancelResidentOrder(ctx.db, ctx.actor, input, timersFrom(ctx.env)),
    ),
  confirm: residentProcedure
    .input(orderIdInput)
    .mutation(({ ctx, input }) =>
      confirmResidentOrder(ctx.db, ctx.actor, input.id, timersFrom(ctx.env)),
    ),
  dispute: residentProcedure
    .input(disputeOrderInput)
    .mutation(({ ctx, input }) =>
      disputeResidentOrder(ctx.db, ctx.actor, input, timersFrom(ctx.env)),
    ),
  review: residentProcedure
    .input(reviewOrderInput)
    .mutation(({ ctx, input }) => reviewResidentOrder(ctx.db, ctx.actor, input)),
  /** My orders as they change, over server-sent events (resume with `lastEventId`). */
  live: residentProcedure.input(liveOrdersInput).subscription(({ ctx, input, signal }) =>
    liveStreams.guard(ctx.actor.id, () =>
      watchLiveOrders(
        ctx.db,
        { kind: 'resident', residentId: ctx.actor.id, unitId: ctx.actor.unitId },
        orderView,
        {
          lastEventId: input?.lastEventId,
          token: ctx.token,
          signal,
        },
      ),
    ),
  ),
} satisfies TRPCRouterRecord;
