import type { TRPCRouterRecord } from '@trpc/server';
import { operatorProcedure, opsProcedure, propertyProcedure } from '../../trpc';
import { tenantScopeOf } from '../identity/tenant-scope';
import { consoleKpis, consoleTrends } from './dashboard.service';
import { getDispute, previewDisputeRefund } from './dispute-view.service';
import { getConsoleOrder, listConsoleOrders } from './console-orders.service';
import {
  auditLogInput,
  consoleDisputeInput,
  consoleDisputesInput,
  disputeRefundPreviewInput,
  consoleOrderInput,
  consoleOrdersInput,
  merchantStatusInput,
  trendsInput,
} from './console.schema';
import { listAuditLog, listDisputes, listMerchants, setMerchantStatus } from './console.service';
import { acknowledgeBreachAlerts, listBreachAlerts } from '../notifications/breach-alerts';
import { acknowledgeBreachesInput } from '../notifications/messages.schema';

/** The property console (`console.*`): property staff read their company; operations change it. */
export const consoleRouter = {
  /** The landing page's cards: the company's for its staff, the deployment's for the operator. */
  kpis: operatorProcedure.query(({ ctx }) =>
    consoleKpis(ctx.db, tenantScopeOf(ctx.actor), ctx.env.TZ_BUSINESS),
  ),
  /** Gross and platform share by day or month, with month on month (环比). */
  trends: operatorProcedure
    .input(trendsInput)
    .query(({ ctx, input }) =>
      consoleTrends(ctx.db, tenantScopeOf(ctx.actor), input, ctx.env.TZ_BUSINESS),
    ),
  orders: propertyProcedure
    .input(consoleOrdersInput)
    .query(({ ctx, input }) => listConsoleOrders(ctx.db, ctx.actor, input)),
  order: propertyProcedure
    .input(consoleOrderInput)
    .query(({ ctx, input }) => getConsoleOrder(ctx.db, ctx.actor, input.id)),
  disputes: propertyProcedure
    .input(consoleDisputesInput)
    .query(({ ctx, input }) => listDisputes(ctx.db, ctx.actor, input.status)),
  /** One dispute with both sides, the photos, the order and what is left to refund. */
  dispute: propertyProcedure
    .input(consoleDisputeInput)
    .query(({ ctx, input }) => getDispute(ctx.db, ctx.actor, input.orderId)),
  /** What a proposed refund leaves of the order, and how that is shared. */
  disputeRefundPreview: propertyProcedure
    .input(disputeRefundPreviewInput)
    .query(({ ctx, input }) => previewDisputeRefund(ctx.db, ctx.actor, input)),
  merchants: propertyProcedure.query(({ ctx }) => listMerchants(ctx.db, ctx.actor)),
  setMerchantStatus: opsProcedure
    .input(merchantStatusInput)
    .mutation(({ ctx, input }) => setMerchantStatus(ctx.db, ctx.actor, input)),
  auditLog: propertyProcedure
    .input(auditLogInput)
    .query(({ ctx, input }) => listAuditLog(ctx.db, ctx.actor, input)),
  /** SLA breaches escalated to property ops (超时提醒), in words, with the unread count. */
  breachAlerts: opsProcedure.query(({ ctx }) => listBreachAlerts(ctx.db, ctx.actor)),
  acknowledgeBreaches: opsProcedure
    .input(acknowledgeBreachesInput)
    .mutation(({ ctx, input }) => acknowledgeBreachAlerts(ctx.db, ctx.actor, input.ids)),
} satisfies TRPCRouterRecord;
