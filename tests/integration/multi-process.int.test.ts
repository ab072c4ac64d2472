import { checkInvariants } from '@cgp/api';
import {
  createPaymentTestDeps,
  onboardedAccount,
  paidCheckout,
  seedEligibleOrders,
  seedMarket,
  settlementBacklog,
  submitCheckoutPage,
  tokenFor,
  trpcOverHttp,
  type PaymentTestDeps,
} from '@cgp/api/testing';
import { orderEvents, orders, outbox, slots, statementLines, statements } from '@cgp/db';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { databaseUrl, TEST_SERVER_URL } from '@cgp/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startApiInstance,
  startProcess,
  startRoundRobin,
  type ApiInstance,
  type PlatformProcess,
  type RoundRobin,
} from './support/platform-processes';

/**
 * The platform scaled out (SPEC §9): three API processes behind a round-robin balancer and two
 * worker processes, all on one PostgreSQL database and one Redis prefix, each started from its
 * production entry point. Whatever one process would keep to itself (caches, schedules, locks,
 * feeds) has to hold across all of them.
 */
const API_PROCESSES = 3;
const WORKER_PROCESSES = 2;

let deps: PaymentTestDeps;
let apis: ApiInstance[] = [];
let balancer: RoundRobin;
const workers: PlatformProcess[] = [];

function processEnv(): Record<string, string> {
  return {
    DATABASE_URL: deps.env.DATABASE_URL,
    REDIS_URL: deps.env.REDIS_URL,
    REDIS_PREFIX: deps.env.REDIS_PREFIX,
    // The test serves the payment sandbox; every process is its client, as with real Stripe.
    STRIPE_SANDBOX_PORT: String(deps.sandbox.port),
    STRIPE_SANDBOX_MODE: 'connect',
    OUTBOX_POLL_MS: '100',
    TIMER_SWEEP_SECONDS: '1',
    JOB_LOCK_MS: '3000',
  };
}

function startWorker(): PlatformProcess {
  const worker = startProcess('jobs/src/main.ts', processEnv());
  workers.push(worker);
  return worker;
}

beforeAll(async () => {
  deps = await createPaymentTestDeps({ OUTBOX_POLL_MS: '100' });
  // The balancer's address is the platform's public one: webhooks and links point at it.
  const ports: number[] = [];
  balancer = await startRoundRobin(ports);
  apis = await Promise.all(
    Array.from({ length: API_PROCESSES }, () =>
      startApiInstance({ ...processEnv(), PUBLIC_URL: balancer.url }),
    ),
  );
  ports.push(...apis.map((a) => a.port));
  await deps.sandbox.addWebhookEndpoint({ url: `${balancer.url}/webhooks/stripe` });
  for (let i = 0; i < WORKER_PROCESSES; i++) startWorker();
}, 120_000);

afterAll(async () => {
  await Promise.all([...apis, ...workers].map((p) => p.kill('SIGKILL')));
  await balancer?.close();
  await deps?.teardown();
});

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Booked {
  status: number;
  data?: { id: string; status: string };
  error?: { message: string; data?: { code: string } };
}

/** `booking.create` through the balancer; an answer that is not tRPC's JSON is kept as text. */
async function book(token: string, slotId: string, idempotencyKey = randomUUID()): Promise<Booked> {
  const response = await fetch(`${balancer.url}/trpc/booking.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ slotId, quantity: 1, idempotencyKey }),
  });
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { result?: { data: Booked['data'] }; error?: Booked['error'] };
    return { status: response.status, data: body.result?.data, error: body.error };
  } catch {
    return { status: response.status, error: { message: text } };
  }
}

/** `merchant.orders.live` over server-sent events through the balancer, as the portal opens it. */
function openLiveFeed(token: string) {
  const abort = new AbortController();
  let text = '';
  void fetch(`${balancer.url}/trpc/merchant.orders.live?input=${encodeURIComponent('{}')}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  })
    .then(async (res) => {
      const decoder = new TextDecoder();
      for await (const chunk of res.body!) text += decoder.decode(chunk as Uint8Array);
    })
    .catch(() => undefined);
  return { text: () => text, close: () => abort.abort() };
}

describe('three API processes and two workers on one PostgreSQL and one Redis', () => {
  it('never oversells: 1,000 simultaneous bookings spread over the API processes', async () => {
    const f = deps.factories;
    const { service, community } = await f.createMarketplace();
    const slot = await f.createSlot({ serviceId: service.id, capacity: 5 });
    const residents = await Promise.all(
      Array.from({ length: 50 }, () => f.createResident({ community })),
    );
    const tokens = await Promise.all(residents.map((r) => tokenFor(deps, r.id)));
    const before = new Map(balancer.sent);
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => book(tokens[i % tokens.length]!, slot.id)),
    );

    const statuses: Record<number, number> = {};
    for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const odd = results.find((r) => r.status !== 200 && r.status !== 409);
    expect(statuses, odd?.error?.message).toEqual({ 200: 5, 409: 995 });
    expect(results.every((r) => r.status === 200 || r.error?.data?.code === 'CONFLICT')).toBe(true);
    // Every API process took its share of the race.
    for (const api of apis) {
      expect((balancer.sent.get(api.port) ?? 0) - (before.get(api.port) ?? 0)).toBeGreaterThan(300);
    }
    expect(await deps.db.select().from(orders).where(eq(orders.slotId, slot.id))).toHaveLength(5);
    const [row] = await deps.db.select().from(slots).where(eq(slots.id, slot.id));
    expect(row!.booked).toBe(5);
  }, 120_000);

  it('makes one order from one idempotency key sent 30 times at once to every API process', async () => {
    const { service, resident } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 50 });
    const token = await tokenFor(deps, resident.id);
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 30 }, () => book(token, slot.id, key)));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(new Set(results.map((r) => r.data!.id)).size).toBe(1);
    expect(await deps.db.select().from(orders).where(eq(orders.slotId, slot.id))).toHaveLength(1);
    const [row] = await deps.db.select().from(slots).where(eq(slots.id, slot.id));
    expect(row!.booked).toBe(1);
  });

  it('pays through webhooks any API process receives, feeds the merchant live from any process, and fires each overdue timer once', async () => {
    const { service, resident, owner } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 20 });
    const token = await tokenFor(deps, resident.id);
    const placed = [];
    for (let i = 0; i < 12; i++) placed.push((await book(token, slot.id)).data!);
    const [toPay, toExpire] = [placed.slice(0, 6), placed.slice(6)];
    // The merchant's live queue is a stream held by one API process; the payments arrive at others.
    const feed = openLiveFeed(await tokenFor(deps, owner.id));

    for (const order of toPay) {
      const checkout = await trpcOverHttp<{ url: string }>(
        balancer.url,
        token,
        'payment.checkout',
        { orderId: order.id },
      );
      expect(checkout.status).toBe(200);
      expect((await submitCheckoutPage(checkout.data!.url, 'succeeded')).status).toBe(200);
    }
    // The payment deadline of the others passes (as if fifteen minutes went by): the workers'
    // sweepers, both polling the same database, must expire each exactly once.
    await deps.db
      .update(orders)
      .set({ paymentDueAt: sql`now() - interval '1 second'` })
      .where(
        inArray(
          orders.id,
          toExpire.map((o) => o.id),
        ),
      );

    const statusOf = async (ids: string[]) =>
      (
        await deps.db.select({ status: orders.status }).from(orders).where(inArray(orders.id, ids))
      ).map((r) => r.status);
    await until(
      async () => (await statusOf(toPay.map((o) => o.id))).every((s) => s === 'paid'),
      30_000,
      'the paid orders',
    );
    await until(
      async () => (await statusOf(toExpire.map((o) => o.id))).every((s) => s === 'expired'),
      30_000,
      'the expired orders',
    );
    const events = await deps.db
      .select({ orderId: orderEvents.orderId, n: count() })
      .from(orderEvents)
      .where(
        and(
          inArray(
            orderEvents.orderId,
            placed.map((o) => o.id),
          ),
          inArray(orderEvents.toStatus, ['paid', 'expired']),
        ),
      )
      .groupBy(orderEvents.orderId);
    expect(events).toHaveLength(12);
    expect(events.every((e) => e.n === 1)).toBe(true);
    const [row] = await deps.db.select().from(slots).where(eq(slots.id, slot.id));
    expect(row!.booked).toBe(6);
    await until(
      () => Promise.resolve(toPay.every((o) => feed.text().includes(o.id))),
      15_000,
      'the paid orders on the merchant live feed',
    );
    feed.close();
  }, 90_000);

  it('pays every eligible order once through 20 kills of the workers during settlement', async () => {
    const stripe = deps.payments.stripe;
    const merchants = 6;
    const accounts: string[] = [];
    for (let i = 0; i < merchants; i++) accounts.push((await onboardedAccount(stripe)).id);
    await paidCheckout(stripe, 10_000_000);
    const market = await seedMarket(deps.db, { merchants, accountIds: accounts });

    let seeded = 0;
    for (let kill = 0; kill < 20; kill++) {
      if (kill % 5 === 0) {
        seeded += (await seedEligibleOrders(deps.db, { merchants, orders: 1_000, market }))
          .orderCount;
        await deps.db.insert(outbox).values({ queue: 'settlement', name: 'run', payload: {} });
      }
      if (kill % 7 === 3) {
        deps.sandbox.faults.inject({
          kind: 'drop_after_commit',
          method: 'POST',
          path: '/v1/transfers',
          times: 2,
        });
      }
      // The two workers die in turn, one while the other runs, anywhere in a run or a payout.
      await new Promise((r) => setTimeout(r, 700 + Math.random() * 1500));
      const victim = workers.splice(kill % workers.length, 1)[0]!;
      await victim.kill('SIGKILL');
      startWorker();
    }
    deps.sandbox.faults.clear();

    await deps.db.insert(outbox).values({ queue: 'settlement', name: 'run', payload: {} });
    await until(
      async () => {
        const backlog = await settlementBacklog(deps.db);
        if (backlog.unsettled > 0) {
          await deps.db.insert(outbox).values({ queue: 'settlement', name: 'run', payload: {} });
        }
        return backlog.done;
      },
      90_000,
      'settlement and payouts to finish',
    );

    const [lines] = await deps.db
      .select({ n: count(), orders: sql<number>`count(DISTINCT ${statementLines.orderId})::int` })
      .from(statementLines);
    expect(lines).toEqual({ n: seeded, orders: seeded });
    const all = await deps.db.select().from(statements);
    for (const s of all) {
      const transfers = await stripe.transfers.list({ transfer_group: s.id, limit: 10 });
      expect(transfers.data.map((t) => [t.id, t.amount])).toEqual([[s.transferId, s.payoutFen]]);
    }
    const invariants = await checkInvariants(deps.db);
    expect(invariants.checks.filter((c) => !c.ok)).toEqual([]);
  }, 180_000);
});

describe('processes starting together', () => {
  const name = `cgp_test_${Date.now()}_fresh`;
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('create, migrate and seed an absent database once among them', async () => {
    const started = await Promise.allSettled(
      Array.from({ length: API_PROCESSES }, () =>
        startApiInstance({ ...processEnv(), DATABASE_URL: databaseUrl(name), DEMO: 'true' }),
      ),
    );
    const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      expect(started.filter((s) => s.status === 'rejected')).toEqual([]);
      const client = new pg.Client({ connectionString: databaseUrl(name) });
      await client.connect();
      try {
        const { rows } = await client.query<{ companies: number; residents: number }>(
          `SELECT (SELECT count(*)::int FROM property_companies) AS companies,
                  (SELECT count(*)::int FROM users WHERE phone = '13800000001') AS residents`,
        );
        expect(rows[0]).toEqual({ companies: 1, residents: 1 });
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(up.map((p) => p.kill('SIGTERM')));
    }
  }, 120_000);
});
