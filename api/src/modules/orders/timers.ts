import type { Env } from '../../env';
import type { OrderTimers } from './transition';

export function timersFrom(env: Env): OrderTimers {
  return {
    paymentTimeoutSeconds: env.PAYMENT_TIMEOUT_SECONDS,
    acceptSlaSeconds: env.ACCEPT_SLA_SECONDS,
    autoConfirmSeconds: env.AUTO_CONFIRM_SECONDS,
    defaultRatingSeconds: env.DEFAULT_RATING_SECONDS,
  };
}
