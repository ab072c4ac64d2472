import type { AppDeps } from '@cgp/api';
import type { WorkerDefinition } from './worker-host';
import { orderTimersWorker } from './workers/order-timers.worker';
import { paymentsWorker } from './workers/payments.worker';
import { payoutsWorker } from './workers/payouts.worker';
import { reconciliationWorker } from './workers/reconciliation.worker';
import { settlementWorker } from './workers/settlement.worker';
import { surveysWorker } from './workers/surveys.worker';

/** The processors this build runs; each queue's worker is added with the feature it serves. */
export function workerDefinitions(deps: AppDeps): WorkerDefinition[] {
  return [
    orderTimersWorker(deps),
    settlementWorker(deps),
    surveysWorker(deps),
    // Payouts need the processor; a process started without one leaves them queued for one that has it.
    ...(deps.payments
      ? [
          payoutsWorker(deps, deps.payments.stripe),
          paymentsWorker(deps),
          reconciliationWorker(deps, deps.payments.stripe),
        ]
      : []),
  ];
}
