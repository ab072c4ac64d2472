import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { services } from './catalog';
import { uploads } from './delivery';
import { orders } from './orders';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * A dish on a meal-delivery service's menu (菜品). Residents put several dishes in one cart for
 * a delivery window; each portion takes one unit of the window's capacity. A removed dish keeps
 * its row for the orders that name it and leaves the menu.
 */
export const dishes = pgTable(
  'dishes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull().default(''),
    priceFen: bigint('price_fen', { mode: 'number' }).notNull(),
    photoId: uuid('photo_id').references(() => uploads.id),
    /** Sold out today or off the menu for now: shown greyed, not orderable. */
    available: boolean('available').notNull().default(true),
    /** The menu's order, smallest first. */
    position: integer('position').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    removedAt: ts('removed_at'),
  },
  (t) => [
    check('dishes_price_ck', sql`${t.priceFen} > 0`),
    index('dishes_service_idx').on(t.serviceId, t.position),
  ],
);

/**
 * One line of a menu order: the dish, its name and unit price frozen as they were when the
 * resident booked, the portions and the line's total. The order's total is the sum of its lines.
 */
export const orderItems = pgTable(
  'order_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    dishId: uuid('dish_id')
      .notNull()
      .references(() => dishes.id),
    position: smallint('position').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    unitPriceFen: bigint('unit_price_fen', { mode: 'number' }).notNull(),
    quantity: integer('quantity').notNull(),
    lineTotalFen: bigint('line_total_fen', { mode: 'number' }).notNull(),
  },
  (t) => [
    unique('order_items_order_dish_uq').on(t.orderId, t.dishId),
    check(
      'order_items_money_ck',
      sql`${t.unitPriceFen} > 0 AND ${t.quantity} >= 1 AND ${t.lineTotalFen} = ${t.unitPriceFen} * ${t.quantity}`,
    ),
    index('order_items_order_idx').on(t.orderId, t.position),
  ],
);
