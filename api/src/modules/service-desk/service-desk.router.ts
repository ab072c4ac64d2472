import type { TRPCRouterRecord } from '@trpc/server';
import { opsProcedure, propertyProcedure, residentProcedure } from '../../trpc';
import { serviceDeskInput } from './service-desk.schema';
import { companyServiceDesk, residentServiceDesk, setServiceDesk } from './service-desk.service';

/** `console.serviceDesk.*`: property staff read their company's desk; ops set it. */
export const consoleServiceDeskRouter = {
  get: propertyProcedure.query(({ ctx }) => companyServiceDesk(ctx.db, ctx.actor)),
  set: opsProcedure
    .input(serviceDeskInput)
    .mutation(({ ctx, input }) => setServiceDesk(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;

/** `me.serviceDesk`: the resident's property service desk (客服). */
export const meServiceDeskProcedure = residentProcedure.query(({ ctx }) =>
  residentServiceDesk(ctx.db, ctx.actor),
);
