import type { TRPCRouterRecord } from '@trpc/server';
import { merchantOwnerProcedure, merchantProcedure } from '../../trpc';
import { assignOrderInput } from '../delivery/delivery.schema';
import {
  assignMerchantOrder,
  getMerchantOrder,
  listMerchantOrders,
  merchantAct,
  stateMerchantDispute,
} from './merchant-orders.service';
import {
  disputeStatementInput,
  merchantCancelInput,
  merchantListOrdersInput,
  merchantRejectInput,
  orderIdInput,
} from './orders.schema';
import { timersFrom } from './timers';

/** The merchant's order queue (`merchant.orders.*`), for its owner and staff. */
export const merchantOrdersRouter = {
  list: merchantProcedure
    .input(merchantListOrdersInput)
    .query(({ ctx, input }) => listMerchantOrders(ctx.db, ctx.actor, input)),
  get: merchantProcedure
    .input(orderIdInput)
    .query(({ ctx, input }) => getMerchantOrder(ctx.db, ctx.actor, input.id)),
  accept: merchantProcedure
    .input(orderIdInput)
    .mutation(({ ctx, input }) =>
      merchantAct(ctx.db, ctx.actor, { id: input.id, action: 'accept' }, timersFrom(ctx.env)),
    ),
  reject: merchantProcedure
    .input(merchantRejectInput)
    .mutation(({ ctx, input }) =>
      merchantAct(ctx.db, ctx.actor, { ...input, action: 'reject' }, timersFrom(ctx.env)),
    ),
  start: merchantProcedure
    .input(orderIdInput)
    .mutation(({ ctx, input }) =>
      merchantAct(ctx.db, ctx.actor, { id: input.id, action: 'start' }, timersFrom(ctx.env)),
    ),
  complete: merchantProcedure
    .input(orderIdInput)
    .mutation(({ ctx, input }) =>
      merchantAct(ctx.db, ctx.actor, { id: input.id, action: 'complete' }, timersFrom(ctx.env)),
    ),
  cancel: merchantProcedure
    .input(merchantCancelInput)
    .mutation(({ ctx, input }) =>
      merchantAct(ctx.db, ctx.actor, { ...input, action: 'merchantCancel' }, timersFrom(ctx.env)),
    ),
  /** The merchant's side of an open dispute on its order, for property ops to read. */
  stateDispute: merchantProcedure
    .input(disputeStatementInput)
    .mutation(({ ctx, input }) => stateMerchantDispute(ctx.db, ctx.actor, input)),
  /** The owner gives the order to another of the merchant's workers. */
  assign: merchantOwnerProcedure
    .input(assignOrderInput)
    .mutation(({ ctx, input }) => assignMerchantOrder(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
