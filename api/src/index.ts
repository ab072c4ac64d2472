export { bootstrap } from './bootstrap';
export { createApp, MAX_BATCH_CALLS, MAX_BODY_BYTES, type AppOptions } from './app';
export { createContextInner, type Context } from './context';
export type { AppDeps } from './deps';
export { ConfigError, loadEnv, type Env } from './env';
export { connectInfrastructure, StartupError } from './infrastructure';
export {
  connectRedis,
  describeRedis,
  openRedis,
  queuePrefix,
  redisOptions,
  type RedisClient,
} from './redis';
export { createLogger, type Logger } from './logger';
export { LoginLimiter } from './modules/identity/login-limiter';
export { appRouter, createCaller, type AppRouter } from './router';
export { seedDemo } from './seed/demo';
export { photoStoreFor } from './modules/uploads/photo-store';
export { runProcess } from './process';
export { startApiServer, type ApiServer } from './server';
export { bookingStatement, placeBooking } from './modules/booking/booking.service';
export { QUEUES, TIMER_JOBS, type QueueName } from './modules/outbox/queues';
export { fireOrderTimer, sweepOverdueTimers } from './modules/orders/order-timers.service';
export { timersFrom } from './modules/orders/timers';
export { createPayments, type Payments } from './modules/payments/stripe-client';
export { mountPaymentRoutes } from './modules/payments/webhook.routes';
export { PAYMENT_JOBS } from './modules/payments/payment-jobs';
export { markRefundFailed, sendRefund } from './modules/payments/send-refund';
export { sweepDueRefunds } from './modules/payments/refund-sweep';
export { expireAbandonedCheckouts } from './modules/payments/expire-checkouts';
export { buildStatements, settlementStatement } from './modules/settlement/build-statements';
export { settleOverdue } from './modules/settlement/settlement-due';
export {
  NIGHTLY_RECONCILIATION_CRON,
  reconciliationOverdue,
} from './modules/audit/reconciliation-due';
export { commissionFor } from './modules/ledger/commission';
export {
  markPayoutFailed,
  MerchantNotPayable,
  payStatement,
  sweepDuePayouts,
} from './modules/settlement/pay-statement';
export { checkInvariants } from './modules/audit/invariants.service';
export { reconcilePeriod } from './modules/audit/reconciliation.service';
export { postEntry } from './modules/ledger/post';
export { businessDateOf } from './modules/merchant/business-date';
export { reconcileNightly } from './modules/audit/reconciliation-nightly';
export { readReconciliation } from './modules/audit/reconciliation-status.service';
export { platformRoutes } from './http-routes';
export { giveDefaultRatings } from './modules/quality/ratings.service';
export {
  CALLBACK_CRON,
  dueCallbackMonth,
  runCallbacksForCompany,
  runDueCallbacks,
  type CallbackRunOutcome,
} from './modules/quality/callback-runs';
export { startupBanner } from './banner';
