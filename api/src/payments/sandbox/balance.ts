import type Stripe from 'stripe';
import { z } from 'zod';
import type { ApiRoutes } from './api';
import { newId } from './ids';
import { expandParam } from './params';
import type { Queryable } from './store';

type BalanceTransactionType = 'charge' | 'refund' | 'transfer' | 'transfer_refund';

/**
 * Adds one line to the platform's balance ledger; `amount` is signed (charges in, refunds and
 * transfers out). Returns the `txn_` id the object that moved the money points at.
 */
export async function recordBalanceTransaction(
  tx: Queryable,
  line: { type: BalanceTransactionType; source: string; amount: number; currency: string },
): Promise<string> {
  const id = newId('txn');
  await tx.query(
    `INSERT INTO stripe_sandbox.balance_transactions (id, type, source, amount, currency)
     VALUES ($1, $2, $3, $4, $5)`,
    [id, line.type, line.source, line.amount, line.currency],
  );
  return id;
}

/**
 * Serialises everything that checks the balance before spending it, so two transfers cannot both
 * pass the check on the same funds.
 */
export async function lockBalance(tx: Queryable): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('stripe_sandbox.balance'))`);
}

export async function availableBalance(db: Queryable, currency: string): Promise<number> {
  const { rows } = await db.query<{ amount: string }>(
    `SELECT COALESCE(sum(amount), 0)::text AS amount FROM stripe_sandbox.balance_transactions
      WHERE currency = $1`,
    [currency],
  );
  return Number(rows[0]!.amount);
}

async function retrieveBalance(db: Queryable): Promise<Stripe.Balance> {
  const { rows } = await db.query<{ currency: string; amount: string }>(
    `SELECT currency, sum(amount)::text AS amount
       FROM stripe_sandbox.balance_transactions GROUP BY currency ORDER BY currency`,
  );
  // Every payment method settles like a card here, so the whole balance is of source type card.
  const available = (rows.length ? rows : [{ currency: 'cny', amount: '0' }]).map((r) => ({
    amount: Number(r.amount),
    currency: r.currency,
    source_types: { card: Number(r.amount) },
  }));
  return {
    object: 'balance',
    available,
    livemode: false,
    pending: available.map((a) => ({ amount: 0, currency: a.currency, source_types: { card: 0 } })),
  };
}

export function balanceRoutes(api: ApiRoutes): void {
  api.get('/balance', z.strictObject({ expand: expandParam }), ({ db }) => retrieveBalance(db));
}
