import type { AppDeps } from '@cgp/api';
import { Redis } from 'ioredis';
import { startWorkerHost } from './worker-host';
import { workerDefinitions } from './workers';

/** Starts every worker of the platform against the deps' Redis and database. */
export async function startJobs(deps: AppDeps) {
  // Workers block on Redis; BullMQ requires such connections to retry commands forever.
  const connection = new Redis(deps.env.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const host = await startWorkerHost({
    connection,
    prefix: `${deps.env.REDIS_PREFIX}:bull`,
    logger: deps.logger,
    definitions: workerDefinitions(deps),
  });
  return {
    close: async () => {
      await host.close();
      connection.disconnect();
    },
  };
}
