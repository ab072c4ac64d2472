import type { TRPCRouterRecord } from '@trpc/server';
import { residentProcedure } from '../../trpc';
import { timersFrom } from '../orders/timers';
import { bookingInput, onDemandOfferInput } from './booking.schema';
import { createBooking } from './booking.service';
import { createOnDemandBooking, onDemandOffer } from './on-demand.service';

export const bookingRouter = {
  create: residentProcedure
    .input(bookingInput)
    .mutation(({ ctx, input }) =>
      input.mode === 'on_demand'
        ? createOnDemandBooking(ctx.db, ctx.actor, input, timersFrom(ctx.env))
        : createBooking(ctx.db, ctx.actor, input, timersFrom(ctx.env)),
    ),
  onDemandOffer: residentProcedure
    .input(onDemandOfferInput)
    .query(({ ctx, input }) => onDemandOffer(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
