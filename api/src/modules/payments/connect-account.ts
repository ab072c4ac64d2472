import { merchants, type DbOrTx } from '@cgp/db';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';

/**
 * `account.updated` (and a status check that finds the webhook late): what Stripe says of the
 * merchant's Connect account decides whether statements can be paid out to it.
 */
export async function syncConnectedAccount(db: DbOrTx, account: Stripe.Account): Promise<void> {
  await db
    .update(merchants)
    .set({
      payoutsEnabled: account.payouts_enabled ?? false,
      detailsSubmitted: account.details_submitted ?? false,
    })
    .where(eq(merchants.stripeAccountId, account.id));
}
