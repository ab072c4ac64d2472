import { stripeEvents, type Db, type Tx } from '@cgp/db';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Env } from '../../env';
import type { Logger } from '../../logger';
import { timersFrom } from '../orders/timers';
import { syncConnectedAccount } from './connect-account';
import { recordExpiredSession, recordFailedAttempt } from './payment-lapsed';
import { applyPaidSession, applySucceededIntent, type PaymentEffects } from './payment-received';
import { processorOf } from './processor';
import { applyProcessorRefunds, refundsOfCharge } from './refund-updates';
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
}

async function fetchFor(stripe: Stripe, event: Stripe.Event): Promise<Fetched> {
  if (event.type === 'charge.refunded') {
    return { refunds: await refundsOfCharge(stripe, event.data.object) };
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
      await applyPaidSession(tx, event.data.object, effects);
      return;
    case 'payment_intent.succeeded':
      await applySucceededIntent(tx, event.data.object, effects);
      return;
    case 'payment_intent.payment_failed':
      return recordFailedAttempt(tx, event.data.object);
    case 'checkout.session.expired':
      return recordExpiredSession(tx, event.data.object);
    case 'charge.refunded':
      return applyProcessorRefunds(tx, fetched.refunds ?? []);
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed':
    case 'charge.refund.updated':
      return applyProcessorRefunds(tx, [event.data.object]);
    case 'account.updated':
      return syncConnectedAccount(tx, event.data.object);
    default:
      // transfer.* (settlement reconciles them) and everything else: stored, nothing to do.
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
