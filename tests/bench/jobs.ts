/**
 * Job throughput: N overdue payment timers taken from the outbox by the relay, through BullMQ, to
 * the order-timers worker that expires each order (a guarded transition with its event and the
 * capacity release), next to the ceiling of the same BullMQ set-up running no-op jobs in the same run.
 *   npx tsx tests/bench/jobs.ts [timers]
 */
import { QUEUES } from '@cgp/api';
import { createTestDeps } from '@cgp/api/testing';
import { startJobs } from '@cgp/jobs';
import { Queue, Worker } from 'bullmq';
import { sql } from 'drizzle-orm';
import { machine, peakMemoryMiB, printTable } from './support/report';

const N = Number(process.argv[2] ?? 5_000);
/** As `orderTimersWorker` runs. */
const CONCURRENCY = 4;

const deps = await createTestDeps({
  PAYMENT_TIMEOUT_SECONDS: '86400',
  OUTBOX_POLL_MS: '50',
  TIMER_SWEEP_SECONDS: '3600',
  LOG_LEVEL: 'warn',
});
const connection = { url: deps.env.REDIS_URL };
const prefix = `${deps.env.REDIS_PREFIX}:bull`;

async function until(check: () => boolean | Promise<boolean>) {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

/** BullMQ alone: N no-op jobs added in bulk, drained by one worker of the same concurrency. */
async function ceiling(): Promise<number> {
  const queue = new Queue('bench-noop', { connection, prefix });
  for (let i = 0; i < N; i += 1_000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1_000, N - i) }, (_, k) => ({
        name: 'noop',
        data: { n: i + k },
        opts: { removeOnComplete: true },
      })),
    );
  }
  let done = 0;
  const started = performance.now();
  const worker = new Worker('bench-noop', () => Promise.resolve(), {
    connection,
    prefix,
    concurrency: CONCURRENCY,
  });
  worker.on('completed', () => done++);
  await until(() => done >= N);
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return N / seconds;
}

/** N pending orders whose payment deadline has passed, each with its timer due in the outbox. */
async function seedOverdueOrders() {
  const { service, resident } = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: N });
  await deps.db.execute(sql`
    WITH placed AS (
      INSERT INTO orders (resident_id, unit_id, community_id, address_snapshot, merchant_id,
        service_id, slot_id, category, quantity, seats, unit_price_fen, total_fen, status,
        idempotency_key, payment_due_at)
      SELECT ${resident.id}, ${resident.unit.id}, ${resident.community.id}, '基准测试 1-101',
             ${service.merchantId}, ${service.id}, ${slot.id}, ${service.category}, 1, 1,
             ${service.priceFen}, ${service.priceFen}, 'pending_payment', 'bench-' || g,
             now() - interval '1 second'
        FROM generate_series(1, ${N}) g
      RETURNING id)
    INSERT INTO outbox (queue, name, payload, run_at)
    SELECT ${QUEUES.orderTimers}, 'payment-expiry', jsonb_build_object('orderId', id), now()
      FROM placed`);
  await deps.db.execute(sql`UPDATE slots SET booked = ${N} WHERE id = ${slot.id}`);
  return slot.id;
}

const ceilingPerSecond = await ceiling();
const slotId = await seedOverdueOrders();
const started = performance.now();
const jobs = await startJobs(deps);
await until(async () => {
  const { rows } = await deps.db.execute<{ left: number }>(
    sql`SELECT count(*)::int AS left FROM orders WHERE status = 'pending_payment'`,
  );
  return rows[0]!.left === 0;
});
const seconds = (performance.now() - started) / 1000;
const { rows } = await deps.db.execute<{ booked: number; undelivered: number }>(sql`
  SELECT (SELECT booked FROM slots WHERE id = ${slotId}) AS booked,
         (SELECT count(*)::int FROM outbox WHERE delivered_at IS NULL) AS undelivered`);
await jobs.close();
await deps.teardown();

const perSecond = N / seconds;
console.log(`machine: ${machine()}`);
printTable(`job throughput, ${N} payment timers`, [
  {
    what: 'outbox → BullMQ → order-timers worker (expire + release)',
    'jobs/s': Math.round(perSecond),
    seconds: seconds.toFixed(2),
  },
  { what: 'ceiling: BullMQ no-op jobs, same concurrency', 'jobs/s': Math.round(ceilingPerSecond) },
  { what: 'ratio', 'jobs/s': (perSecond / ceilingPerSecond).toFixed(3) },
]);
console.log(
  `check: capacity left booked ${rows[0]!.booked} (expect 0), undelivered outbox rows ${rows[0]!.undelivered}; peak memory ${peakMemoryMiB()} MiB`,
);
