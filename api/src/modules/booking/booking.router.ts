import { orders } from '@cgp/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { residentProcedure } from '../../trpc';
import { orderView, selectOrders } from '../orders/order-view';
import { timersFrom } from '../orders/timers';
import { createBookingInput } from './booking.schema';
import { createBooking } from './booking.service';

export const bookingRouter = {
  create: residentProcedure.input(createBookingInput).mutation(async ({ ctx, input }) => {
    const { orderId, replayed } = await createBooking(
      ctx.db,
      ctx.actor,
      input,
      timersFrom(ctx.env),
    );
    const [row] = await selectOrders(ctx.db).where(eq(orders.id, orderId));
    return { ...orderView(row!), replayed };
  }),
} satisfies TRPCRouterRecord;
