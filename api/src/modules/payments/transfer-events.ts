import { statements, type Tx } from '@cgp/db';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { ACCOUNTS } from '../ledger/accounts';
import { recordTransfer } from '../ledger/payout-postings';
import { insertEntry } from '../ledger/post';
import { idOf, ourId } from './processor-refs';

/** A transfer as the processor has it now, with every reversal made of it. */
export interface ProcessorTransfer {
  transfer: Stripe.Transfer;
  reversals: Stripe.TransferReversal[];
}

/**
 * What a `transfer.*` event needs, read from the processor rather than from the event: events
 * can arrive late, twice or out of order, and the transfer as it stands now says it all.
 */
export async function fetchProcessorTransfer(
  stripe: Stripe,
  transferId: string,
): Promise<ProcessorTransfer> {
  const transfer = await stripe.transfers.retrieve(transferId);
  const reversals: Stripe.TransferReversal[] = [];
  for await (const r of stripe.transfers.listReversals(transferId, { limit: 100 })) {
    reversals.push(r);
  }
  return { transfer, reversals };
}

/**
 * Books a transfer of ours as the processor has it (`transfer.created`, `transfer.updated`,
 * `transfer.reversed`), in the event's transaction: a statement whose answer was lost is paid and
 * its payout posted; each reversal is a `transfer_reversal` entry (Dr cash:stripe / Cr the
 * merchant's payable, against the reversal's balance transaction), so the money is owed to the
 * merchant again and the next statement nets it. Keyed by the processor's ids, so any order and
 * any number of deliveries book each once. A transfer that is not a statement's is left alone.
 */
export async function applyProcessorTransfer(tx: Tx, found: ProcessorTransfer): Promise<void> {
  const { transfer } = found;
  const statementId = ourId(transfer.metadata?.statement_id, transfer.transfer_group);
  if (!statementId) return;
  const [statement] = await tx
    .select()
    .from(statements)
    .where(eq(statements.id, statementId))
    .for('update');
  if (!statement) return;
  // A second transfer for a paid statement is not ours to book: reconciliation reports it.
  if (statement.transferId && statement.transferId !== transfer.id) return;
  await recordTransfer(tx, statement.id, {
    id: transfer.id,
    balanceTransactionId: idOf(transfer.balance_transaction),
  });
  for (const reversal of found.reversals) {
    await insertEntry(tx, {
      kind: 'transfer_reversal',
      idempotencyKey: `transfer_reversal:${reversal.id}`,
      statementId: statement.id,
      processorObjectId: idOf(reversal.balance_transaction) ?? undefined,
      memo: `transfer ${transfer.id} reversed by the processor (${reversal.id})`,
      lines: [
        { account: ACCOUNTS.cash, amountFen: reversal.amount },
        {
          account: ACCOUNTS.payable(statement.merchantId),
          amountFen: -reversal.amount,
          merchantId: statement.merchantId,
        },
      ],
    });
  }
}
