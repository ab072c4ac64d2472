import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  onboardedAccount,
  paidCheckout,
  startSandboxUnderTest,
  createCheckout,
  type SandboxUnderTest,
} from './test-support';

/**
 * Stripe's published OpenAPI description (github.com/stripe/openapi, spec3.json of 2022-04-12,
 * the newest complete one small enough to keep), cut down by `openapi/README.md` to the responses
 * of the endpoints the platform calls.
 */
const SPEC = JSON.parse(
  readFileSync(new URL('./openapi/stripe-responses.json', import.meta.url), 'utf8'),
) as { paths: Record<string, Record<string, unknown>> };

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ ...SPEC, $id: 'stripe.json' });

function responseSchema(path: string, method: 'get' | 'post'): ValidateFunction {
  const pointer = `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/200/content/application~1json/schema`;
  return ajv.compile({ $ref: `stripe.json#${pointer}` });
}

const checked = new Set<string>();

/** Validates one answer against the spec's response for the endpoint, naming every difference. */
function expectConforms(path: string, method: 'get' | 'post', body: unknown) {
  const validate = responseSchema(path, method);
  const plain = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  delete plain.lastResponse;
  const ok = validate(plain);
  expect(ok ? [] : validate.errors, `${method.toUpperCase()} ${path}`).toEqual([]);
  checked.add(`${method} ${path}`);
}

let under: SandboxUnderTest;
let stripe: Stripe;

beforeAll(async () => {
  under = await startSandboxUnderTest();
  stripe = under.stripe;
});
afterAll(() => under?.close());

describe('the sandbox answers as Stripe’s OpenAPI description says', () => {
  it('for every endpoint the platform calls', async () => {
    const session = await createCheckout(stripe, 12_300, {
      metadata: { order_id: 'o-1' },
      payment_intent_data: { transfer_group: 'o-1', metadata: { order_id: 'o-1' } },
    });
    expectConforms('/v1/checkout/sessions', 'post', session);
    expectConforms(
      '/v1/checkout/sessions/{session}/expire',
      'post',
      await stripe.checkout.sessions.expire((await createCheckout(stripe, 500)).id),
    );
    const { session: paid, paymentIntent } = await paidCheckout(stripe, 50_000);
    expectConforms(
      '/v1/checkout/sessions/{session}',
      'get',
      await stripe.checkout.sessions.retrieve(paid.id),
    );
    expectConforms(
      '/v1/payment_intents/{intent}',
      'get',
      await stripe.paymentIntents.retrieve(paymentIntent.id),
    );
    const refund = await stripe.refunds.create({
      payment_intent: paymentIntent.id,
      amount: 1_000,
      metadata: { refund_id: 'r-1' },
    });
    expectConforms('/v1/refunds', 'post', refund);
    expectConforms('/v1/refunds/{refund}', 'get', await stripe.refunds.retrieve(refund.id));
    expectConforms(
      '/v1/refunds',
      'get',
      await stripe.refunds.list({ payment_intent: paymentIntent.id }),
    );

    const created = await stripe.accounts.create({ type: 'express', country: 'CN' });
    expectConforms('/v1/accounts', 'post', created);
    expectConforms(
      '/v1/account_links',
      'post',
      await stripe.accountLinks.create({
        account: created.id,
        type: 'account_onboarding',
        refresh_url: 'http://localhost/r',
        return_url: 'http://localhost/d',
      }),
    );
    const merchant = await onboardedAccount(stripe);
    expectConforms('/v1/accounts/{account}', 'get', await stripe.accounts.retrieve(merchant.id));
    const transfer = await stripe.transfers.create({
      amount: 20_000,
      currency: 'cny',
      destination: merchant.id,
      transfer_group: 's-1',
      metadata: { statement_id: 's-1' },
    });
    expectConforms('/v1/transfers', 'post', transfer);
    expectConforms('/v1/transfers/{transfer}', 'get', await stripe.transfers.retrieve(transfer.id));
    expectConforms('/v1/transfers', 'get', await stripe.transfers.list({ transfer_group: 's-1' }));
    expectConforms('/v1/balance', 'get', await stripe.balance.retrieve());
    const charge = await stripe.charges.retrieve(paymentIntent.latest_charge as string);
    expectConforms(
      '/v1/balance_transactions/{id}',
      'get',
      await stripe.balanceTransactions.retrieve(charge.balance_transaction as string),
    );
    expectConforms(
      '/v1/balance_transactions',
      'get',
      await stripe.balanceTransactions.list({ limit: 5 }),
    );
    const dispute = (await stripe.rawRequest(
      'POST',
      `/v1/test_helpers/charges/${charge.id}/dispute`,
      { amount: 2_000 },
    )) as Stripe.Response<Stripe.Dispute>;
    expectConforms('/v1/disputes/{dispute}', 'get', await stripe.disputes.retrieve(dispute.id));
    expectConforms('/v1/events', 'get', await stripe.events.list({ limit: 20 }));

    expect([...checked].sort()).toEqual(
      Object.entries(SPEC.paths)
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`))
        .sort(),
    );
  });
});
