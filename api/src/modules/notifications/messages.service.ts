import { messageReads, orderEvents, orders, services, type Db } from '@cgp/db';
import { and, count, desc, eq, inArray, isNull, lt, ne, notInArray, or, sql } from 'drizzle-orm';
import { householdOrderOf } from '../identity/resident-scope';
import type { z } from 'zod';
import type { ResidentActor } from '../identity/actor';
import type { listMessagesInput, readMessagesInput } from './messages.schema';

/**
 * A resident's messages are the events of their orders that someone else caused: the payment
 * arriving, the merchant accepting, starting, finishing or cancelling, a timer refunding an order
 * the merchant never accepted, property ops resolving a dispute. What the resident did
 * themself is on the order's timeline but is no news to them.
 */
function messagesOf(actor: ResidentActor) {
  return and(
    // The household a family member booked for hears of the order once it is paid.
    or(
      eq(orders.residentId, actor.id),
      and(
        householdOrderOf(actor),
        or(
          isNull(orderEvents.toStatus),
          notInArray(orderEvents.toStatus, ['pending_payment', 'expired']),
        ),
      ),
    ),
    or(isNull(orderEvents.actorId), ne(orderEvents.actorId, actor.id)),
    // Settlement is the merchant's business, and a breach is the property office's: not news
    // for the resident (a breach that refunds the order is its own status change).
    ne(orderEvents.toStatus, 'settled'),
    ne(orderEvents.kind, 'sla_breach'),
  );
}

const readByMe = (actor: ResidentActor) =>
  and(eq(messageReads.eventId, orderEvents.id), eq(messageReads.userId, actor.id));

/** How many messages the resident has not read: the badge on the tab bar. */
export async function countUnreadMessages(db: Db, actor: ResidentActor): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(orderEvents)
    .innerJoin(orders, eq(orders.id, orderEvents.orderId))
    .leftJoin(messageReads, readByMe(actor))
    .where(and(messagesOf(actor), isNull(messageReads.eventId)));
  return row?.n ?? 0;
}

/**
 * The resident's messages, newest first. Each names the order it is about (to open it) and what
 * happened as codes the app words for the resident: never the reason an operator wrote, which
 * may be an internal note.
 */
export async function listMessages(
  db: Db,
  actor: ResidentActor,
  input: z.infer<typeof listMessagesInput>,
) {
  const rows = await db
    .select({
      id: orderEvents.id,
      orderId: orderEvents.orderId,
      actorKind: orderEvents.actorKind,
      kind: orderEvents.kind,
      from: orderEvents.fromStatus,
      to: orderEvents.toStatus,
      at: orderEvents.at,
      readAt: messageReads.readAt,
      category: orders.category,
      titleZh: services.titleZh,
      titleEn: services.titleEn,
    })
    .from(orderEvents)
    .innerJoin(orders, eq(orders.id, orderEvents.orderId))
    .innerJoin(services, eq(services.id, orders.serviceId))
    .leftJoin(messageReads, readByMe(actor))
    .where(
      and(
        messagesOf(actor),
        input.cursor ? lt(orderEvents.id, Number(input.cursor)) : undefined,
        input.unreadOnly ? isNull(messageReads.eventId) : undefined,
      ),
    )
    .orderBy(desc(orderEvents.id))
    .limit(input.limit + 1);
  const more = rows.length > input.limit;
  const items = rows.slice(0, input.limit).map((r) => ({
    id: String(r.id),
    orderId: r.orderId,
    category: r.category,
    service: { titleZh: r.titleZh, titleEn: r.titleEn },
    event: { kind: r.kind, actorKind: r.actorKind, from: r.from, to: r.to },
    at: r.at.toISOString(),
    read: r.readAt !== null,
  }));
  return {
    items,
    nextCursor: more ? (items[items.length - 1]?.id ?? null) : null,
    unread: await countUnreadMessages(db, actor),
  };
}

/**
 * Marks messages read. Ids that are not the resident's messages are ignored (not refused): a
 * list read a moment ago may name an order the resident can no longer see.
 */
export async function readMessages(
  db: Db,
  actor: ResidentActor,
  input: z.infer<typeof readMessagesInput>,
) {
  if ('all' in input) return readAllMessages(db, actor);
  const mine = db
    .select({
      userId: sql<string>`${actor.id}::uuid`.as('user_id'),
      eventId: orderEvents.id,
      readAt: sql<Date>`now()`.as('read_at'),
    })
    .from(orderEvents)
    .innerJoin(orders, eq(orders.id, orderEvents.orderId))
    .where(and(messagesOf(actor), inArray(orderEvents.id, input.ids.map(Number))));
  await db.insert(messageReads).select(mine).onConflictDoNothing();
  return { unread: await countUnreadMessages(db, actor) };
}

/** Marks every message of the resident read. */
async function readAllMessages(db: Db, actor: ResidentActor) {
  const unread = db
    .select({
      userId: sql<string>`${actor.id}::uuid`.as('user_id'),
      eventId: orderEvents.id,
      readAt: sql<Date>`now()`.as('read_at'),
    })
    .from(orderEvents)
    .innerJoin(orders, eq(orders.id, orderEvents.orderId))
    .leftJoin(messageReads, readByMe(actor))
    .where(and(messagesOf(actor), isNull(messageReads.eventId)));
  await db.insert(messageReads).select(unread).onConflictDoNothing();
  return { unread: 0 };
}
