import { orderItems, orders, payments, services, type Db } from '@cgp/db';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Env } from '../../env';
import { Conflict, NotFound } from '../../errors';
import type { ResidentActor } from '../identity/actor';
import { processorOf } from './processor';
import type { Payments } from './stripe-client';

/** Stripe will not expire a session sooner than 30 minutes out; see `expiresAt`. */
const STRIPE_MIN_EXPIRY_S = 30 * 60;
const STRIPE_MAX_EXPIRY_S = 24 * 3600;

type Order = typeof orders.$inferSelect;

/**
 * Our payment window (15 min) is shorter than Stripe allows a session to be, so the
 * expiry sweep closes a session as soon as its order expires; this is only the backstop.
 * Derived from the order, not the clock, so a retried create sends identical parameters.
 */
function expiresAt(order: Order): number {
  const due = Math.floor(order.paymentDueAt.getTime() / 1000);
  const now = Math.floor(Date.now() / 1000);
  return Math.min(due + STRIPE_MIN_EXPIRY_S + 5 * 60, now + STRIPE_MAX_EXPIRY_S - 60);
}

type Line = Pick<typeof orderItems.$inferSelect, 'nameZh' | 'unitPriceFen' | 'quantity'>;

/** What the resident pays for: each dish of a menu order, or the service times the quantity. */
function lineItems(order: Order, serviceName: string, lines: Line[]) {
  const priced = lines.length
    ? lines.map((l) => ({
        name: `${serviceName} · ${l.nameZh}`,
        unit: l.unitPriceFen,
        n: l.quantity,
      }))
    : [{ name: serviceName, unit: order.unitPriceFen ?? order.totalFen, n: order.quantity }];
  return priced.map((l) => ({
    quantity: l.n,
    price_data: { currency: 'cny', unit_amount: l.unit, product_data: { name: l.name } },
  }));
}

function sessionParams(
  order: Order,
  serviceName: string,
  lines: Line[],
  publicUrl: string,
): Stripe.Checkout.SessionCreateParams {
  const orderUrl = `${publicUrl}/orders/${order.id}`;
  return {
    mode: 'payment',
    line_items: lineItems(order, serviceName, lines),
    allowed_payment_method_types: ['card', 'alipay', 'wechat_pay'],
    // Stripe requires the WeChat Pay client type; our pages are web pages.
    payment_method_options: { wechat_pay: { client: 'web' } },
    // The transfer group ties the charge to the statement transfers that pay the merchant.
    payment_intent_data: { transfer_group: order.id, metadata: { order_id: order.id } },
    metadata: { order_id: order.id },
    client_reference_id: order.id,
    success_url: `${orderUrl}?paid=1`,
    cancel_url: orderUrl,
    expires_at: expiresAt(order),
  };
}

/**
 * `payment.checkout`: the URL of a Checkout Session for one of the resident's unpaid orders.
 * An open session is handed out again (a second tab, a failed attempt), so an order never has
 * two payable sessions; a new one is made only once the last is gone.
 */
export async function openCheckout(
  ctx: { db: Db; env: Env; payments?: Payments },
  actor: ResidentActor,
  orderId: string,
): Promise<{ url: string }> {
  const { stripe } = processorOf(ctx);
  const [row] = await ctx.db
    .select({ order: orders, titleZh: services.titleZh, titleEn: services.titleEn })
    .from(orders)
    .innerJoin(services, eq(services.id, orders.serviceId))
    .where(and(eq(orders.id, orderId), eq(orders.residentId, actor.id)));
  if (!row) throw new NotFound('Order');
  const { order } = row;
  if (order.status !== 'pending_payment') {
    throw new Conflict('not_payable', `An order that is ${order.status} cannot be paid`, {
      status: order.status,
    });
  }
  if (order.paymentDueAt <= new Date()) {
    throw new Conflict('payment_window_closed', 'The time to pay for this order has run out');
  }

  const attempts = await ctx.db
    .select()
    .from(payments)
    .where(eq(payments.orderId, order.id))
    .orderBy(desc(payments.createdAt));
  const latest = attempts[0];
  if (latest && (latest.status === 'open' || latest.status === 'failed')) {
    const session = await stripe.checkout.sessions.retrieve(latest.checkoutSessionId);
    if (session.status === 'open' && session.url) return { url: session.url };
    if (session.status === 'complete') {
      throw new Conflict(
        'payment_processing',
        'This order is paid; the payment is being confirmed',
      );
    }
    await ctx.db
      .update(payments)
      .set({ status: 'expired', updatedAt: sql`now()` })
      .where(and(eq(payments.id, latest.id), inArray(payments.status, ['open', 'failed'])));
  }

  const name = [row.titleZh, row.titleEn].filter(Boolean).join(' ');
  const lines = await ctx.db
    .select({
      nameZh: orderItems.nameZh,
      unitPriceFen: orderItems.unitPriceFen,
      quantity: orderItems.quantity,
    })
    .from(orderItems)
    .where(eq(orderItems.orderId, order.id))
    .orderBy(orderItems.position);
  // One key per attempt: a retry (or a concurrent click) gets the same session back from Stripe.
  const session = await stripe.checkout.sessions
    .create(sessionParams(order, name, lines, ctx.env.PUBLIC_URL), {
      idempotencyKey: `checkout_${order.id}_${attempts.length}`,
    })
    .catch((error: unknown) => {
      // The processor's minimum charge (¥4.00 for CNY): a refusal the resident should read.
      if ((error as { code?: unknown }).code === 'amount_too_small') {
        throw new Conflict('amount_too_small', 'The amount is below the minimum online payment');
      }
      throw error;
    });
  if (!session.url) throw new Error(`Checkout Session ${session.id} has no URL`);
  await ctx.db
    .insert(payments)
    .values({
      orderId: order.id,
      checkoutSessionId: session.id,
      amountFen: session.amount_total ?? order.totalFen,
      currency: session.currency ?? 'cny',
      url: session.url,
    })
    .onConflictDoNothing({ target: payments.checkoutSessionId });
  return { url: session.url };
}
