import { merchants, type orders, payments, users, type Db, type Tx } from '@cgp/db';
import { and, eq } from 'drizzle-orm';
import type { Env } from '../env';
import type { Logger } from '../logger';
import type { MerchantActor } from '../modules/identity/actor';
import { recordPayment } from '../modules/ledger/order-money';
import { connectStatus, startOnboarding } from '../modules/payments/connect.service';
import type { Payments } from '../modules/payments/stripe-client';
import { buildStatements } from '../modules/settlement/build-statements';
import { payStatement } from '../modules/settlement/pay-statement';
import type { PastPayment } from '../payments/sandbox';

type Order = typeof orders.$inferSelect;

/** What the demo needs to put its history through the payment processor (the sandbox). */
export interface DemoProcessor {
  payments: Payments;
  env: Env;
  logger: Logger;
}

/** How the history's residents paid: mostly WeChat Pay, then Alipay, then bank cards. */
function methodOf(roll: number): PastPayment['method'] {
  return roll < 0.6 ? 'wechat_pay' : roll < 0.85 ? 'alipay' : 'card';
}

/**
 * The history's payments as the processor saw them: one paid Checkout Session per order, dated
 * when the resident paid, recorded at the sandbox; then our side as the payment webhook would
 * have booked it — the attempt row with its payment method, and Dr cash / Cr escrow on the day
 * it was paid, naming the charge's balance transaction. Without a sandbox (real Stripe), the
 * money is booked from our side only.
 */
export async function payHistory(
  tx: Tx,
  made: Order[],
  processor: DemoProcessor | undefined,
  random: () => number,
): Promise<Order[]> {
  const sandbox = processor?.payments.sandbox;
  if (!sandbox) {
    const frozen: Order[] = [];
    for (const order of made)
      frozen.push(await recordPayment(tx, order, order.paidAt!, null, order.paidAt!));
    return frozen;
  }
  const publicUrl = processor.env.PUBLIC_URL;
  const recorded = await sandbox.recordPastPayments(
    made.map((order) => ({
      paidAt: Math.floor(order.paidAt!.getTime() / 1000),
      method: methodOf(random()),
      session: {
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: 'cny',
              unit_amount: order.totalFen,
              product_data: { name: `社区服务订单 ${order.orderNo ?? ''}`.trim() },
            },
          },
        ],
        allowed_payment_method_types: ['card', 'alipay', 'wechat_pay'],
        payment_intent_data: { transfer_group: order.id, metadata: { order_id: order.id } },
        metadata: { order_id: order.id },
        client_reference_id: order.id,
        success_url: `${publicUrl}/orders/${order.id}?paid=1`,
        cancel_url: `${publicUrl}/orders/${order.id}`,
      },
    })),
  );
  await tx.insert(payments).values(
    made.map((order, i) => ({
      orderId: order.id,
      checkoutSessionId: recorded[i]!.checkoutSessionId,
      paymentIntentId: recorded[i]!.paymentIntentId,
      amountFen: recorded[i]!.amount,
      status: 'succeeded' as const,
      url: recorded[i]!.url,
      paymentMethodType: recorded[i]!.method,
      createdAt: new Date(order.paidAt!.getTime() - 60_000),
      updatedAt: order.paidAt!,
      succeededAt: order.paidAt!,
    })),
  );
  const frozen: Order[] = [];
  for (const [i, order] of made.entries()) {
    frozen.push(
      await recordPayment(
        tx,
        order,
        order.paidAt!,
        { balanceTransactionId: recorded[i]!.balanceTransactionId, feeFen: recorded[i]!.feeFen },
        order.paidAt!,
      ),
    );
  }
  return frozen;
}

/**
 * Each demo merchant onboarded at the processor through its account link, as its owner would in
 * the portal (the same Connect code path), so settlement can pay them.
 */
async function onboardMerchants(db: Db, processor: DemoProcessor, companyId: string) {
  const owners = await db
    .select({ user: users })
    .from(users)
    .innerJoin(merchants, eq(merchants.id, users.merchantId))
    .where(and(eq(merchants.companyId, companyId), eq(users.merchantRole, 'owner')));
  const ctx = { db, env: processor.env, logger: processor.logger, payments: processor.payments };
  for (const { user } of owners) {
    const actor = { ...user, companyId: null, communityId: null, address: null } as MerchantActor;
    const { url } = await startOnboarding(ctx, actor);
    const response = await fetch(url, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'outcome=completed',
    });
    if (!response.ok) throw new Error(`demo onboarding failed: HTTP ${response.status}`);
    await connectStatus(ctx, actor);
  }
  return owners.length;
}

/**
 * Last month settled (SPEC §10): the merchants onboarded, then one settlement run over what had
 * been earned by the start of this month, and each statement paid by a transfer at the
 * processor — the settlement and payout code the jobs run, not rows written by hand. The
 * statements and transfers carry the time the demo was seeded (that is when they ran).
 */
export async function settleDemoHistory(
  db: Db,
  processor: DemoProcessor,
  companyId: string,
): Promise<{ statements: number; paid: number }> {
  await onboardMerchants(db, processor, companyId);
  const companyMerchants = await db
    .select({ id: merchants.id })
    .from(merchants)
    .where(eq(merchants.companyId, companyId));
  const run = await buildStatements(db, { merchantIds: companyMerchants.map((m) => m.id) });
  let paid = 0;
  for (const statement of run.statements.filter((s) => s.status === 'pending')) {
    if ((await payStatement(db, processor.payments.stripe, statement.id)) === 'paid') paid += 1;
  }
  return { statements: run.statements.length, paid };
}

/** The ids of `made` that were confirmed before `before` (earned ahead of last month's run). */
export function confirmedBefore(made: Order[], before: Date): Order[] {
  return made.filter((o) => o.status === 'confirmed' && o.confirmedAt! < before);
}
