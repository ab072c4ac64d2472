import type Stripe from 'stripe';
import { resourceMissing } from './errors';
import { AUTOMATIC, emitEvent } from './events';
import { newId, nowSeconds, randomToken } from './ids';
import { getObject, insertObject, updateObject, type Queryable } from './store';

export interface CreateAccountInput {
  type?: Stripe.Account.Type | undefined;
  country?: string | undefined;
  email?: string | undefined;
  business_type?: Stripe.Account.BusinessType | undefined;
  business_profile?:
    { name?: string | undefined; url?: string | undefined; mcc?: string | undefined } | undefined;
  capabilities?: Partial<Record<'transfers' | 'card_payments', { requested: boolean }>> | undefined;
  default_currency?: string | undefined;
  metadata?: Stripe.Metadata | undefined;
}

/** A connected account as created: nothing is enabled until the merchant finishes onboarding. */
export async function createAccount(
  tx: Queryable,
  input: CreateAccountInput,
): Promise<Stripe.Account> {
  const capabilities: Stripe.Account.Capabilities = { transfers: 'inactive' };
  if (input.capabilities?.card_payments?.requested) capabilities.card_payments = 'inactive';
  const profile = input.business_profile;
  const account: Stripe.Account = {
    id: newId('acct', 16),
    object: 'account',
    business_profile: profile
      ? {
          mcc: profile.mcc ?? null,
          minority_owned_business_designation: null,
          name: profile.name ?? null,
          specified_commercial_transactions_act_url: null,
          support_address: null,
          support_email: null,
          support_phone: null,
          support_url: null,
          url: profile.url ?? null,
        }
      : null,
    business_type: input.business_type ?? null,
    capabilities,
    charges_enabled: false,
    country: (input.country ?? 'CN').toUpperCase(),
    created: nowSeconds(),
    default_currency: input.default_currency ?? 'cny',
    details_submitted: false,
    email: input.email ?? null,
    metadata: input.metadata ?? {},
    payouts_enabled: false,
    type: input.type ?? 'express',
  };
  await insertObject(tx, 'account', account.id, account);
  return account;
}

/** Account links are short-lived and single-use, as Stripe's are. */
const LINK_LIFETIME_S = 300;

export interface CreateAccountLinkInput {
  account: string;
  refresh_url: string;
  return_url: string;
  type: 'account_onboarding' | 'account_update';
}

export async function createAccountLink(
  tx: Queryable,
  input: CreateAccountLinkInput,
  publicUrl: string,
): Promise<Stripe.AccountLink> {
  await getObject(tx, 'account', input.account, { param: 'account' });
  const token = randomToken(32);
  const created = nowSeconds();
  const link: Stripe.AccountLink = {
    object: 'account_link',
    created,
    expires_at: created + LINK_LIFETIME_S,
    url: `${publicUrl}/setup/e/${input.account}/${token}`,
  };
  await insertObject(tx, 'account_link', token, link, {
    account: input.account,
    refresh_url: input.refresh_url,
    return_url: input.return_url,
    used: false,
  });
  return link;
}

export type OnboardingLink =
  | { usable: true; account: Stripe.Account; returnUrl: string; refreshUrl: string }
  | { usable: false; refreshUrl: string };

/** The account behind an onboarding URL, or why the URL can no longer be used. */
export async function openOnboardingLink(
  db: Queryable,
  accountId: string,
  token: string,
  options: { lock?: boolean } = {},
): Promise<OnboardingLink> {
  const link = await getObject(db, 'account_link', token, options);
  if (link.internal.account !== accountId) throw resourceMissing('account_link', token);
  const refreshUrl = link.internal.refresh_url;
  if (link.internal.used || link.data.expires_at <= nowSeconds())
    return { usable: false, refreshUrl };
  const { data: account } = await getObject(db, 'account', accountId, options);
  return { usable: true, account, returnUrl: link.internal.return_url, refreshUrl };
}

/**
 * What the onboarding page's Complete does: the account can now take charges and receive
 * transfers and payouts. Uses up the link, like Stripe; an expired or used link changes nothing.
 */
export async function completeOnboarding(
  tx: Queryable,
  accountId: string,
  token: string,
): Promise<OnboardingLink> {
  const opened = await openOnboardingLink(tx, accountId, token, { lock: true });
  if (!opened.usable) return opened;
  const link = await getObject(tx, 'account_link', token);
  await updateObject(tx, 'account_link', token, link.data, { ...link.internal, used: true });

  const before = opened.account;
  if (before.details_submitted && before.payouts_enabled) return opened;
  const capabilities: Stripe.Account.Capabilities = { ...before.capabilities, transfers: 'active' };
  if (capabilities.card_payments) capabilities.card_payments = 'active';
  const account: Stripe.Account = {
    ...before,
    capabilities,
    details_submitted: true,
    charges_enabled: true,
    payouts_enabled: true,
  };
  await updateObject(tx, 'account', accountId, account);
  await emitEvent(tx, 'account.updated', account, AUTOMATIC, {
    capabilities: before.capabilities ?? {},
    details_submitted: before.details_submitted,
    charges_enabled: before.charges_enabled,
    payouts_enabled: before.payouts_enabled,
  });
  return { ...opened, account };
}
