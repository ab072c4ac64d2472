import type pg from 'pg';
import type { Logger } from '../../logger';
import { expireDueSessions } from './checkout.service';
import { pruneIdempotencyKeys } from './idempotency';

/**
 * Work Stripe does on its own clock: expiring unpaid Checkout Sessions at `expires_at` and
 * forgetting idempotency keys after a day. Runs once at start and then every `intervalMs`.
 */
export function startMaintenance(
  pool: pg.Pool,
  options: { intervalMs: number; logger: Logger; afterCommit: () => void },
): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const run = async () => {
    try {
      const expired = await expireDueSessions(pool);
      await pruneIdempotencyKeys(pool);
      if (expired) options.afterCommit();
    } catch (error) {
      if (!stopped) options.logger.error({ err: error }, 'payment sandbox: maintenance failed');
    }
  };
  const schedule = () => {
    running = run().finally(() => {
      if (!stopped) timer = setTimeout(schedule, options.intervalMs);
    });
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
