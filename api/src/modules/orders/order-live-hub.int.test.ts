import * as schema from '@cgp/db/schema';
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContextInner } from '../../context';
import type { AppDeps } from '../../deps';
import { createCaller } from '../../router';
import { bookSlot, createTestDeps, payOrder, tokenFor, type TestDeps } from '../../testing';
import { MIN_UUID } from './order-change-feed';
import { OrderLiveHub, orderLiveHub } from './order-live-hub';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

type Market = Awaited<ReturnType<TestDeps['factories']['createMarketplace']>>;
type Pushed = { id: string; status: string };

/**
 * The app's deps over the test database's pool with every SQL statement it sends recorded: what
 * the database really ran, whoever ran it.
 */
function countingDeps(options: { delayMs?: number } = {}) {
  const statements: string[] = [];
  const pool = deps.database.pool;
  // A database that answers slowly, so streams come and go while a poll is under way.
  const slow = new Proxy(pool, {
    get(target, prop) {
      if (prop === 'query' && options.delayMs) {
        return async (...args: Parameters<typeof pool.query>) => {
          await pause(options.delayMs!);
          return (target.query as (...a: unknown[]) => unknown)(...args);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  const db = drizzle(slow, {
    schema,
    logger: { logQuery: (query) => statements.push(query) },
  });
  return { deps: { ...deps, db } satisfies AppDeps, statements };
}

/** One server-push stream as `userId`, through the router as a client's connection opens it. */
async function openStream(
  app: AppDeps,
  userId: string,
  path: 'order.live' | 'merchant.orders.live',
) {
  const controller = new AbortController();
  const caller = createCaller(
    await createContextInner({ deps: app, token: await tokenFor(app, userId) }),
    { signal: controller.signal },
  );
  const stream =
    path === 'order.live' ? await caller.order.live() : await caller.merchant.orders.live();
  const iterator = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const received: Pushed[] = [];
  // Read continuously, as the HTTP adapter does for an open connection.
  const reading = (async () => {
    for (;;) {
      const result = await iterator.next().catch(() => ({ done: true, value: undefined }));
      if (result.done) return;
      const [, data] = result.value as [string, Pushed];
      received.push(data);
    }
  })();
  return {
    received,
    async close() {
      controller.abort();
      await reading;
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function paidOrder(market: Market, residentId = market.resident.id) {
  const slot = await deps.factories.createSlot({ serviceId: market.service.id });
  const order = await bookSlot(deps, residentId, slot.id);
  await payOrder(deps, order.id);
  return order;
}

describe('the live order feeds share one poll per process', () => {
  it('runs one query per interval for 20 open streams, and gives each stream only its own orders', async () => {
    const f = deps.factories;
    const [a, b, c] = [
      await f.createMarketplace(),
      await f.createMarketplace(),
      await f.createMarketplace(),
    ];
    const neighbour = await f.createResident({ community: a.community });
    const app = countingDeps();
    const hub = orderLiveHub(app.deps.db);

    // 20 connections: every merchant's owner and three staff each, and each resident twice.
    const streams: { who: string; stream: Awaited<ReturnType<typeof openStream>> }[] = [];
    for (const [name, market] of [
      ['a', a],
      ['b', b],
      ['c', c],
    ] as const) {
      const staff = [market.owner.id];
      for (let i = 0; i < 3; i++) staff.push((await f.createMerchantStaff(market.merchant.id)).id);
      for (const id of staff) {
        streams.push({
          who: `merchant ${name}`,
          stream: await openStream(app.deps, id, 'merchant.orders.live'),
        });
      }
    }
    for (const [name, id] of [
      ['resident a', a.resident.id],
      ['neighbour', neighbour.id],
      ['resident b', b.resident.id],
      ['resident c', c.resident.id],
    ] as const) {
      for (let i = 0; i < 2; i++) {
        streams.push({ who: name, stream: await openStream(app.deps, id, 'order.live') });
      }
    }
    expect(streams).toHaveLength(20);
    // Every stream has subscribed (each read the database clock once to know where it starts).
    const deadline = Date.now() + 5_000;
    while (hub.size < 20 && Date.now() < deadline) await pause(20);
    expect(hub.size).toBe(20);

    try {
      // Quiet for three intervals: the database sees the hub's poll, once per interval.
      const before = app.statements.length;
      const hubBefore = hub.queries;
      await pause(3 * hub.pollMs + 200);
      const ran = app.statements.slice(before);
      expect(ran.length).toBeGreaterThanOrEqual(2);
      expect(ran.length).toBeLessThanOrEqual(4);
      expect(ran.every((q) => /from "orders"/i.test(q))).toBe(true);
      expect(hub.queries - hubBefore).toBe(ran.length);

      // A's resident pays an order at A; the neighbour one at A; B's resident one at B.
      const mine = await paidOrder(a);
      const theirs = await paidOrder(a, neighbour.id);
      const atB = await paidOrder(b);
      await pause(2 * hub.pollMs + 500);
      const seen = (who: string) =>
        streams.filter((s) => s.who === who).map((s) => s.stream.received.map((o) => o.id));
      const ids = (...orders: { id: string }[]) => orders.map((o) => o.id).sort();
      for (const got of seen('merchant a'))
        expect([...new Set(got)].sort()).toEqual(ids(mine, theirs));
      for (const got of seen('merchant b')) expect([...new Set(got)]).toEqual([atB.id]);
      for (const got of seen('merchant c')) expect(got).toEqual([]);
      for (const got of seen('resident a')) expect([...new Set(got)]).toEqual([mine.id]);
      for (const got of seen('neighbour')) expect([...new Set(got)]).toEqual([theirs.id]);
      for (const got of seen('resident b')) expect([...new Set(got)]).toEqual([atB.id]);
      for (const got of seen('resident c')) expect(got).toEqual([]);
      // The resident saw the order from booking to paid; the merchant only once it was paid.
      expect(
        streams.find((s) => s.who === 'resident a')!.stream.received.map((o) => o.status),
      ).toContain('paid');
      expect(
        streams
          .filter((s) => s.who === 'merchant a')
          .flatMap((s) => s.stream.received.map((o) => o.status)),
      ).not.toContain('pending_payment');
    } finally {
      await Promise.all(streams.map((s) => s.stream.close()));
    }

    // The last stream gone, the poll stops: the database hears nothing more from the hub.
    expect(hub.size).toBe(0);
    await vi.waitFor(() => expect(hub.polling).toBe(false));
    const after = app.statements.length;
    await pause(2 * hub.pollMs + 200);
    expect(app.statements.length).toBe(after);
  }, 60_000);

  it('polls at most once per interval while streams come and go, the database slow to answer', async () => {
    const market = await deps.factories.createMarketplace();
    const app = countingDeps({ delayMs: 60 });
    const hub = new OrderLiveHub(app.deps.db, 100);
    const audience = { kind: 'merchant', merchantId: market.merchant.id } as const;
    const started = Date.now();
    // Each stream lives 130 ms, the next opening 10 ms after: the poll (100 ms, then 60 ms to
    // answer) is under way when the last one leaves and the next arrives.
    while (Date.now() - started < 2_000) {
      const controller = new AbortController();
      const stream = hub.watch(audience, { at: Date.now(), id: MIN_UUID }, controller.signal);
      void stream.next();
      // The client leaves: the server aborts the stream and ends its iterator, as tRPC does.
      setTimeout(() => {
        controller.abort();
        void stream.return(undefined);
      }, 130);
      await pause(140);
    }
    await vi.waitFor(() => expect(hub.size).toBe(0));
    await vi.waitFor(() => expect(hub.polling).toBe(false));
    const elapsed = Date.now() - started;
    // One loop polls at most once per interval (plus the one under way at the start).
    expect(app.statements.length).toBeGreaterThan(0);
    expect(app.statements.length).toBeLessThanOrEqual(Math.ceil(elapsed / hub.pollMs) + 1);
    expect(hub.queries).toBe(app.statements.length);
  });
});
