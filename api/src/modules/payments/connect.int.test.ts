import { merchants } from '@cgp/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../server';
import {
  createPaymentTestDeps,
  serveWithPayments,
  tokenFor,
  trpcOverHttp,
  type PaymentTestDeps,
} from '../../testing';

let deps: PaymentTestDeps;
let api: ApiServer & { url: string };

beforeAll(async () => {
  deps = await createPaymentTestDeps();
  api = await serveWithPayments(deps);
});
afterAll(async () => {
  await api?.close();
  await deps?.teardown();
});

async function merchantRow(id: string) {
  return (await deps.db.select().from(merchants).where(eq(merchants.id, id)))[0]!;
}

/** What the merchant does on the hosted onboarding page. */
async function completeOnboarding(url: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'outcome=completed',
  });
  expect(response.status).toBe(200);
}

interface Status {
  accountId: string | null;
  /** What the portal shows of the id: `acct_****abcd`. */
  accountIdMasked: string | null;
  detailsSubmitted: boolean;
  payoutsEnabled: boolean;
}

describe('Connect onboarding', () => {
  it('creates the Express account, onboards it, and learns of it from account.updated', async () => {
    const { merchant, owner } = await deps.factories.createMarketplace();
    const token = await tokenFor(deps, owner.id);
    const before = await trpcOverHttp<Status>(
      api.url,
      token,
      'merchant.connect.status',
      undefined,
      'query',
    );
    expect(before.data).toEqual({
      accountId: null,
      accountIdMasked: null,
      detailsSubmitted: false,
      payoutsEnabled: false,
    });

    const onboard = await trpcOverHttp<{ url: string }>(api.url, token, 'merchant.connect.onboard');
    expect(onboard.status).toBe(200);
    const accountId = (await merchantRow(merchant.id)).stripeAccountId;
    expect(accountId).toMatch(/^acct_/);
    const account = await deps.payments.stripe.accounts.retrieve(String(accountId));
    expect(account).toMatchObject({ type: 'express', metadata: { merchant_id: merchant.id } });

    await completeOnboarding(onboard.data!.url);
    await deps.sandbox.waitForWebhooks();
    // The webhook, not the status call, brought the news.
    expect(await merchantRow(merchant.id)).toMatchObject({
      payoutsEnabled: true,
      detailsSubmitted: true,
    });
    const after = await trpcOverHttp<Status>(
      api.url,
      token,
      'merchant.connect.status',
      undefined,
      'query',
    );
    expect(after.data).toEqual({
      accountId,
      accountIdMasked: `${String(accountId).slice(0, 5)}****${String(accountId).slice(-4)}`,
      detailsSubmitted: true,
      payoutsEnabled: true,
    });

    // Onboarding again reuses the account and returns a fresh link back to the earnings page.
    const again = await trpcOverHttp<{ url: string }>(api.url, token, 'merchant.connect.onboard');
    expect(again.data!.url).not.toBe(onboard.data!.url);
    expect((await merchantRow(merchant.id)).stripeAccountId).toBe(accountId);
  });

  it('sends the merchant back to the earnings page from onboarding', async () => {
    const { owner } = await deps.factories.createMarketplace();
    const token = await tokenFor(deps, owner.id);
    const { data } = await trpcOverHttp<{ url: string }>(
      api.url,
      token,
      'merchant.connect.onboard',
    );
    const response = await fetch(data!.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'outcome=completed',
      redirect: 'manual',
    });
    expect(response.headers.get('location')).toBe(`${deps.env.PUBLIC_URL}/merchant/earnings`);
  });

  it('lets only the owner onboard or see the status; staff and residents neither', async () => {
    const { merchant, resident, owner } = await deps.factories.createMarketplace();
    const staff = await deps.factories.createMerchantStaff(merchant.id, 'staff');
    const staffToken = await tokenFor(deps, staff.id);
    for (const path of ['merchant.connect.onboard', 'merchant.connect.status']) {
      const kind = path.endsWith('status') ? 'query' : 'mutation';
      const refused = await trpcOverHttp(api.url, staffToken, path, undefined, kind);
      expect(refused.error?.data.code).toBe('FORBIDDEN');
    }
    expect((await merchantRow(merchant.id)).stripeAccountId).toBeNull();
    const status = await trpcOverHttp<Status>(
      api.url,
      await tokenFor(deps, owner.id),
      'merchant.connect.status',
      undefined,
      'query',
    );
    expect(status.data).toMatchObject({ accountId: null, payoutsEnabled: false });

    const residentToken = await tokenFor(deps, resident.id);
    for (const path of ['merchant.connect.onboard', 'merchant.connect.status']) {
      const kind = path.endsWith('status') ? 'query' : 'mutation';
      const answer = await trpcOverHttp(api.url, residentToken, path, undefined, kind);
      expect(answer.error?.data.code).toBe('FORBIDDEN');
    }
    const anonymous = await trpcOverHttp(api.url, null, 'merchant.connect.onboard');
    expect(anonymous.error?.data.code).toBe('UNAUTHORIZED');
  });
});
