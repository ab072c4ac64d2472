import { dueCallbackMonth, queuePrefix } from '@cgp/api';
import { callbackRuns, callbackTasks, orderReviews, orders } from '@cgp/db';
import { createTestDeps, seedServedHouseholds, type TestDeps } from '@cgp/api/testing';
import type { Job } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs } from './start';
import { SURVEY_JOBS } from './workers/surveys.worker';

async function waitFor<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}

/** The 14th of the month whose callbacks are due now (business time). */
function inDueMonth(): Date {
  return new Date(`${dueCallbackMonth(new Date(), 'Asia/Shanghai').slice(0, 8)}14T04:00:00Z`);
}

describe('the surveys queue', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps({ OUTBOX_POLL_MS: '100' });
  });
  afterAll(() => deps.teardown());

  it('makes last month’s callbacks once, however often the job runs and after Redis lost it all', async () => {
    const market = await seedServedHouseholds(deps.db, {
      households: 200,
      merchants: 3,
      completedAt: inDueMonth(),
    });
    // A confirmed order whose default rating is overdue: the sweep gives it.
    await deps.db.execute(sql`
      UPDATE orders SET default_rating_at = now() - interval '1 minute'
       WHERE id = (SELECT id FROM orders WHERE community_id = ${market.communityId} LIMIT 1)`);
    const runsOf = () =>
      deps.db.select().from(callbackRuns).where(eq(callbackRuns.companyId, market.companyId));
    const tasks = () =>
      deps.db
        .select({ n: sql<number>`count(*)::int` })
        .from(callbackTasks)
        .where(eq(callbackTasks.companyId, market.companyId))
        .then((r) => r[0]!.n);

    let jobs = await startJobs(deps);
    // The sweep's schedule runs at once on start: the due run is made from PostgreSQL.
    const runs = await waitFor(runsOf, (r) => r.length > 0);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ households: 200, sampled: 30 });
    const rated = await waitFor(
      () => deps.db.select().from(orderReviews).where(eq(orderReviews.automatic, true)),
      (r) => r.length > 0,
    );
    expect(rated).toHaveLength(1);

    // The monthly job again, five times over: nothing more.
    const queue = jobs.queueFor('surveys');
    const extra: Job[] = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => queue.add(SURVEY_JOBS.callbacks, {}, { jobId: `again-${i}` })),
    );
    await waitFor(
      () => Promise.all(extra.map((j) => j.getState())),
      (states) => states.every((s) => s === 'completed'),
    );
    expect(await tasks()).toBe(30);

    // Redis loses everything (only this test's keys): the restarted jobs put the schedules back
    // and find the run already made.
    await jobs.close();
    const keys = await deps.redis.keys(`${queuePrefix(deps.env, 'surveys')}:surveys*`);
    if (keys.length) await deps.redis.del(...keys);
    jobs = await startJobs(deps);
    const again = await waitFor(
      async () => (await jobs.queueFor('surveys').getJobSchedulers()).length,
      (n) => n === 2,
    );
    expect(again).toBe(2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await runsOf()).toHaveLength(1);
    expect(await tasks()).toBe(30);
    await jobs.close();
    const [order] = await deps.db.select().from(orders).where(eq(orders.id, rated[0]!.orderId));
    expect(order!.defaultRatingAt).toBeNull();
  }, 60_000);
});
