import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextInner } from '../../context';
import { createCaller } from '../../router';
import { startApiServer, type ApiServer } from '../../server';
import { bookSlot, createTestDeps, payOrder, tokenFor, type TestDeps } from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

type LiveEvent = { id: string; data: { id: string; status: string; totalFen: number } };

/** Subscribes as `userId` through a caller; `close()` aborts like a client leaving. */
async function subscribe(userId: string, lastEventId?: string) {
  const controller = new AbortController();
  const caller = createCaller(
    await createContextInner({ deps, token: await tokenFor(deps, userId) }),
    { signal: controller.signal },
  );
  const iterator = (await caller.merchant.orders.live({ lastEventId }))[Symbol.asyncIterator]();
  const received: LiveEvent[] = [];
  /** Waits for the first event matching `wanted`, at most `ms`. */
  async function next(wanted: (e: LiveEvent) => boolean, ms = 5_000): Promise<LiveEvent | null> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const result = await Promise.race([
        iterator.next(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), deadline - Date.now())),
      ]);
      if (!result || result.done) return null;
      // Server-side, a tracked event is its envelope: [id, data].
      const [id, data] = result.value as unknown as [string, LiveEvent['data']];
      const event = { id, data };
      received.push(event);
      if (wanted(event)) return event;
    }
    return null;
  }
  return { next, received, close: () => controller.abort() };
}

async function paidOrderFor(
  market: Awaited<ReturnType<TestDeps['factories']['createMarketplace']>>,
) {
  const slot = await deps.factories.createSlot({ serviceId: market.service.id });
  const order = await bookSlot(deps, market.resident.id, slot.id, { quantity: 2 });
  await payOrder(deps, order.id);
  return order;
}

describe('merchant.orders.live', () => {
  it('yields a newly paid order of the merchant, and its later changes, to its staff only', async () => {
    const f = deps.factories;
    const a = await f.createMarketplace();
    const b = await f.createMarketplace();
    const live = await subscribe(a.owner.id);
    const other = await subscribe(b.owner.id);
    try {
      const started = Date.now();
      const order = await paidOrderFor(a);
      const paid = await live.next((e) => e.data.id === order.id);
      expect(paid?.data).toMatchObject({ id: order.id, status: 'paid', totalFen: 10_000 });
      expect(Date.now() - started).toBeLessThan(3_000);

      const merchant = createCaller(
        await createContextInner({ deps, token: await tokenFor(deps, a.owner.id) }),
      );
      await merchant.merchant.orders.accept({ id: order.id });
      const accepted = await live.next((e) => e.data.id === order.id);
      expect(accepted?.data.status).toBe('accepted');
      expect(accepted!.id > paid!.id).toBe(true); // event ids only move forward

      // Unpaid orders are not the merchant's business; another merchant sees none of A's.
      const unpaid = await bookSlot(
        deps,
        a.resident.id,
        (await f.createSlot({ serviceId: a.service.id })).id,
      );
      expect(await live.next((e) => e.data.id === unpaid.id, 1_500)).toBeNull();
      expect(await other.next(() => true, 1_500)).toBeNull();
    } finally {
      live.close();
      other.close();
    }
  });

  it('resumes after the last event it delivered when the client reconnects', async () => {
    const market = await deps.factories.createMarketplace();
    const first = await subscribe(market.owner.id);
    const before = await paidOrderFor(market);
    const seen = await first.next((e) => e.data.id === before.id);
    first.close();

    const missed = await paidOrderFor(market); // paid while the client was away
    const again = await subscribe(market.owner.id, seen!.id);
    try {
      expect((await again.next((e) => e.data.id === missed.id))?.data.status).toBe('paid');
    } finally {
      again.close();
    }
  });

  it('refuses other roles and malformed event ids', async () => {
    const market = await deps.factories.createMarketplace();
    const resident = createCaller(
      await createContextInner({ deps, token: await tokenFor(deps, market.resident.id) }),
    );
    const anonymous = createCaller(await createContextInner({ deps }));
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
      );
    expect(await codeOf(resident.merchant.orders.live())).toBe('FORBIDDEN');
    expect(await codeOf(anonymous.merchant.orders.live())).toBe('UNAUTHORIZED');

    const owner = await subscribe(market.owner.id, 'not-an-event-id');
    await expect(owner.next(() => true)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('merchant.orders.live over HTTP', () => {
  let server: ApiServer;
  beforeAll(async () => {
    server = await startApiServer(deps, 0);
  });
  afterAll(() => server.close());

  it('streams server-sent events through the express adapter, with ids to resume from', async () => {
    const market = await deps.factories.createMarketplace();
    const token = await tokenFor(deps, market.owner.id);
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${server.port}/trpc/merchant.orders.live`, {
      headers: { cookie: `cgp_session=${token}`, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');

    const order = await paidOrderFor(market);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const deadline = Date.now() + 5_000;
    while (!text.includes(order.id) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    controller.abort();
    const event = text.split('\n\n').find((e) => e.includes(order.id)) ?? '';
    expect(event).toMatch(/^id: \S+_[0-9a-f-]{36}$/m);
    expect(event).toContain('"status":"paid"');
  });
});
