import { createTestDatabase, type TestDatabase } from '@cgp/db/testing';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPaymentSandbox, type PaymentSandbox } from './index';
import { FAST_RETRY, onboardedAccount, paidCheckout } from './test-support';

let db: TestDatabase;
let sandbox: PaymentSandbox;
let stripe: Stripe;
let merchant: Stripe.Account;

beforeAll(async () => {
  db = await createTestDatabase();
  sandbox = await startPaymentSandbox({ pool: db.pool, retry: FAST_RETRY });
  // Short retry delays keep the tests quick; the count is what matters.
  stripe = sandbox.stripe({ maxNetworkRetries: 3 });
  await paidCheckout(stripe, 1_000_000);
  merchant = await onboardedAccount(stripe);
});

afterEach(() => sandbox.faults.clear());

afterAll(async () => {
  await sandbox?.close();
  await db?.drop();
});

async function transfersIn(group: string): Promise<Stripe.Transfer[]> {
  return (await stripe.transfers.list({ transfer_group: group, limit: 100 })).data;
}

function transfer(group: string, amount = 1_000): Stripe.TransferCreateParams {
  return { amount, currency: 'cny', destination: merchant.id, transfer_group: group };
}

describe('Idempotency-Key', () => {
  it('replays the stored response for the same key and parameters', async () => {
    const first = await stripe.transfers.create(transfer('replay'), {
      idempotencyKey: 'statement-replay',
    });
    const second = await stripe.transfers.create(transfer('replay'), {
      idempotencyKey: 'statement-replay',
    });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(await transfersIn('replay')).toHaveLength(1);
  });

  it('refuses the same key with different parameters or on another endpoint', async () => {
    await stripe.transfers.create(transfer('mismatch'), { idempotencyKey: 'statement-mismatch' });
    const changed = stripe.transfers.create(transfer('mismatch', 1_001), {
      idempotencyKey: 'statement-mismatch',
    });
    await expect(changed).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    await expect(changed).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      stripe.refunds.create({ payment_intent: 'pi_x' }, { idempotencyKey: 'statement-mismatch' }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(await transfersIn('mismatch')).toHaveLength(1);
  });

  it('lets concurrent requests with one key create one object', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        stripe.transfers.create(transfer('concurrent'), { idempotencyKey: 'statement-concurrent' }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await transfersIn('concurrent')).toHaveLength(1);
  });
});

describe('fault injection', () => {
  it('a 500 before the change is retried by the SDK and the change happens once', async () => {
    sandbox.faults.inject({
      kind: 'server_error',
      method: 'POST',
      path: '/v1/transfers',
      times: 2,
    });
    const created = await stripe.transfers.create(transfer('after-500'));
    expect(created.amount).toBe(1_000);
    expect(sandbox.faults.list()).toEqual([]);
    expect(await transfersIn('after-500')).toHaveLength(1);
  });

  it('a 429 is retried by the SDK and the change happens once', async () => {
    sandbox.faults.inject({ kind: 'rate_limit', method: 'POST', path: '/v1/transfers', times: 2 });
    await stripe.transfers.create(transfer('after-429'));
    expect(await transfersIn('after-429')).toHaveLength(1);

    const impatient = sandbox.stripe({ maxNetworkRetries: 0 });
    sandbox.faults.inject({ kind: 'rate_limit', path: '/v1/balance' });
    await expect(impatient.balance.retrieve()).rejects.toBeInstanceOf(
      Stripe.errors.StripeRateLimitError,
    );
  });

  it('a connection dropped after commit is retried with the same key and returns the same transfer', async () => {
    const before = (await stripe.balance.retrieve()).available[0]!.amount;
    sandbox.faults.inject({ kind: 'drop_after_commit', method: 'POST', path: '/v1/transfers' });
    const created = await stripe.transfers.create(transfer('dropped', 2_500), {
      idempotencyKey: 'statement-dropped',
    });

    const stored = await transfersIn('dropped');
    expect(stored.map((t) => t.id)).toEqual([created.id]);
    expect(created.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.balance.retrieve()).available[0]!.amount).toBe(before - 2_500);
  });

  it('the SDK keys a POST itself, so a dropped connection is safe without an explicit key', async () => {
    sandbox.faults.inject({ kind: 'drop_after_commit', method: 'POST', path: '/v1/refunds' });
    const { paymentIntent } = await paidCheckout(stripe, 800);
    const refund = await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 300 });
    const refunds = await stripe.refunds.list({ payment_intent: paymentIntent.id });
    expect(refunds.data.map((r) => r.id)).toEqual([refund.id]);
  });

  it('faults can be armed over HTTP for tests in another process', async () => {
    const auth = { Authorization: `Bearer ${sandbox.secretKey}` };
    const armed = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'server_error', method: 'GET', path: '/v1/balance', times: 1 }),
    });
    expect(armed.status).toBe(201);
    const listed = (await (
      await fetch(`${sandbox.url}/__sandbox/faults`, { headers: auth })
    ).json()) as {
      data: unknown[];
    };
    expect(listed.data).toHaveLength(1);

    const fragile = sandbox.stripe({ maxNetworkRetries: 0 });
    await expect(fragile.balance.retrieve()).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    await expect(fragile.balance.retrieve()).resolves.toMatchObject({ object: 'balance' });

    const unauthenticated = await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    expect(unauthenticated.status).toBe(401);
  });
});
