import { journalEntries, ledgerPostings, statements, type Tx } from '@cgp/db';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { ACCOUNTS } from './accounts';
import { insertEntry } from './post';

type Statement = { id: string; merchantId: string; payoutFen: number };
/** A transfer the processor made, and the balance transaction that moved its money. */
export type ProcessorTransferRef = { id: string; balanceTransactionId: string | null };

/**
 * The pending entry of a payout's reservation. The first (made by the settlement run) keeps the
 * key payouts always had, `payout:<statement>`; each reservation after a voided one counts on.
 */
export function payoutEntryKey(statementId: string, round: number): string {
  return round === 1 ? `payout:${statementId}` : `payout:${statementId}:${round}`;
}

/** The statement's reservation that is neither posted nor voided yet, if any. */
async function openReservation(tx: Tx, statementId: string) {
  const [entry] = await tx
    .select({ id: journalEntries.id, key: journalEntries.idempotencyKey })
    .from(journalEntries)
    .where(
      and(
        eq(journalEntries.statementId, statementId),
        eq(journalEntries.kind, 'payout'),
        eq(journalEntries.phase, 'pending'),
        sql`NOT EXISTS (SELECT 1 FROM journal_entries r WHERE r.pending_entry_id = ${journalEntries.id})`,
      ),
    );
  return entry ?? null;
}

/**
 * Reserves a statement's payout again after its last reservation was voided (an ops retry, or a
 * transfer found at the processor after we gave up): Dr payable / Cr `clearing:payouts`. Does
 * nothing when a reservation is open. Call it with the statement row locked.
 */
export async function reservePayout(tx: Tx, statement: Statement): Promise<void> {
  if (await openReservation(tx, statement.id)) return;
  const [made] = await tx
    .select({ n: count() })
    .from(journalEntries)
    .where(
      and(
        eq(journalEntries.statementId, statement.id),
        eq(journalEntries.kind, 'payout'),
        eq(journalEntries.phase, 'pending'),
      ),
    );
  await insertEntry(tx, {
    kind: 'payout',
    phase: 'pending',
    idempotencyKey: payoutEntryKey(statement.id, made!.n + 1),
    statementId: statement.id,
    memo: 'payout decided: reserved until the processor confirms the transfer',
    lines: [
      {
        account: ACCOUNTS.payable(statement.merchantId),
        amountFen: statement.payoutFen,
        merchantId: statement.merchantId,
      },
      { account: ACCOUNTS.payoutsPending, amountFen: -statement.payoutFen },
    ],
  });
}

/**
 * The processor confirmed the transfer: the reservation leaves `clearing:payouts` and the money
 * leaves `cash:stripe`, booked against the transfer's balance transaction. A statement whose
 * reservation was voided (we gave up, the transfer had been made after all) is reserved again
 * first. Posting twice changes nothing.
 */
export async function postPayout(
  tx: Tx,
  statement: Statement,
  transfer: ProcessorTransferRef,
): Promise<void> {
  await reservePayout(tx, statement);
  const open = await openReservation(tx, statement.id);
  if (!open) return;
  await insertEntry(tx, {
    kind: 'payout',
    phase: 'post',
    pendingEntryId: open.id,
    idempotencyKey: `${open.key}:post`,
    statementId: statement.id,
    memo: `transfer ${transfer.id} confirmed by the processor`,
    processorObjectId: transfer.balanceTransactionId ?? undefined,
    lines: [
      { account: ACCOUNTS.payoutsPending, amountFen: statement.payoutFen },
      { account: ACCOUNTS.cash, amountFen: -statement.payoutFen },
    ],
  });
}

/**
 * The transfer was refused, or we gave the attempt up: a `void` entry returns the reservation to
 * the merchant's payable, where it waits for ops to retry (the next settlement does not take it:
 * the failed statement still claims it).
 */
export async function voidPayout(tx: Tx, statementId: string): Promise<void> {
  const open = await openReservation(tx, statementId);
  if (!open) return;
  const lines = await tx
    .select({
      account: ledgerPostings.account,
      amountFen: ledgerPostings.amountFen,
      merchantId: ledgerPostings.merchantId,
    })
    .from(ledgerPostings)
    .where(eq(ledgerPostings.entryId, open.id));
  await insertEntry(tx, {
    kind: 'payout',
    phase: 'void',
    pendingEntryId: open.id,
    idempotencyKey: `${open.key}:void`,
    statementId,
    memo: 'payout refused or abandoned: reservation returned to the merchant',
    lines: lines.map((l) => ({
      account: l.account,
      amountFen: -l.amountFen,
      merchantId: l.merchantId ?? undefined,
    })),
  });
}

/**
 * The processor made the statement's transfer (our answer, a lookup, or `transfer.created`): in
 * the caller's transaction the statement is `paid` with the transfer and the payout is posted
 * (clearing → cash:stripe, against the transfer's balance transaction). A statement we had given
 * up (failed, its reservation voided) is reserved again and posted: the money did move. Returns
 * false when the statement was already paid, so recording twice changes nothing.
 */
export async function recordTransfer(
  tx: Tx,
  statementId: string,
  transfer: ProcessorTransferRef,
): Promise<boolean> {
  const [paid] = await tx
    .update(statements)
    .set({
      status: 'paid',
      transferId: transfer.id,
      paidAt: new Date(),
      failureReason: null,
      updatedAt: new Date(),
    })
    .where(and(eq(statements.id, statementId), inArray(statements.status, ['pending', 'failed'])))
    .returning();
  if (!paid) return false;
  await postPayout(tx, paid, transfer);
  return true;
}
