import { bookingRouter } from './modules/booking/booking.router';
import { catalogRouter } from './modules/catalog/catalog.router';
import { authRouter } from './modules/identity/auth.router';
import { merchantOrdersRouter } from './modules/orders/merchant-orders.router';
import { ordersRouter } from './modules/orders/orders.router';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  catalog: catalogRouter,
  booking: bookingRouter,
  order: ordersRouter,
  merchant: router({ orders: merchantOrdersRouter }),
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
