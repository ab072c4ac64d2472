import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from './idempotency';
import {
  availableCny,
  createCheckout,
  isAbout,
  onboardedAccount,
  paidCheckout,
  type SandboxUnderTest,
  startSandboxUnderTest,
} from './test-support';

let under: SandboxUnderTest;
let stripe: Stripe;
let merchant: Stripe.Account;

beforeAll(async () => {
  under = await startSandboxUnderTest();
  stripe = under.stripe;
  await paidCheckout(stripe, 1_000_000);
  merchant = await onboardedAccount(stripe);
});
afterAll(() => under?.close());

async function pendingCny(): Promise<number> {
  return (await stripe.balance.retrieve()).pending.find((p) => p.currency === 'cny')?.amount ?? 0;
}

describe('idempotency as Stripe keeps it', () => {
  it('answers 409 idempotency_key_in_use while another request holds the key', async () => {
    const noRetry = under.sandbox.stripe({ maxNetworkRetries: 0 });
    const holder = await under.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
        hashApiKey(under.sandbox.secretKey),
        'busy-key',
      ]);
      const busy = noRetry.transfers.create(
        { amount: 500, currency: 'cny', destination: merchant.id, transfer_group: 'busy' },
        { idempotencyKey: 'busy-key' },
      );
      await expect(busy).rejects.toMatchObject({ statusCode: 409, code: 'idempotency_key_in_use' });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    // Nothing was saved under the key: once it is free the request runs.
    const made = await noRetry.transfers.create(
      { amount: 500, currency: 'cny', destination: merchant.id, transfer_group: 'busy' },
      { idempotencyKey: 'busy-key' },
    );
    expect(made.amount).toBe(500);
  });

  it('replays a refusal saved after execution began, but saves nothing for a malformed request', async () => {
    const { paymentIntent } = await paidCheckout(stripe, 1_000);
    const tooMuch = { payment_intent: paymentIntent.id, amount: 1_001 };
    await expect(
      stripe.refunds.create(tooMuch, { idempotencyKey: 'refund-too-much' }),
    ).rejects.toMatchObject({ code: 'amount_too_large' });
    const replay = stripe.refunds.create(tooMuch, { idempotencyKey: 'refund-too-much' });
    await expect(replay).rejects.toMatchObject({
      code: 'amount_too_large',
      headers: expect.objectContaining({ 'idempotent-replayed': 'true' }) as unknown,
    });

    // A request refused before it ran (an unknown parameter) leaves the key free.
    const malformed = (extra: Record<string, string>) =>
      fetch(`${under.sandbox.url}/v1/refunds`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${under.sandbox.secretKey}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          'Idempotency-Key': 'refund-malformed',
        },
        body: new URLSearchParams({ payment_intent: paymentIntent.id, amount: '100', ...extra }),
      });
    expect((await malformed({ colour: 'red' })).status).toBe(400);
    const ok = await malformed({});
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Stripe.Refund).amount).toBe(100);
  });
});

describe('amounts', () => {
  it('refuses a checkout below Stripe’s minimum charge; amounts are fen of a 2-decimal currency', async () => {
    const small = createCheckout(stripe, 399);
    await expect(small).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(small).rejects.toMatchObject({ code: 'amount_too_small' });
    await expect(small).rejects.toThrow('¥4.00');
    const least = await createCheckout(stripe, 400);
    expect(least).toMatchObject({ amount_total: 400, currency: 'cny', ui_mode: 'hosted_page' });
  });
});

describe('lists', () => {
  it('honour limit and refuse a cursor they do not know', async () => {
    const group = 'paged';
    for (let i = 0; i < 3; i += 1) {
      await stripe.transfers.create({
        amount: 400 + i,
        currency: 'cny',
        destination: merchant.id,
        transfer_group: group,
      });
    }
    const first = await stripe.transfers.list({ transfer_group: group, limit: 2 });
    expect(first.data.map((t) => t.amount)).toEqual([402, 401]);
    expect(first.has_more).toBe(true);
    const next = await stripe.transfers.list({
      transfer_group: group,
      limit: 2,
      starting_after: first.data[1]!.id,
    });
    expect(next.data.map((t) => t.amount)).toEqual([400]);
    expect(next.has_more).toBe(false);

    const unknownCursors = [
      () => stripe.transfers.list({ starting_after: 'tr_unknown' }),
      () => stripe.refunds.list({ starting_after: 're_unknown' }),
      () => stripe.balanceTransactions.list({ starting_after: 'txn_unknown' }),
      () => stripe.transfers.listReversals(first.data[0]!.id, { starting_after: 'trr_unknown' }),
    ];
    for (const list of unknownCursors) {
      await expect(list()).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    }

    const lines = await stripe.balanceTransactions.list({ limit: 3 });
    expect(lines.data).toHaveLength(3);
    expect(lines.has_more).toBe(true);
  });
});

describe('balance transactions, fees and available_on', () => {
  it('keeps a fee on each charge and holds its net until available_on', async () => {
    await under.sandbox.setTerms({ feeBps: 340, feeFixedFen: 0, availableAfterSeconds: 3600 });
    try {
      const availableBefore = await availableCny(stripe);
      const pendingBefore = await pendingCny();
      const { paymentIntent } = await paidCheckout(stripe, 10_050);
      const charge = await stripe.charges.retrieve(paymentIntent.latest_charge as string, {
        expand: ['balance_transaction'],
      });
      const line = charge.balance_transaction as Stripe.BalanceTransaction;
      // 3.4% of ¥100.50 is 341.7 fen: rounded half up to 342.
      expect(line).toMatchObject({
        object: 'balance_transaction',
        type: 'charge',
        amount: 10_050,
        fee: 342,
        net: 9_708,
        status: 'pending',
        source: charge.id,
      });
      expect(line.available_on - line.created).toBeGreaterThanOrEqual(3599);
      expect(await stripe.balanceTransactions.retrieve(line.id)).toEqual(line);
      expect((await stripe.balanceTransactions.list({ source: charge.id })).data).toEqual([line]);
      expect(await availableCny(stripe)).toBe(availableBefore);
      expect(await pendingCny()).toBe(pendingBefore + 9_708);

      // Pending funds cannot be spent, unless the transfer names the charge they came from.
      const poor = { amount: availableBefore + 1, currency: 'cny', destination: merchant.id };
      await expect(stripe.transfers.create(poor)).rejects.toMatchObject({
        code: 'balance_insufficient',
      });
      await expect(
        stripe.transfers.create({
          amount: 10_051,
          currency: 'cny',
          destination: merchant.id,
          source_transaction: charge.id,
        }),
      ).rejects.toMatchObject({ code: 'amount_too_large' });
      const followed = await stripe.transfers.create({
        amount: 7_000,
        currency: 'cny',
        destination: merchant.id,
        source_transaction: charge.id,
        expand: ['balance_transaction'],
      });
      expect(followed.source_transaction).toBe(charge.id);
      expect((followed.balance_transaction as Stripe.BalanceTransaction).available_on).toBe(
        line.available_on,
      );
      expect(await pendingCny()).toBe(pendingBefore + 9_708 - 7_000);
      expect(await availableCny(stripe)).toBe(availableBefore);
    } finally {
      await under.sandbox.setTerms({ feeBps: 0, feeFixedFen: 0, availableAfterSeconds: 0 });
    }
  });
});

describe('money the processor moves without being asked', () => {
  it('a dispute takes the amount and its fee; won, the amount comes back; lost, it stays gone', async () => {
    await under.sandbox.setTerms({ disputeFeeFen: 10_000 });
    const { paymentIntent } = await paidCheckout(stripe, 20_000);
    const chargeId = paymentIntent.latest_charge as string;
    const before = await availableCny(stripe);
    const trigger = (path: string, form: Record<string, string>) =>
      stripe.rawRequest('POST', `/v1/test_helpers/${path}`, form) as Promise<
        Stripe.Response<Stripe.Dispute>
      >;
    const dispute = await trigger(`charges/${chargeId}/dispute`, {});
    expect(dispute).toMatchObject({ object: 'dispute', amount: 20_000, status: 'needs_response' });
    await under.receiver.waitFor(isAbout(dispute.id, 'charge.dispute.created'));
    expect(await availableCny(stripe)).toBe(before - 30_000);
    expect((await stripe.charges.retrieve(chargeId)).disputed).toBe(true);

    const won = await trigger(`disputes/${dispute.id}/close`, { outcome: 'won' });
    expect(won.status).toBe('won');
    expect(won.balance_transactions.map((b) => [b.amount, b.fee])).toEqual([
      [-20_000, 10_000],
      [20_000, 0],
    ]);
    await under.receiver.waitFor(isAbout(dispute.id, 'charge.dispute.closed'));
    expect(await availableCny(stripe)).toBe(before - 10_000);

    const other = await paidCheckout(stripe, 5_000);
    const lostDispute = await trigger(
      `charges/${other.paymentIntent.latest_charge as string}/dispute`,
      {},
    );
    const lost = await stripe.disputes.close(lostDispute.id);
    expect(lost.status).toBe('lost');
    expect(await availableCny(stripe)).toBe(before - 10_000 - 10_000);
    await under.sandbox.setTerms({ disputeFeeFen: 0 });
  });

  it('a Dashboard refund and a Dashboard reversal carry no request and no metadata of ours', async () => {
    const { paymentIntent } = await paidCheckout(stripe, 3_000);
    const chargeId = paymentIntent.latest_charge as string;
    const refund = (await stripe.rawRequest(
      'POST',
      `/v1/test_helpers/charges/${chargeId}/dashboard_refund`,
      { amount: 1_000 },
    )) as Stripe.Response<Stripe.Refund>;
    expect(refund).toMatchObject({ amount: 1_000, charge: chargeId, metadata: {} });
    const refunded = await under.receiver.waitFor(isAbout(chargeId, 'charge.refunded'));
    expect(refunded.request).toEqual({ id: null, idempotency_key: null });

    const transfer = await stripe.transfers.create({
      amount: 2_000,
      currency: 'cny',
      destination: merchant.id,
    });
    await stripe.rawRequest(
      'POST',
      `/v1/test_helpers/transfers/${transfer.id}/dashboard_reversal`,
      {
        amount: 500,
      },
    );
    const reversed = await under.receiver.waitFor(isAbout(transfer.id, 'transfer.reversed'));
    expect((reversed.data.object as Stripe.Transfer).amount_reversed).toBe(500);
    expect(reversed.request).toEqual({ id: null, idempotency_key: null });
  });
});
