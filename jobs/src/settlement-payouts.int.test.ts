import { checkInvariants, QUEUES, queuePrefix } from '@cgp/api';
import {
  createPaymentTestDeps,
  onboardedAccount,
  paidCheckout,
  seedEligibleOrders,
  settlementBacklog,
  type PaymentTestDeps,
} from '@cgp/api/testing';
import { outbox, statements } from '@cgp/db';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startJobs, type Jobs } from './start';

let deps: PaymentTestDeps;
let jobs: Jobs;
beforeAll(async () => {
  deps = await createPaymentTestDeps({ OUTBOX_POLL_MS: '100' });
  jobs = await startJobs(deps);
});
afterAll(async () => {
  await jobs?.close();
  await deps?.teardown();
});

async function until(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('settles through the outbox and the settlement queue, then pays each statement once through the payouts queue', async () => {
  const stripe = deps.payments.stripe;
  const accounts = [];
  for (let i = 0; i < 4; i++) accounts.push((await onboardedAccount(stripe)).id);
  await paidCheckout(stripe, 1_000_000);
  const seed = await seedEligibleOrders(deps.db, {
    merchants: 4,
    orders: 400,
    accountIds: accounts,
  });

  await deps.db.insert(outbox).values({ queue: QUEUES.settlement, name: 'run', payload: {} });
  await until(async () => (await settlementBacklog(deps.db)).done, 30_000);

  const all = await deps.db.select().from(statements);
  expect(all).toHaveLength(4);
  expect(all.reduce((n, s) => n + s.orderCount, 0)).toBe(seed.orderCount);
  for (const s of all) {
    expect(s.status).toBe('paid');
    const transfers = await stripe.transfers.list({ transfer_group: s.id, limit: 10 });
    expect(transfers.data.map((t) => [t.id, t.amount])).toEqual([[s.transferId, s.payoutFen]]);
  }
  expect((await checkInvariants(deps.db)).checks.filter((c) => !c.ok)).toEqual([]);

  // In the `cluster` project the queues ran on the run's Redis Cluster; elsewhere on one Redis.
  expect(deps.redis instanceof Cluster).toBe(Boolean(process.env.TEST_REDIS_CLUSTER_NODES));
  if (deps.redis instanceof Cluster) {
    // The hash tag keeps each queue's keys in one slot, so on one master, as BullMQ's scripts need.
    for (const queue of [QUEUES.settlement, QUEUES.payouts]) {
      const holding = [];
      for (const node of deps.redis.nodes('master')) {
        const keys = await node.keys(`${queuePrefix(deps.env, queue)}:${queue}:*`);
        if (keys.length) holding.push(keys.length);
      }
      expect(holding).toHaveLength(1);
    }
  }
}, 60_000);
