import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  availableCny,
  isAbout,
  onboardedAccount,
  paidCheckout,
  type SandboxUnderTest,
  startSandboxUnderTest,
  type WebhookReceiver,
} from './test-support';

let under: SandboxUnderTest;
let stripe: Stripe;
let receiver: WebhookReceiver;

beforeAll(async () => {
  under = await startSandboxUnderTest();
  ({ stripe, receiver } = under);
});
afterAll(() => under?.close());

describe('Connect onboarding', () => {
  it('an account link leads to a page whose Complete enables the account', async () => {
    const account = await stripe.accounts.create({
      type: 'express',
      country: 'CN',
      email: 'owner@sunshine.example',
      business_profile: { name: '阳光家政' },
      capabilities: { transfers: { requested: true } },
      metadata: { merchant_id: 'm-1' },
    });
    expect(account).toMatchObject({
      object: 'account',
      type: 'express',
      country: 'CN',
      details_submitted: false,
      charges_enabled: false,
      payouts_enabled: false,
      metadata: { merchant_id: 'm-1' },
    });
    expect(account.id).toMatch(/^acct_/);

    const link = await stripe.accountLinks.create({
      account: account.id,
      refresh_url: 'http://localhost:3000/merchant/connect/refresh',
      return_url: 'http://localhost:3000/merchant/connect/done',
      type: 'account_onboarding',
    });
    expect(link.object).toBe('account_link');
    expect(link.expires_at).toBeGreaterThan(link.created);

    const page = await fetch(link.url);
    const html = await page.text();
    expect(html).toContain('阳光家政');
    expect(html).toMatch(/<button[^>]*value="completed"[^>]*>完成入驻 Complete/);

    const done = await fetch(link.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'outcome=completed',
      redirect: 'manual',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('http://localhost:3000/merchant/connect/done');

    const updated = await receiver.waitFor(isAbout(account.id, 'account.updated'));
    expect(updated.data.object).toMatchObject({
      details_submitted: true,
      charges_enabled: true,
      payouts_enabled: true,
    });
    expect(updated.data.previous_attributes).toMatchObject({ payouts_enabled: false });
    expect(await stripe.accounts.retrieve(account.id)).toMatchObject({
      details_submitted: true,
      payouts_enabled: true,
      capabilities: { transfers: 'active' },
    });

    // Links are single-use: visiting it again sends the merchant to refresh_url for a new one.
    const again = await fetch(link.url, { redirect: 'manual' });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('http://localhost:3000/merchant/connect/refresh');
  });

  it('refuses a link for an account that does not exist', async () => {
    await expect(
      stripe.accountLinks.create({
        account: 'acct_missing',
        refresh_url: 'http://localhost:3000/r',
        return_url: 'http://localhost:3000/d',
        type: 'account_onboarding',
      }),
    ).rejects.toMatchObject({ statusCode: 404, param: 'account' });
  });
});

describe('Transfers', () => {
  it('pays an onboarded account from the platform balance, listed by transfer group', async () => {
    await paidCheckout(stripe, 20_000);
    const account = await onboardedAccount(stripe);
    const before = await availableCny(stripe);

    const transfer = await stripe.transfers.create(
      {
        amount: 7_000,
        currency: 'cny',
        destination: account.id,
        transfer_group: 'statement-1',
        metadata: { statement_id: 'statement-1' },
      },
      { idempotencyKey: 'statement-1' },
    );
    expect(transfer).toMatchObject({
      object: 'transfer',
      amount: 7_000,
      currency: 'cny',
      destination: account.id,
      transfer_group: 'statement-1',
      reversed: false,
    });
    expect(transfer.id).toMatch(/^tr_/);
    expect(await availableCny(stripe)).toBe(before - 7_000);
    await receiver.waitFor(isAbout(transfer.id, 'transfer.created'));

    const listed = await stripe.transfers.list({ transfer_group: 'statement-1' });
    expect(listed.data.map((t) => t.id)).toEqual([transfer.id]);
    expect((await stripe.transfers.list({ transfer_group: 'statement-2' })).data).toEqual([]);

    const reversal = await stripe.transfers.createReversal(transfer.id, { amount: 2_000 });
    expect(reversal).toMatchObject({
      object: 'transfer_reversal',
      amount: 2_000,
      transfer: transfer.id,
    });
    expect(reversal.id).toMatch(/^trr_/);
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({
      amount_reversed: 2_000,
      reversed: false,
    });
    await receiver.waitFor(isAbout(transfer.id, 'transfer.reversed'));
    expect(await availableCny(stripe)).toBe(before - 5_000);

    await expect(
      stripe.transfers.createReversal(transfer.id, { amount: 5_001 }),
    ).rejects.toMatchObject({
      code: 'amount_too_large',
    });
    await stripe.transfers.createReversal(transfer.id);
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({
      amount_reversed: 7_000,
      reversed: true,
    });
    expect(await availableCny(stripe)).toBe(before);
  });

  it('refuses a transfer to an account that has not finished onboarding', async () => {
    await paidCheckout(stripe, 1_000);
    const account = await stripe.accounts.create({ type: 'express', country: 'CN' });
    const attempt = stripe.transfers.create({
      amount: 100,
      currency: 'cny',
      destination: account.id,
    });
    await expect(attempt).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(attempt).rejects.toMatchObject({
      code: 'insufficient_capabilities_for_transfer',
      param: 'destination',
    });
    expect((await stripe.transfers.list({ destination: account.id })).data).toEqual([]);
  });

  it('refuses a transfer larger than the available balance and replays that refusal under its key', async () => {
    const account = await onboardedAccount(stripe);
    const available = await availableCny(stripe);
    const params = { amount: available + 400, currency: 'cny', destination: account.id };
    const first = stripe.transfers.create(params, { idempotencyKey: 'statement-big' });
    await expect(first).rejects.toMatchObject({ code: 'balance_insufficient' });
    await paidCheckout(stripe, 400);
    // Stripe saves the first answer after execution began, errors included, for 24 hours.
    const again = stripe.transfers.create(params, { idempotencyKey: 'statement-big' });
    await expect(again).rejects.toMatchObject({
      code: 'balance_insufficient',
      headers: expect.objectContaining({ 'idempotent-replayed': 'true' }) as unknown,
    });
    const transfer = await stripe.transfers.create(params, { idempotencyKey: 'statement-big:1' });
    expect(transfer.amount).toBe(available + 400);
    expect(await availableCny(stripe)).toBe(0);
  });

  it('never spends the same funds twice under concurrent transfers', async () => {
    const account = await onboardedAccount(stripe);
    await paidCheckout(stripe, 1_000);
    const available = await availableCny(stripe);
    const share = Math.floor(available / 3);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        stripe.transfers.create({ amount: share, currency: 'cny', destination: account.id }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(await availableCny(stripe)).toBe(available - 3 * share);
  });
});
