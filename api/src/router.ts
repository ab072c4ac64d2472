import { merchantWorkersRouter } from './modules/delivery/delivery.router';
import { bookingRouter } from './modules/booking/booking.router';
import { catalogRouter } from './modules/catalog/catalog.router';
import { authRouter } from './modules/identity/auth.router';
import { merchantLiveOrdersRouter, merchantPortalRouter } from './modules/merchant/merchant.router';
import { meAddressesRouter, meFamilyRouter } from './modules/household/household.router';
import { catalogMenuProcedure, merchantDishesRouter } from './modules/menu/menu.router';
import { meMessagesRouter } from './modules/notifications/me.router';
import { merchantOrdersRouter } from './modules/orders/merchant-orders.router';
import { opsRouter } from './modules/orders/ops.router';
import { ordersRouter } from './modules/orders/orders.router';
import { workerRouter } from './modules/orders/worker.router';
import { connectRouter } from './modules/payments/connect.router';
import { opsRefundsRouter } from './modules/payments/ops-refunds.router';
import { paymentRouter } from './modules/payments/payment.router';
import { auditRouter } from './modules/audit/audit.router';
import { commissionRouter } from './modules/ledger/commission.router';
import { consoleRouter } from './modules/console/console.router';
import {
  meSurveysRouter,
  merchantQualityRouter,
  qualityRouter,
  reviewReplyProcedure,
} from './modules/quality/quality.router';
import {
  merchantEarningsByDayProcedure,
  merchantEarningsProcedure,
  merchantStatementsRouter,
  settlementRouter,
} from './modules/settlement/settlement.router';
import {
  consoleServiceDeskRouter,
  meServiceDeskProcedure,
} from './modules/service-desk/service-desk.router';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  catalog: router({ ...catalogRouter, menu: catalogMenuProcedure }),
  booking: bookingRouter,
  order: ordersRouter,
  payment: paymentRouter,
  merchant: router({
    orders: { ...merchantOrdersRouter, ...merchantLiveOrdersRouter },
    workers: router(merchantWorkersRouter),
    dishes: router(merchantDishesRouter),
    ...merchantPortalRouter,
    reviews: router({ ...merchantPortalRouter.reviews, reply: reviewReplyProcedure }),
    quality: router(merchantQualityRouter),
    connect: connectRouter,
    earnings: merchantEarningsProcedure,
    earningsByDay: merchantEarningsByDayProcedure,
    statements: router(merchantStatementsRouter),
  }),
  worker: router(workerRouter),
  settlement: router(settlementRouter),
  audit: router(auditRouter),
  commission: router(commissionRouter),
  ops: router({ ...opsRouter, refunds: router(opsRefundsRouter) }),
  console: router({ ...consoleRouter, serviceDesk: router(consoleServiceDeskRouter) }),
  quality: router(qualityRouter),
  me: router({
    messages: router(meMessagesRouter),
    surveys: router(meSurveysRouter),
    family: router(meFamilyRouter),
    addresses: router(meAddressesRouter),
    serviceDesk: meServiceDeskProcedure,
  }),
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
