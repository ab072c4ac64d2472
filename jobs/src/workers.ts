import type { AppDeps } from '@cgp/api';
import type { WorkerDefinition } from './worker-host';

/** The processors this build runs; each queue's worker is added with the feature it serves. */
export function workerDefinitions(_deps: AppDeps): WorkerDefinition[] {
  return [];
}
