/** The BullMQ queues of the platform (SPEC §6). Redis carries their work; PostgreSQL decides it. */
export const QUEUES = {
  orderTimers: 'order-timers',
  settlement: 'settlement',
  payouts: 'payouts',
  reconciliation: 'reconciliation',
  surveys: 'surveys',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
