import { bigint, index, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';
import { orderEvents } from './orders';

/**
 * Which of a resident's in-app messages (站内消息) they have read. A message is an `order_events`
 * row of one of their orders, so every state change is a message without a second write; this
 * table only records that a person has seen it.
 */
export const messageReads = pgTable(
  'message_reads',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => orderEvents.id),
    readAt: timestamp('read_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.eventId] }),
    index('message_reads_event_idx').on(t.eventId),
  ],
);
