import type { TRPCRouterRecord } from '@trpc/server';
import { marketProcedure } from '../../trpc';
import { listServicesInput, listSlotsInput, serviceIdInput } from './catalog.schema';
import { getService, listServices, listSlots } from './catalog.service';

export const catalogRouter = {
  services: marketProcedure
    .input(listServicesInput)
    .query(({ ctx, input }) => listServices(ctx.db, ctx.actor, input)),
  service: marketProcedure
    .input(serviceIdInput)
    .query(({ ctx, input }) => getService(ctx.db, ctx.actor, input.id)),
  slots: marketProcedure
    .input(listSlotsInput)
    .query(({ ctx, input }) => listSlots(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
