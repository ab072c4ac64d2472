import { merchants, type Db } from '@cgp/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { Env } from '../../env';
import { NotFound } from '../../errors';
import type { Logger } from '../../logger';
import type { MerchantActor } from '../identity/actor';
import { syncConnectedAccount } from './connect-account';
import { processorOf } from './processor';
import type { Payments } from './stripe-client';

interface ConnectContext {
  db: Db;
  env: Env;
  logger: Logger;
  payments?: Payments;
}

async function merchantOf(db: Db, actor: MerchantActor) {
  const [merchant] = await db.select().from(merchants).where(eq(merchants.id, actor.merchantId));
  if (!merchant) throw new NotFound('Merchant');
  return merchant;
}

/** `acct_1AbC…9xYz` → `acct_****9xYz`: enough to tell accounts apart, for a technical-details line. */
export const maskAccountId = (id: string) => `${id.slice(0, 5)}****${id.slice(-4)}`;

const view = (m: typeof merchants.$inferSelect) => ({
  accountId: m.stripeAccountId,
  accountIdMasked: m.stripeAccountId ? maskAccountId(m.stripeAccountId) : null,
  detailsSubmitted: m.detailsSubmitted,
  payoutsEnabled: m.payoutsEnabled,
});

/**
 * `merchant.connect.status`. Until payouts are enabled it asks Stripe too, so a merchant back
 * from onboarding sees the result even if the `account.updated` webhook is still on its way.
 */
export async function connectStatus(ctx: ConnectContext, actor: MerchantActor) {
  const merchant = await merchantOf(ctx.db, actor);
  if (!merchant.stripeAccountId || merchant.payoutsEnabled) return view(merchant);
  try {
    const account = await processorOf(ctx).stripe.accounts.retrieve(merchant.stripeAccountId);
    await syncConnectedAccount(ctx.db, account);
    return view(await merchantOf(ctx.db, actor));
  } catch (error) {
    ctx.logger.warn({ err: error, merchantId: merchant.id }, 'could not refresh Connect account');
    return view(merchant);
  }
}

/**
 * `merchant.connect.onboard`: the merchant's Express account (created on first use) and a fresh
 * single-use onboarding link that returns to the earnings page.
 */
export async function startOnboarding(ctx: ConnectContext, actor: MerchantActor) {
  const { stripe } = processorOf(ctx);
  const merchant = await merchantOf(ctx.db, actor);
  let accountId = merchant.stripeAccountId;
  if (!accountId) {
    // Keyed by merchant: two clicks at once get the same account from Stripe.
    const account = await stripe.accounts.create(
      {
        type: 'express',
        country: 'CN',
        default_currency: 'cny',
        business_profile: { name: merchant.name },
        capabilities: { transfers: { requested: true } },
        metadata: { merchant_id: merchant.id },
      },
      { idempotencyKey: `connect_account_${merchant.id}` },
    );
    await ctx.db
      .update(merchants)
      .set({ stripeAccountId: account.id })
      .where(and(eq(merchants.id, merchant.id), isNull(merchants.stripeAccountId)));
    accountId = (await merchantOf(ctx.db, actor)).stripeAccountId ?? account.id;
  }
  const earnings = `${ctx.env.PUBLIC_URL}/merchant/earnings`;
  const link = await stripe.accountLinks.create({
    account: accountId,
    refresh_url: earnings,
    return_url: earnings,
    type: 'account_onboarding',
  });
  return { url: link.url };
}
