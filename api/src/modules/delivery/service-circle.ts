import type { SERVICE_RINGS } from '@cgp/db/order-values';

export type ServiceRing = (typeof SERVICE_RINGS)[number];

/**
 * SPEC §12, the 360° service circle: how long an on-demand order in each ring may wait to be
 * accepted and for its worker to arrive, counted from payment. The core ring promises arrival in
 * five minutes, so its acceptance can take no longer than that.
 */
export const RING_SLA: Record<ServiceRing, { acceptMinutes: number; arriveMinutes: number }> = {
  core: { acceptMinutes: 5, arriveMinutes: 5 },
  service: { acceptMinutes: 15, arriveMinutes: 30 },
  guarantee: { acceptMinutes: 60, arriveMinutes: 60 },
};
