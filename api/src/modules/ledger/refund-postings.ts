import { journalEntries, ledgerPostings, orders, type refunds, type Tx } from '@cgp/db';
import { and, eq, sql } from 'drizzle-orm';
import { ACCOUNTS } from './accounts';
import { insertEntry, type PostingLine } from './post';
import { processorCashLines, type ProcessorMoney } from './processor-cash';

type Refund = Pick<
  typeof refunds.$inferSelect,
  'id' | 'orderId' | 'amountFen' | 'attempt' | 'paymentIntentId'
>;

/**
 * The pending entry of a refund's attempt. The first keeps the key refunds always had, so a
 * refund is still found by `refund:<id>`.
 */
export function refundEntryKey(refundId: string, attempt: number): string {
  return attempt === 1 ? `refund:${refundId}` : `refund:${refundId}:${attempt}`;
}

/**
 * Posts the `pending` half of a refund: `lines` take the amount out of escrow (or out of the
 * merchant's and the platform's shares) into `clearing:refunds`, where it stays reserved until
 * the processor confirms or refuses. `cash:stripe` does not move yet: the money is still there.
 */
export async function reserveRefund(
  tx: Tx,
  refund: Refund,
  lines: PostingLine[],
  memo: string,
): Promise<void> {
  await insertEntry(tx, {
    kind: 'refund',
    phase: 'pending',
    idempotencyKey: refundEntryKey(refund.id, refund.attempt),
    orderId: refund.orderId,
    refundId: refund.id,
    memo,
    lines: [...lines, { account: ACCOUNTS.refundsPending, amountFen: -refund.amountFen }],
  });
}

async function pendingEntryOf(tx: Tx, refund: Refund, attempt = refund.attempt) {
  const [entry] = await tx
    .select({ id: journalEntries.id, phase: journalEntries.phase })
    .from(journalEntries)
    .where(eq(journalEntries.idempotencyKey, refundEntryKey(refund.id, attempt)));
  // Refunds booked before postings had two phases took the cash at once: nothing to resolve.
  if (!entry || entry.phase !== 'pending') return null;
  const lines = await tx
    .select({
      account: ledgerPostings.account,
      amountFen: ledgerPostings.amountFen,
      merchantId: ledgerPostings.merchantId,
    })
    .from(ledgerPostings)
    .where(eq(ledgerPostings.entryId, entry.id));
  return { id: entry.id, lines };
}

/**
 * The processor confirmed the refund: the reserved amount leaves `clearing:refunds` and
 * `cash:stripe`, booking the refund's balance transaction `money` (cash by its net, any fee to the
 * platform's expense). Call it in the transaction that moves the refund row to `succeeded`.
 */
export async function postRefund(
  tx: Tx,
  refund: Refund,
  money: ProcessorMoney | null,
): Promise<void> {
  const pending = await pendingEntryOf(tx, refund);
  if (!pending) return;
  await insertEntry(tx, {
    kind: 'refund',
    phase: 'post',
    pendingEntryId: pending.id,
    idempotencyKey: `${refundEntryKey(refund.id, refund.attempt)}:post`,
    orderId: refund.orderId,
    refundId: refund.id,
    memo: 'refund confirmed by the processor',
    processorObjectId: money?.balanceTransactionId,
    lines: [
      { account: ACCOUNTS.refundsPending, amountFen: refund.amountFen },
      ...processorCashLines(-refund.amountFen, money),
    ],
  });
}

/**
 * A refund the processor confirmed and later reported failed (the money came back to the
 * platform's balance, the resident never got it): a new entry, never a change to the old ones,
 * books the failure's balance transaction `money` into `cash:stripe` and gives the amount back to
 * where the refund took it from (escrow, or the merchant's payable and the platform's revenue),
 * and the order's refunded amount and shares return to what they were. From there it is a refund
 * the processor refused: ops can retry it. Call it in the transaction that marks the row failed.
 */
export async function returnFailedRefund(
  tx: Tx,
  refund: Refund,
  money: ProcessorMoney | null,
): Promise<void> {
  const pending = await pendingEntryOf(tx, refund);
  if (!pending) return;
  const taken = pending.lines.filter((l) => l.account !== ACCOUNTS.refundsPending);
  const returned = await insertEntry(tx, {
    kind: 'refund',
    idempotencyKey: `${refundEntryKey(refund.id, refund.attempt)}:failed`,
    orderId: refund.orderId,
    refundId: refund.id,
    memo: 'refund failed after the processor had confirmed it: the money came back',
    processorObjectId: money?.balanceTransactionId,
    lines: [
      ...processorCashLines(refund.amountFen, money),
      ...taken.map((l) => ({
        account: l.account,
        amountFen: -l.amountFen,
        merchantId: l.merchantId ?? undefined,
      })),
    ],
  });
  if (returned) await giveBackToOrder(tx, refund, taken);
}

/** The order's own refunds move its refunded amount and shares; a duplicate payment's do not. */
const movesOrder = (refund: Refund) => refund.paymentIntentId === null;

function shareDeltas(lines: { account: string; amountFen: number }[]) {
  const sum = (account: (l: { account: string }) => boolean) =>
    lines.filter(account).reduce((s, l) => s + l.amountFen, 0);
  return {
    merchantFen: sum((l) => l.account.startsWith('payable:merchant:')),
    platformFen: sum((l) => l.account === ACCOUNTS.revenue),
  };
}

/**
 * The processor refused the refund, or we gave it up: a `void` entry reverses the pending one
 * line by line, so the order's escrow (or the merchant's payable and the platform's revenue) holds
 * the money again, and the order's refunded amount and shares go back to what they were. Call it
 * in the transaction that moves the refund row to `failed`.
 */
export async function voidRefund(tx: Tx, refund: Refund): Promise<void> {
  const pending = await pendingEntryOf(tx, refund);
  if (!pending) return;
  const voided = await insertEntry(tx, {
    kind: 'refund',
    phase: 'void',
    pendingEntryId: pending.id,
    idempotencyKey: `${refundEntryKey(refund.id, refund.attempt)}:void`,
    orderId: refund.orderId,
    refundId: refund.id,
    memo: 'refund refused or abandoned: reservation returned',
    lines: pending.lines.map((l) => ({
      account: l.account,
      amountFen: -l.amountFen,
      merchantId: l.merchantId ?? undefined,
    })),
  });
  if (voided) await giveBackToOrder(tx, refund, pending.lines);
}

/** The order's refunded amount and shares as they were before the refund took `lines`. */
async function giveBackToOrder(
  tx: Tx,
  refund: Refund,
  lines: { account: string; amountFen: number }[],
): Promise<void> {
  if (!movesOrder(refund)) return;
  const shares = shareDeltas(lines);
  await tx
    .update(orders)
    .set({
      refundFen: sql`${orders.refundFen} - ${refund.amountFen}`,
      ...(shares.merchantFen || shares.platformFen
        ? {
            merchantShareFen: sql`${orders.merchantShareFen} + ${shares.merchantFen}`,
            platformShareFen: sql`${orders.platformShareFen} + ${shares.platformFen}`,
          }
        : {}),
    })
    .where(eq(orders.id, refund.orderId));
}

/**
 * Reserves a voided refund again for its next attempt (`refund.attempt` already counts it): the
 * same lines as its first reservation, and the order's refunded amount and shares as they were
 * when it was decided. Returns false when the order has no room left for it (refunded since).
 */
export async function reserveRefundAgain(tx: Tx, refund: Refund): Promise<boolean> {
  const first = await pendingEntryOf(tx, refund, 1);
  if (!first) return false;
  const lines = first.lines.filter((l) => l.account !== ACCOUNTS.refundsPending);
  if (movesOrder(refund)) {
    const shares = shareDeltas(lines);
    const moved = await tx
      .update(orders)
      .set({
        refundFen: sql`${orders.refundFen} + ${refund.amountFen}`,
        ...(shares.merchantFen || shares.platformFen
          ? {
              merchantShareFen: sql`${orders.merchantShareFen} - ${shares.merchantFen}`,
              platformShareFen: sql`${orders.platformShareFen} - ${shares.platformFen}`,
            }
          : {}),
      })
      .where(
        and(
          eq(orders.id, refund.orderId),
          sql`${orders.refundFen} + ${refund.amountFen} <= ${orders.totalFen}`,
        ),
      )
      .returning({ id: orders.id });
    if (!moved.length) return false;
  }
  await reserveRefund(
    tx,
    refund,
    lines.map((l) => ({ ...l, merchantId: l.merchantId ?? undefined })),
    `refund retried (attempt ${refund.attempt})`,
  );
  return true;
}
