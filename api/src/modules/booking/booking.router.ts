import type { TRPCRouterRecord } from '@trpc/server';
import { residentProcedure } from '../../trpc';
import { timersFrom } from '../orders/timers';
import { bookingInput } from './booking.schema';
import { createBooking } from './booking.service';
import { createOnDemandBooking } from './on-demand.service';

export const bookingRouter = {
  create: residentProcedure
    .input(bookingInput)
    .mutation(({ ctx, input }) =>
      input.mode === 'on_demand'
        ? createOnDemandBooking(ctx.db, ctx.actor, input, timersFrom(ctx.env))
        : createBooking(ctx.db, ctx.actor, input, timersFrom(ctx.env)),
    ),
} satisfies TRPCRouterRecord;
