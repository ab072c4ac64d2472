/**
 * Jobs of the `payments` queue. `refund` comes from the outbox row `recordRefund` writes;
 * `expire-checkouts` is a schedule.
 */
export const PAYMENT_JOBS = {
  refund: 'refund',
  expireCheckouts: 'expire-checkouts',
} as const;
