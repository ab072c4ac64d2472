import { merchants, statements, type Db } from '@cgp/db';
import { and, eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { Conflict, NotFound } from '../../errors';
import { recordAudit } from '../audit/audit-log';
import type { Actor } from '../identity/actor';
import { recordTransfer, reservePayout, voidPayout } from '../ledger/payout-postings';
import { enqueue } from '../outbox/outbox';
import { QUEUES } from '../outbox/queues';
import { isProcessorRefusal } from '../payments/processor-errors';
import { idOf } from '../payments/processor-refs';

/** `awaiting_retry`: the statement failed and waits for ops; a stale job does not pay it. */
export type PayoutOutcome = 'paid' | 'already_settled' | 'awaiting_retry';

/** The merchant cannot receive money yet; the payout waits (and is retried) until onboarding. */
export class MerchantNotPayable extends Error {}

/**
 * The transfer already made for a statement, if any: looked up at the processor by transfer group
 * before every attempt, so an answer that was lost (and an idempotency key that has since expired)
 * never leads to a second transfer.
 */
async function existingTransfer(
  stripe: Stripe,
  statementId: string,
): Promise<Stripe.Transfer | null> {
  const found = await stripe.transfers.list({ transfer_group: statementId, limit: 10 });
  const ours = found.data.filter((t) => t.metadata?.statement_id === statementId);
  if (ours.length > 1) {
    throw new Error(`Statement ${statementId} has ${ours.length} transfers at the processor`);
  }
  return ours[0] ?? null;
}

/** The idempotency key of a transfer attempt; generation 0 keeps the plain statement id. */
export function transferKey(statementId: string, generation: number): string {
  return generation === 0 ? statementId : `${statementId}:${generation}`;
}

/**
 * Pays one statement (SPEC §5): a Stripe transfer to the merchant's connected account with
 * transfer_group = statement id; then, in one transaction, the statement is marked paid and its
 * reserved payout posted (`recordTransfer`). Before creating anything it looks
 * the statement's transfer up at the processor. The idempotency key is the statement id (plus a
 * generation that moves on only after a refusal, which the processor replays under its key), so
 * concurrent or repeated attempts make one transfer. Safe to run any number of times.
 */
export async function payStatement(
  db: Db,
  stripe: Stripe,
  statementId: string,
): Promise<PayoutOutcome> {
  const [row] = await db
    .select({
      statement: statements,
      accountId: merchants.stripeAccountId,
      payoutsEnabled: merchants.payoutsEnabled,
    })
    .from(statements)
    .innerJoin(merchants, eq(merchants.id, statements.merchantId))
    .where(eq(statements.id, statementId));
  if (!row) throw new NotFound('Statement');
  const { statement } = row;
  if (statement.status === 'paid' || statement.status === 'carried') return 'already_settled';
  if (statement.status === 'failed') return 'awaiting_retry';
  if (!row.accountId || !row.payoutsEnabled) {
    throw new MerchantNotPayable(`Merchant ${statement.merchantId} cannot receive payouts yet`);
  }
  await db
    .update(statements)
    .set({ attempts: sql`${statements.attempts} + 1`, updatedAt: new Date() })
    .where(eq(statements.id, statementId));

  const generation = statement.transferKeyGeneration;
  let transfer = await existingTransfer(stripe, statement.id);
  if (!transfer) {
    try {
      transfer = await stripe.transfers.create(
        {
          amount: statement.payoutFen,
          currency: 'cny',
          destination: row.accountId,
          transfer_group: statement.id,
          metadata: { statement_id: statement.id, merchant_id: statement.merchantId },
        },
        { idempotencyKey: transferKey(statement.id, generation) },
      );
    } catch (error) {
      // The processor keeps a refusal under its key; the next attempt (after a new lookup) takes a
      // fresh key. Guarded, so concurrent attempts refused under one key move it on once.
      if (isProcessorRefusal(error)) {
        await db
          .update(statements)
          .set({ transferKeyGeneration: generation + 1, updatedAt: new Date() })
          .where(
            and(eq(statements.id, statement.id), eq(statements.transferKeyGeneration, generation)),
          );
      }
      throw error;
    }
  }
  const made = transfer;
  await db.transaction((tx) =>
    recordTransfer(tx, statement.id, {
      id: made.id,
      balanceTransactionId: idOf(made.balance_transaction),
    }),
  );
  return 'paid';
}

/**
 * After the last attempt: the statement is `failed` with the reason, for ops to see and retry,
 * and its reservation is voided: the amount is the merchant's payable again until the retry.
 */
export async function markPayoutFailed(db: Db, statementId: string, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [failed] = await tx
      .update(statements)
      .set({ status: 'failed', failureReason: reason.slice(0, 500), updatedAt: new Date() })
      .where(and(eq(statements.id, statementId), eq(statements.status, 'pending')))
      .returning({ id: statements.id });
    if (failed) await voidPayout(tx, statementId);
  });
}

/** property_ops: puts a failed payout back in the queue, with its audit record. */
export async function retryPayout(db: Db, statementId: string, actor: Actor) {
  return db.transaction(async (tx) => {
    const [again] = await tx
      .update(statements)
      .set({
        status: 'pending',
        failureReason: null,
        payoutDueAt: new Date(),
        updatedAt: new Date(),
      })
      .where(and(eq(statements.id, statementId), eq(statements.status, 'failed')))
      .returning();
    if (!again) throw new Conflict('not_failed', 'Only a failed payout can be retried');
    // Decided again: reserved again. The job looks the transfer up before it makes one.
    await reservePayout(tx, again);
    await enqueue(tx, { queue: QUEUES.payouts, name: 'pay-statement', payload: { statementId } });
    const retried = { statementId, status: 'pending' as const };
    await recordAudit(tx, {
      actor,
      action: 'settlement.retryPayout',
      subjectType: 'statement',
      subjectId: statementId,
      before: { status: 'failed' },
      after: retried,
    });
    return retried;
  });
}

/**
 * The payouts' sweeper (SPEC §6): statements still `pending` `graceSeconds` after their payout was
 * due get a new payout job through the outbox, and their due time moves to now, in one statement.
 * It needs nothing from Redis, so a job Redis lost after the relay delivered it, or one BullMQ gave
 * up as stalled, is redone from PostgreSQL; paying looks the transfer up at the processor first,
 * so a job that was merely slow costs nothing. Returns the statements sent again.
 */
export async function sweepDuePayouts(
  db: Db,
  graceSeconds: number,
  limit = 500,
): Promise<string[]> {
  const { rows } = await db.execute<{ statement_id: string }>(sql`
    WITH due AS (
      UPDATE statements SET payout_due_at = now()
       WHERE id IN (SELECT id FROM statements
                     WHERE status = 'pending'
                       AND payout_due_at <= now() - make_interval(secs => ${graceSeconds})
                     ORDER BY payout_due_at LIMIT ${limit}
                       FOR UPDATE SKIP LOCKED)
         AND status = 'pending'
      RETURNING id
    )
    INSERT INTO outbox (queue, name, payload)
    SELECT ${QUEUES.payouts}, 'pay-statement', jsonb_build_object('statementId', id) FROM due
    RETURNING payload->>'statementId' AS statement_id`);
  return rows.map((r) => r.statement_id);
}
