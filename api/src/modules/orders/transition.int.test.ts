import { orderEvents, orders, slots } from '@cgp/db';
import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../errors';
import {
  bookSlot,
  createTestDeps,
  forceOrderState,
  slotStartsIn,
  type TestDeps,
} from '../../testing';
import {
  ORDER_ACTION_NAMES,
  ORDER_ACTIONS,
  ORDER_STATUSES,
  type ActorKind,
  type OrderAction,
  type OrderStatus,
} from './order-states';
import { transitionOrder, type OrderActor } from './transition';
import { timersFrom } from './timers';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

describe('the order state machine, state × action × actor', () => {
  it('allows exactly the transitions of SPEC §3, each writing one event; refuses the rest', async () => {
    const f = deps.factories;
    const { service, resident, merchant, owner, community } = await f.createMarketplace();
    const ops = await f.createPropertyUser(community.companyId, 'property_ops');
    const slot = await f.createSlot({ serviceId: service.id, capacity: 2000 });
    const template = await bookSlot(deps, resident.id, slot.id);
    // Plenty of booked seats, so releases in the loop never take the count below zero.
    await deps.db.update(slots).set({ booked: 1500 }).where(eq(slots.id, slot.id));
    // Close enough to the slot that service may start (SPEC §3: from 30 minutes before).
    await slotStartsIn(deps, slot.id, 20);

    const actors: Record<ActorKind, OrderActor> = {
      resident: { kind: 'resident', userId: resident.id },
      merchant: { kind: 'merchant', userId: owner.id, merchantId: merchant.id },
      property_ops: { kind: 'property_ops', userId: ops.id, companyId: community.companyId },
      system: { kind: 'system' },
    };
    const timers = timersFrom(deps.env);
    const mismatches: string[] = [];
    let checked = 0;

    for (const state of ORDER_STATUSES) {
      for (const action of ORDER_ACTION_NAMES) {
        for (const kind of Object.keys(actors) as ActorKind[]) {
          const id = randomUUID();
          // A copy of the booked order with its own id, put straight into the state under test.
          await deps.db.execute(sql`
            INSERT INTO orders (id, resident_id, unit_id, community_id, address_snapshot, merchant_id,
              service_id, slot_id, category, quantity, seats, unit_price_fen, total_fen,
              idempotency_key, payment_due_at)
            SELECT ${id}::uuid, resident_id, unit_id, community_id, address_snapshot, merchant_id,
              service_id, slot_id, category, quantity, seats, unit_price_fen, total_fen,
              ${id}, payment_due_at FROM orders WHERE id = ${template.id}::uuid`);
          // Deadlines that let each timer action through; a dispute needs its window still open.
          await forceOrderState(deps, id, state, {
            paymentDueInSeconds: -1,
            acceptDueInSeconds: -1,
            autoConfirmInSeconds: action === 'dispute' || action === 'opsDispute' ? 3600 : -1,
          });
          const rule = ORDER_ACTIONS[action];
          const expected =
            rule.by !== kind ? 'FORBIDDEN' : rule.from.includes(state) ? 'ok' : 'CONFLICT';
          const actual = await deps.db
            .transaction((tx) =>
              transitionOrder(tx, { orderId: id, action, actor: actors[kind], timers }),
            )
            .then(
              () => 'ok',
              (e: unknown) => (e instanceof DomainError ? e.code : String(e)),
            );
          const [after] = await deps.db.select().from(orders).where(eq(orders.id, id));
          const events = await deps.db
            .select()
            .from(orderEvents)
            .where(eq(orderEvents.orderId, id));
          const wantStatus: OrderStatus = actual === 'ok' ? rule.to : state;
          const wantEvents = actual === 'ok' ? [{ fromStatus: state, toStatus: rule.to }] : [];
          checked++;
          if (
            actual !== expected ||
            after!.status !== wantStatus ||
            JSON.stringify(
              events.map((e) => ({ fromStatus: e.fromStatus, toStatus: e.toStatus })),
            ) !== JSON.stringify(wantEvents)
          ) {
            mismatches.push(
              `${state} × ${action} × ${kind}: expected ${expected}, got ${actual}, status ${after!.status}, ${events.length} events`,
            );
          }
        }
      }
    }
    expect(checked).toBe(ORDER_STATUSES.length * ORDER_ACTION_NAMES.length * 4);
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('refuses a timer action before its deadline and a dispute after the window', async () => {
    const { service, resident } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id });
    const order = await bookSlot(deps, resident.id, slot.id);
    const timers = timersFrom(deps.env);
    const run = (action: OrderAction, actor: OrderActor) =>
      deps.db
        .transaction((tx) => transitionOrder(tx, { orderId: order.id, action, actor, timers }))
        .then(
          () => 'ok',
          (e: unknown) => (e instanceof DomainError ? e.reason : String(e)),
        );
    expect(await run('expire', { kind: 'system' })).toBe('deadline'); // due in 15 minutes
    await forceOrderState(deps, order.id, 'completed', { autoConfirmInSeconds: -1 });
    expect(await run('dispute', { kind: 'resident', userId: resident.id })).toBe('deadline');
  });
});
