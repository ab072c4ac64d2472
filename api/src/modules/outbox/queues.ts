/** The BullMQ queues of the platform (SPEC §6). Redis carries their work; PostgreSQL decides it. */
export const QUEUES = {
  orderTimers: 'order-timers',
  payments: 'payments',
  settlement: 'settlement',
  payouts: 'payouts',
  reconciliation: 'reconciliation',
  surveys: 'surveys',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Jobs of the `order-timers` queue. Each carries only the order id; the processor re-reads it. */
export const TIMER_JOBS = {
  paymentExpiry: 'payment-expiry',
  acceptanceSla: 'acceptance-sla',
  autoConfirm: 'auto-confirm',
  /** An on-demand order's arrival deadline (SPEC §12): records a breach if nobody has arrived. */
  arrivalSla: 'arrival-sla',
  sweep: 'sweep',
} as const;
