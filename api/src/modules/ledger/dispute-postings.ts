import { journalEntries, ledgerPostings, orders, type Tx } from '@cgp/db';
import { and, eq, like, sql } from 'drizzle-orm';
import { ACCOUNTS } from './accounts';
import { insertEntry, type PostingLine } from './post';
import { processorCashLines, type ProcessorMoney } from './processor-cash';
import { split } from './split';

type Order = typeof orders.$inferSelect;

/**
 * Chargebacks (SPEC §4). The card network takes the disputed amount from the platform's balance
 * when the dispute opens (one balance transaction, with the dispute fee), gives it back if the
 * platform wins (another), and keeps it if it loses. Each balance transaction is one `dispute`
 * entry named by its txn id; losing is one more entry, which moves no processor money.
 *
 * While the dispute is open the money that left `cash:stripe` waits in `clearing:disputes`, and
 * the merchant's share of it (what a refund of the disputed amount would take from the merchant,
 * by the one split) is held there from the merchant's payable, so no statement pays it. The
 * order's own figures do not change until the dispute is lost. An order that earns while its
 * dispute is open has the share held when it earns.
 */
export interface DisputeRef {
  id: string;
  amountFen: number;
}

const keyPrefix = (disputeId: string) => `dispute:${disputeId}:`;

/** What the dispute's entries hold so far: from the merchant's payable and in clearing. */
async function heldFor(tx: Tx, disputeId: string) {
  const rows = await tx
    .select({ account: ledgerPostings.account, amountFen: ledgerPostings.amountFen })
    .from(ledgerPostings)
    .innerJoin(journalEntries, eq(journalEntries.id, ledgerPostings.entryId))
    .where(like(journalEntries.idempotencyKey, `${keyPrefix(disputeId)}%`));
  const sum = (account: (a: string) => boolean) =>
    rows.filter((l) => account(l.account)).reduce((s, l) => s + l.amountFen, 0);
  return {
    opened: rows.length > 0,
    merchantFen: sum((a) => a.startsWith('payable:merchant:')),
    clearingFen: sum((a) => a === ACCOUNTS.disputesHeld),
  };
}

/**
 * Whether an entry was posted already. What a second posting would hold is computed from the
 * first one's effects, so it must not be computed at all: the key decides first.
 */
async function posted(tx: Tx, idempotencyKey: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: journalEntries.id })
    .from(journalEntries)
    .where(eq(journalEntries.idempotencyKey, idempotencyKey));
  return row !== undefined;
}

/** The merchant's part of `amountFen` of an earned order's money, by the one split. */
function merchantPartOf(order: Order, amountFen: number): number {
  const now = split(order.totalFen - order.refundFen - amountFen, order.platformBps!);
  return order.merchantShareFen! - now.merchantFen;
}

function holdLines(order: Order, amountFen: number): PostingLine[] {
  if (!order.earnedAt) return [{ account: ACCOUNTS.disputesHeld, amountFen }];
  const merchantFen = merchantPartOf(order, Math.min(amountFen, order.totalFen - order.refundFen));
  return [
    {
      account: ACCOUNTS.payable(order.merchantId),
      amountFen: merchantFen,
      merchantId: order.merchantId,
    },
    { account: ACCOUNTS.disputesHeld, amountFen: amountFen - merchantFen },
  ];
}

/** The withdrawal: the disputed amount and the fee leave cash; the merchant's share is held. */
export async function holdDisputedAmount(
  tx: Tx,
  order: Order,
  dispute: DisputeRef,
  money: ProcessorMoney,
): Promise<void> {
  await insertEntry(tx, {
    kind: 'dispute',
    idempotencyKey: `${keyPrefix(dispute.id)}withdrawal:${money.balanceTransactionId}`,
    orderId: order.id,
    processorObjectId: money.balanceTransactionId,
    memo: `chargeback ${dispute.id} opened: amount withdrawn, merchant share held`,
    lines: [
      ...processorCashLines(-dispute.amountFen, money),
      ...holdLines(order, dispute.amountFen),
    ],
  });
}

/** Won: the reinstatement brings the amount back to cash and releases what was held. */
export async function releaseDisputedAmount(
  tx: Tx,
  order: Order,
  dispute: DisputeRef,
  money: ProcessorMoney,
): Promise<void> {
  const idempotencyKey = `${keyPrefix(dispute.id)}reinstatement:${money.balanceTransactionId}`;
  if (await posted(tx, idempotencyKey)) return;
  const held = await heldFor(tx, dispute.id);
  if (!held.opened) return;
  await insertEntry(tx, {
    kind: 'dispute',
    idempotencyKey,
    orderId: order.id,
    processorObjectId: money.balanceTransactionId,
    memo: `chargeback ${dispute.id} won: amount reinstated, merchant share released`,
    lines: [
      ...processorCashLines(dispute.amountFen, money),
      {
        account: ACCOUNTS.payable(order.merchantId),
        amountFen: -held.merchantFen,
        merchantId: order.merchantId,
      },
      { account: ACCOUNTS.disputesHeld, amountFen: -held.clearingFen },
    ],
  });
}

/**
 * Lost: the card holder keeps the money, reversed like a refund (SPEC §4): the order's refunded
 * amount grows by it, out of escrow before the order earned, afterwards out of the shares
 * recomputed by the one split (the merchant's part is what was held). What the order no longer
 * has to give (a refund took it meanwhile) stays in clearing, where reconciliation shows it.
 */
export async function loseDisputedAmount(tx: Tx, order: Order, dispute: DisputeRef): Promise<void> {
  if (await posted(tx, `${keyPrefix(dispute.id)}lost`)) return;
  const held = await heldFor(tx, dispute.id);
  if (!held.opened) return;
  const amount = Math.min(dispute.amountFen, order.totalFen - order.refundFen);
  const base = {
    kind: 'dispute' as const,
    idempotencyKey: `${keyPrefix(dispute.id)}lost`,
    orderId: order.id,
    memo: `chargeback ${dispute.id} lost: reversed like a refund`,
  };
  if (!order.earnedAt) {
    const lost = await insertEntry(tx, {
      ...base,
      lines: [
        { account: ACCOUNTS.escrow, amountFen: amount },
        { account: ACCOUNTS.disputesHeld, amountFen: -amount },
      ],
    });
    if (lost) {
      await tx
        .update(orders)
        .set({ refundFen: sql`${orders.refundFen} + ${amount}`, updatedAt: sql`now()` })
        .where(eq(orders.id, order.id));
    }
    return;
  }
  const now = split(order.totalFen - order.refundFen - amount, order.platformBps!);
  const merchantFen = order.merchantShareFen! - now.merchantFen;
  const platformFen = order.platformShareFen! - now.platformFen;
  const lost = await insertEntry(tx, {
    ...base,
    lines: [
      {
        account: ACCOUNTS.payable(order.merchantId),
        amountFen: merchantFen - held.merchantFen,
        merchantId: order.merchantId,
      },
      { account: ACCOUNTS.revenue, amountFen: platformFen },
      { account: ACCOUNTS.disputesHeld, amountFen: held.merchantFen - amount },
    ],
  });
  if (!lost) return;
  await tx
    .update(orders)
    .set({
      refundFen: sql`${orders.refundFen} + ${amount}`,
      merchantShareFen: now.merchantFen,
      platformShareFen: now.platformFen,
      updatedAt: sql`now()`,
    })
    .where(eq(orders.id, order.id));
}

/**
 * The order has just earned its shares: a dispute opened before then held no merchant share
 * (there was none), so hold it now, before any statement can pay it.
 */
export async function holdOpenDisputesOnEarning(tx: Tx, order: Order): Promise<void> {
  const open = await tx
    .select({ key: journalEntries.idempotencyKey })
    .from(journalEntries)
    .where(
      and(
        eq(journalEntries.orderId, order.id),
        eq(journalEntries.kind, 'dispute'),
        like(journalEntries.idempotencyKey, 'dispute:%:withdrawal:%'),
      ),
    );
  for (const { key } of open) {
    const disputeId = key.split(':')[1]!;
    const held = await heldFor(tx, disputeId);
    const closed = await tx
      .select({ id: journalEntries.id })
      .from(journalEntries)
      .where(
        sql`${journalEntries.idempotencyKey} = ${`${keyPrefix(disputeId)}lost`}
            OR ${journalEntries.idempotencyKey} LIKE ${`${keyPrefix(disputeId)}reinstatement:%`}`,
      );
    if (closed.length || held.merchantFen !== 0 || held.clearingFen <= 0) continue;
    const merchantFen = merchantPartOf(
      order,
      Math.min(held.clearingFen, order.totalFen - order.refundFen),
    );
    await insertEntry(tx, {
      kind: 'dispute',
      idempotencyKey: `${keyPrefix(disputeId)}hold-on-earning`,
      orderId: order.id,
      memo: `chargeback ${disputeId} open when the order earned: merchant share held`,
      lines: [
        {
          account: ACCOUNTS.payable(order.merchantId),
          amountFen: merchantFen,
          merchantId: order.merchantId,
        },
        { account: ACCOUNTS.disputesHeld, amountFen: -merchantFen },
      ],
    });
  }
}
