import { orderItems, orders } from '@cgp/db';
import { sql } from 'drizzle-orm';
import type { OrderLine } from '../menu/menu.schema';

export type { OrderLine };

/** The JSON object of one `order_items` row (aliased `oi`) in `OrderLine`'s shape. */
export const orderLineJson = sql`json_build_object('dishId', oi.dish_id, 'nameZh', oi.name_zh,
  'nameEn', oi.name_en, 'unitPriceFen', oi.unit_price_fen, 'quantity', oi.quantity,
  'lineTotalFen', oi.line_total_fen)`;

/** An order's lines in menu order, or null for an order priced by the unit (no menu). */
export const orderLinesOf = sql<OrderLine[] | null>`(
  SELECT json_agg(${orderLineJson} ORDER BY oi.position)
    FROM ${orderItems} oi WHERE oi.order_id = ${orders.id})`;
