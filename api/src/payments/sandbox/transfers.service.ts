import type Stripe from 'stripe';
import {
  availableBalance,
  balanceTransactionsOf,
  lockBalance,
  recordBalanceTransaction,
} from './balance';
import { invalidRequest, resourceMissing } from './errors';
import { emitEvent, type RequestInfo } from './events';
import { newId, nowSeconds } from './ids';
import { formatYuan } from './money';
import { findObject, getObject, insertObject, updateObject, type Queryable } from './store';

export interface CreateTransferInput {
  amount: number;
  currency: string;
  destination: string;
  transfer_group?: string | undefined;
  description?: string | undefined;
  metadata?: Stripe.Metadata | undefined;
  source_transaction?: string | undefined;
}

/**
 * A transfer that names the charge it is paid from may go before the charge's funds are available
 * (it follows them), but never beyond what is left of that charge. Returns when its funds come.
 */
async function fundsOfCharge(tx: Queryable, chargeId: string, amount: number): Promise<number> {
  const { data: charge } = await getObject(tx, 'charge', chargeId, {
    lock: true,
    param: 'source_transaction',
  });
  if (charge.status !== 'succeeded') {
    throw invalidRequest(
      `Charge ${charge.id} did not succeed; nothing can be transferred from it.`,
      {
        param: 'source_transaction',
      },
    );
  }
  const { rows } = await tx.query<{ sent: string }>(
    `SELECT COALESCE(sum((data->>'amount')::bigint - (data->>'amount_reversed')::bigint), 0)::text AS sent
       FROM stripe_sandbox.objects WHERE type = 'transfer' AND data->>'source_transaction' = $1`,
    [charge.id],
  );
  const left = charge.amount - charge.amount_refunded - Number(rows[0]!.sent);
  if (amount > left) {
    throw invalidRequest(
      `Transfer amount (${formatYuan(amount)}) is greater than what is left of the source transaction ${charge.id} (${formatYuan(left)}).`,
      { code: 'amount_too_large', param: 'amount' },
    );
  }
  const [line] = await balanceTransactionsOf(tx, charge.id);
  return line?.available_on ?? nowSeconds();
}

/**
 * Moves money from the platform balance to a connected account. Refused, as Stripe refuses it,
 * when the account cannot receive transfers yet or the available balance does not cover it; the
 * balance lock makes the check and the debit one step under concurrency.
 */
export async function createTransfer(
  tx: Queryable,
  input: CreateTransferInput,
  request: RequestInfo,
): Promise<Stripe.Transfer> {
  const destination = await findObject(tx, 'account', input.destination);
  if (!destination) throw resourceMissing('destination', input.destination, 'destination');
  const account = destination.data;
  if (!account.payouts_enabled || account.capabilities?.transfers !== 'active') {
    throw invalidRequest(
      `Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments. (${account.id} has not finished onboarding.)`,
      { code: 'insufficient_capabilities_for_transfer', param: 'destination' },
    );
  }
  await lockBalance(tx);
  let availableOn: number | undefined;
  if (input.source_transaction) {
    availableOn = await fundsOfCharge(tx, input.source_transaction, input.amount);
  } else {
    const available = await availableBalance(tx, input.currency);
    if (input.amount > available) {
      throw invalidRequest(
        `You have insufficient available funds in your Stripe account: ${formatYuan(available)} available, ${formatYuan(input.amount)} requested.`,
        { code: 'balance_insufficient' },
      );
    }
  }
  const id = newId('tr');
  const balanceTransaction = await recordBalanceTransaction(tx, {
    type: 'transfer',
    source: id,
    amount: -input.amount,
    currency: input.currency,
    ...(availableOn !== undefined && { availableOn }),
  });
  const transfer: Stripe.Transfer = {
    id,
    object: 'transfer',
    amount: input.amount,
    amount_reversed: 0,
    balance_transaction: balanceTransaction,
    created: nowSeconds(),
    currency: input.currency,
    description: input.description ?? null,
    destination: account.id,
    destination_payment: newId('py'),
    livemode: false,
    metadata: input.metadata ?? {},
    reversals: { object: 'list', data: [], has_more: false, url: `/v1/transfers/${id}/reversals` },
    reversed: false,
    source_transaction: input.source_transaction ?? null,
    source_type: 'card',
    transfer_group: input.transfer_group ?? null,
  };
  await insertObject(tx, 'transfer', id, transfer);
  await emitEvent(tx, 'transfer.created', transfer, request);
  return transfer;
}

export interface CreateReversalInput {
  amount?: number | undefined;
  description?: string | undefined;
  metadata?: Stripe.Metadata | undefined;
}

/** Takes back part or all of what is left of a transfer, crediting the platform balance. */
export async function createTransferReversal(
  tx: Queryable,
  transferId: string,
  input: CreateReversalInput,
  request: RequestInfo,
): Promise<Stripe.TransferReversal> {
  const { data: transfer } = await getObject(tx, 'transfer', transferId, { lock: true });
  const remaining = transfer.amount - transfer.amount_reversed;
  if (remaining <= 0) {
    throw invalidRequest(`Transfer ${transfer.id} has already been fully reversed.`, {
      code: 'transfer_already_reversed',
    });
  }
  const amount = input.amount ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(
      `Reversal amount (${formatYuan(amount)}) is greater than the amount left on the transfer (${formatYuan(remaining)}).`,
      { code: 'amount_too_large', param: 'amount' },
    );
  }
  const id = newId('trr');
  const balanceTransaction = await recordBalanceTransaction(tx, {
    type: 'transfer_refund',
    source: id,
    amount,
    currency: transfer.currency,
  });
  const reversal: Stripe.TransferReversal = {
    id,
    object: 'transfer_reversal',
    amount,
    balance_transaction: balanceTransaction,
    created: nowSeconds(),
    currency: transfer.currency,
    destination_payment_refund: newId('pyr'),
    metadata: input.metadata ?? {},
    source_refund: null,
    transfer: transfer.id,
  };
  const reversed: Stripe.Transfer = {
    ...transfer,
    amount_reversed: transfer.amount_reversed + amount,
    reversed: transfer.amount_reversed + amount === transfer.amount,
    reversals: { ...transfer.reversals, data: [reversal, ...transfer.reversals.data] },
  };
  await updateObject(tx, 'transfer', transfer.id, reversed);
  await emitEvent(tx, 'transfer.reversed', reversed, request, {
    amount_reversed: transfer.amount_reversed,
    reversed: transfer.reversed,
  });
  return reversal;
}
