/**
 * Jobs of the `payments` queue. `refund` comes from the outbox row `recordRefund` writes (or the
 * sweep's); `expire-checkouts` and `sweep-refunds` are schedules.
 */
export const PAYMENT_JOBS = {
  refund: 'refund',
  expireCheckouts: 'expire-checkouts',
  sweepRefunds: 'sweep-refunds',
} as const;
