import type { Payments } from './stripe-client';

/** The payment processor of this process; every process that serves or works money has one. */
export function processorOf(deps: { payments?: Payments }): Payments {
  if (!deps.payments) throw new Error('No payment processor was started in this process');
  return deps.payments;
}
