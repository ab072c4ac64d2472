import type { TRPCRouterRecord } from '@trpc/server';
import { residentProcedure } from '../../trpc';
import { timersFrom } from '../orders/timers';
import { createBookingInput } from './booking.schema';
import { createBooking } from './booking.service';

export const bookingRouter = {
  create: residentProcedure
    .input(createBookingInput)
    .mutation(({ ctx, input }) => createBooking(ctx.db, ctx.actor, input, timersFrom(ctx.env))),
} satisfies TRPCRouterRecord;
