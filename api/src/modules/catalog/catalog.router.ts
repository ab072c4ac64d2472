import type { TRPCRouterRecord } from '@trpc/server';
import { authedProcedure } from '../../trpc';
import { listServicesInput, listSlotsInput, serviceIdInput } from './catalog.schema';
import { getService, listServices, listSlots } from './catalog.service';

export const catalogRouter = {
  services: authedProcedure
    .input(listServicesInput)
    .query(({ ctx, input }) => listServices(ctx.db, ctx.actor, input)),
  service: authedProcedure
    .input(serviceIdInput)
    .query(({ ctx, input }) => getService(ctx.db, ctx.actor, input.id)),
  slots: authedProcedure
    .input(listSlotsInput)
    .query(({ ctx, input }) => listSlots(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
