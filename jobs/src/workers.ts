import type { AppDeps } from '@cgp/api';
import type { WorkerDefinition } from './worker-host';
import { orderTimersWorker } from './workers/order-timers.worker';

/** The processors this build runs; each queue's worker is added with the feature it serves. */
export function workerDefinitions(deps: AppDeps): WorkerDefinition[] {
  return [orderTimersWorker(deps)];
}
