import { stripeEvents, type Db, type Tx } from '@cgp/db';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Env } from '../../env';
import type { Logger } from '../../logger';
import { timersFrom } from '../orders/timers';
import {
  applyProcessorTransfer,
  fetchProcessorTransfer,
  type ProcessorTransfer,
} from './transfer-events';
import { syncConnectedAccount } from './connect-account';
import { applyProcessorDispute, DISPUTE_EVENTS } from './dispute-events';
import { recordExpiredSession, recordFailedAttempt } from './payment-lapsed';
import { applyPaidSession, applySucceededIntent, type PaymentEffects } from './payment-received';
import { processorOf } from './processor';
import { idOf, ourId, PAYMENT_EXPAND } from './processor-refs';
import { applyProcessorRefunds, currentRefund, refundsOfCharge } from './refund-updates';
import type { Payments } from './stripe-client';

interface EventContext {
  db: Db;
  env: Env;
  logger: Logger;
  payments?: Payments;
}

/** What an event needs from the processor, fetched before the transaction opens. */
interface Fetched {
  refunds?: Stripe.Refund[];
  /** The dispute an event is about, as the processor has it now. */
  dispute?: Stripe.Dispute;
  /** The PaymentIntent behind a payment of ours: what the processor says was paid, and when. */
  intent?: Stripe.PaymentIntent;
  /** The transfer a `transfer.*` event is about, as the processor has it now. */
  transfer?: ProcessorTransfer;
}

/** The PaymentIntent a payment event of ours is about; none for objects that are not ours. */
function ourPaymentIntent(event: Stripe.Event): string | null {
  if (
    event.type === 'checkout.session.completed' ||
    event.type === 'checkout.session.async_payment_succeeded'
  ) {
    const session = event.data.object;
    if (!ourId(session.metadata?.order_id, session.client_reference_id)) return null;
    return idOf(session.payment_intent);
  }
  if (event.type === 'payment_intent.succeeded') {
    return ourId(event.data.object.metadata?.order_id) ? event.data.object.id : null;
  }
  return null;
}

async function fetchFor(stripe: Stripe, event: Stripe.Event): Promise<Fetched> {
  if (event.type === 'charge.refunded') {
    return { refunds: await refundsOfCharge(stripe, event.data.object) };
  }
  if (
    event.type === 'refund.created' ||
    event.type === 'refund.updated' ||
    event.type === 'refund.failed' ||
    event.type === 'charge.refund.updated'
  ) {
    return { refunds: [await currentRefund(stripe, event.data.object)] };
  }
  if (
    event.type === 'transfer.created' ||
    event.type === 'transfer.updated' ||
    event.type === 'transfer.reversed'
  ) {
    return { transfer: await fetchProcessorTransfer(stripe, event.data.object.id) };
  }
  if (DISPUTE_EVENTS.has(event.type)) {
    const { id } = event.data.object as Stripe.Dispute;
    return { dispute: await stripe.disputes.retrieve(id) };
  }
  const intentId = ourPaymentIntent(event);
  if (intentId) {
    return { intent: await stripe.paymentIntents.retrieve(intentId, { expand: PAYMENT_EXPAND }) };
  }
  return {};
}

async function applyEvent(
  tx: Tx,
  event: Stripe.Event,
  fetched: Fetched,
  effects: PaymentEffects,
): Promise<void> {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      if (fetched.intent) {
        await applyPaidSession(tx, event.data.object, fetched.intent, event.account, effects);
      }
      return;
    case 'payment_intent.succeeded':
      if (fetched.intent) await applySucceededIntent(tx, fetched.intent, event.account, effects);
      return;
    case 'payment_intent.payment_failed':
      return recordFailedAttempt(tx, event.data.object);
    case 'checkout.session.expired':
      return recordExpiredSession(tx, event.data.object);
    case 'charge.refunded':
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed':
    case 'charge.refund.updated':
      return applyProcessorRefunds(tx, fetched.refunds ?? []);
    case 'charge.dispute.created':
    case 'charge.dispute.updated':
    case 'charge.dispute.funds_withdrawn':
    case 'charge.dispute.funds_reinstated':
    case 'charge.dispute.closed':
      if (fetched.dispute) await applyProcessorDispute(tx, fetched.dispute);
      return;
    case 'account.updated':
      return syncConnectedAccount(tx, event.data.object);
    case 'transfer.created':
    case 'transfer.updated':
    case 'transfer.reversed':
      if (fetched.transfer) await applyProcessorTransfer(tx, fetched.transfer);
      return;
    default:
      // Everything else: stored, nothing to do.
      return;
  }
}

/**
 * A verified Stripe event (SPEC §5): stored by id and applied in one transaction, so a replay or
 * a duplicate finds its row and changes nothing, and a failure stores nothing (Stripe retries).
 */
export async function receiveStripeEvent(
  ctx: EventContext,
  event: Stripe.Event,
): Promise<'applied' | 'duplicate'> {
  const seen = await ctx.db
    .select({ id: stripeEvents.id })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, event.id));
  if (seen.length) return 'duplicate';
  const fetched = await fetchFor(processorOf(ctx).stripe, event);
  const effects = { timers: timersFrom(ctx.env), logger: ctx.logger };
  return ctx.db.transaction(async (tx) => {
    const [stored] = await tx
      .insert(stripeEvents)
      .values({ id: event.id, type: event.type, payload: event })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id });
    // The early check is only a shortcut; this insert is what decides, under concurrency too.
    if (!stored) return 'duplicate';
    await applyEvent(tx, event, fetched, effects);
    return 'applied';
  });
}
