import type { TRPCRouterRecord } from '@trpc/server';
import { opsProcedure, propertyProcedure } from '../../trpc';
import { getConsoleOrder, listConsoleOrders } from './console-orders.service';
import {
  auditLogInput,
  consoleDisputesInput,
  consoleOrderInput,
  consoleOrdersInput,
  merchantStatusInput,
} from './console.schema';
import { listAuditLog, listDisputes, listMerchants, setMerchantStatus } from './console.service';

/** The property console (`console.*`): property staff read their company; operations change it. */
export const consoleRouter = {
  orders: propertyProcedure
    .input(consoleOrdersInput)
    .query(({ ctx, input }) => listConsoleOrders(ctx.db, ctx.actor, input)),
  order: propertyProcedure
    .input(consoleOrderInput)
    .query(({ ctx, input }) => getConsoleOrder(ctx.db, ctx.actor, input.id)),
  disputes: propertyProcedure
    .input(consoleDisputesInput)
    .query(({ ctx, input }) => listDisputes(ctx.db, ctx.actor, input.status)),
  merchants: propertyProcedure.query(({ ctx }) => listMerchants(ctx.db, ctx.actor)),
  setMerchantStatus: opsProcedure
    .input(merchantStatusInput)
    .mutation(({ ctx, input }) => setMerchantStatus(ctx.db, ctx.actor, input)),
  auditLog: propertyProcedure
    .input(auditLogInput)
    .query(({ ctx, input }) => listAuditLog(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
