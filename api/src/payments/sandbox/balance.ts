import type Stripe from 'stripe';
import { z } from 'zod';
import type { ApiRoutes } from './api';
import { resourceMissing } from './errors';
import { newId } from './ids';
import { expandParam, listParams, nonEmpty } from './params';
import type { Queryable } from './store';

export type BalanceTransactionType =
  'charge' | 'refund' | 'refund_failure' | 'transfer' | 'transfer_refund' | 'adjustment';

const REPORTING_CATEGORY: Record<BalanceTransactionType, string> = {
  charge: 'charge',
  refund: 'refund',
  refund_failure: 'refund_failure',
  transfer: 'transfer',
  transfer_refund: 'transfer_reversal',
  adjustment: 'dispute',
};

/** What the processor charges and how long it holds a payment before its net can be spent. */
export interface SandboxTerms {
  /** Fee on each charge, in basis points of its amount (rounded half up to the fen). */
  feeBps: number;
  /** Plus a fixed fee per charge, in fen. */
  feeFixedFen: number;
  /** A charge's net becomes available this many seconds after the charge. */
  availableAfterSeconds: number;
  /** What a dispute costs the platform, whatever its outcome, in fen. */
  disputeFeeFen: number;
}

export const DEFAULT_TERMS: SandboxTerms = {
  feeBps: 0,
  feeFixedFen: 0,
  availableAfterSeconds: 0,
  disputeFeeFen: 0,
};

const TERMS_KEY = 'terms';

/** Fixes the terms every later charge and dispute is made on (kept in the database). */
export async function setTerms(db: Queryable, terms: Partial<SandboxTerms>): Promise<SandboxTerms> {
  const next = { ...(await currentTerms(db)), ...terms };
  await db.query(
    `INSERT INTO stripe_sandbox.settings (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [TERMS_KEY, JSON.stringify(next)],
  );
  return next;
}

export async function currentTerms(db: Queryable): Promise<SandboxTerms> {
  const { rows } = await db.query<{ value: string }>(
    'SELECT value FROM stripe_sandbox.settings WHERE key = $1',
    [TERMS_KEY],
  );
  return { ...DEFAULT_TERMS, ...(rows[0] ? (JSON.parse(rows[0].value) as object) : {}) };
}

/** The processing fee on a charge of `amount` fen: bps rounded half up, plus the fixed part. */
export function chargeFee(amount: number, terms: SandboxTerms): number {
  return Math.floor((amount * terms.feeBps + 5_000) / 10_000) + terms.feeFixedFen;
}

export interface BalanceLine {
  type: BalanceTransactionType;
  source: string;
  /** Signed gross: charges in, refunds and transfers out. */
  amount: number;
  currency: string;
  /** What the processor keeps of it (the net is amount − fee). */
  fee?: number;
  /** Unix seconds; now by default. */
  availableOn?: number;
  reportingCategory?: string;
  description?: string;
  /** Unix seconds; now unless a past payment is being recorded. */
  created?: number;
}

/**
 * Adds one line to the platform's balance ledger. Returns the `txn_` id the object that moved the
 * money points at.
 */
export async function recordBalanceTransaction(tx: Queryable, line: BalanceLine): Promise<string> {
  const id = newId('txn');
  await tx.query(
    `INSERT INTO stripe_sandbox.balance_transactions
       (id, type, source, amount, currency, fee, available_on, reporting_category, description,
        created_at)
     VALUES ($1, $2, $3, $4, $5, $6, COALESCE(to_timestamp($7), now()), $8, $9,
             COALESCE(to_timestamp($10), now()))`,
    [
      id,
      line.type,
      line.source,
      line.amount,
      line.currency,
      line.fee ?? 0,
      line.availableOn ?? null,
      line.reportingCategory ?? REPORTING_CATEGORY[line.type],
      line.description ?? null,
      line.created ?? null,
    ],
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

/**
 * What can be spent now: the net of every line whose `available_on` has come. The clock, not the
 * transaction's start: a transfer that waited for the balance lock must see the one committed
 * while it waited, whose `available_on` is later than its own start.
 */
export async function availableBalance(db: Queryable, currency: string): Promise<number> {
  const { rows } = await db.query<{ amount: string }>(
    `SELECT COALESCE(sum(amount - fee), 0)::text AS amount FROM stripe_sandbox.balance_transactions
      WHERE currency = $1 AND available_on <= clock_timestamp()`,
    [currency],
  );
  return Number(rows[0]!.amount);
}

interface BalanceRow {
  id: string;
  type: string;
  source: string;
  amount: string;
  currency: string;
  fee: string;
  available_on: number;
  created: number;
  reporting_category: string | null;
  description: string | null;
}

/** Unix seconds are floored, as Stripe's are: a line made at 23:59:59.7 is of that day. */
const SELECT_ROW = `SELECT id, type, source, amount::text, currency, fee::text,
    floor(extract(epoch FROM available_on))::int AS available_on,
    floor(extract(epoch FROM created_at))::int AS created, reporting_category, description
  FROM stripe_sandbox.balance_transactions`;

function render(row: BalanceRow): Stripe.BalanceTransaction {
  const amount = Number(row.amount);
  const fee = Number(row.fee);
  return {
    id: row.id,
    object: 'balance_transaction',
    amount,
    available_on: row.available_on,
    balance_type: 'payments',
    created: row.created,
    currency: row.currency,
    description: row.description,
    exchange_rate: null,
    fee,
    fee_details: fee
      ? [
          {
            amount: fee,
            application: null,
            currency: row.currency,
            description: 'Stripe processing fees',
            type: 'stripe_fee',
          },
        ]
      : [],
    net: amount - fee,
    reporting_category: row.reporting_category ?? row.type,
    source: row.source,
    status: row.available_on <= Math.floor(Date.now() / 1000) ? 'available' : 'pending',
    type: row.type,
  };
}

export async function findBalanceTransaction(
  db: Queryable,
  id: string,
): Promise<Stripe.BalanceTransaction | null> {
  const { rows } = await db.query<BalanceRow>(`${SELECT_ROW} WHERE id = $1`, [id]);
  return rows[0] ? render(rows[0]) : null;
}

/** The balance lines an object made (a charge has one; a dispute one or two). */
export async function balanceTransactionsOf(
  db: Queryable,
  source: string,
): Promise<Stripe.BalanceTransaction[]> {
  const { rows } = await db.query<BalanceRow>(`${SELECT_ROW} WHERE source = $1 ORDER BY seq`, [
    source,
  ]);
  return rows.map(render);
}

async function retrieveBalance(db: Queryable): Promise<Stripe.Balance> {
  const { rows } = await db.query<{ currency: string; available: string; pending: string }>(
    `SELECT currency,
            COALESCE(sum(amount - fee) FILTER (WHERE available_on <= clock_timestamp()), 0)::text AS available,
            COALESCE(sum(amount - fee) FILTER (WHERE available_on > clock_timestamp()), 0)::text AS pending
       FROM stripe_sandbox.balance_transactions GROUP BY currency ORDER BY currency`,
  );
  const totals = rows.length ? rows : [{ currency: 'cny', available: '0', pending: '0' }];
  // Every payment method settles like a card here, so the whole balance is of source type card.
  const part = (currency: string, amount: string) => ({
    amount: Number(amount),
    currency,
    source_types: { card: Number(amount) },
  });
  return {
    object: 'balance',
    available: totals.map((t) => part(t.currency, t.available)),
    livemode: false,
    pending: totals.map((t) => part(t.currency, t.pending)),
  };
}

const listBalanceParams = z.strictObject({
  ...listParams,
  source: nonEmpty.optional(),
  type: nonEmpty.optional(),
  currency: nonEmpty.optional(),
  created: z
    .strictObject({
      gte: z.string().regex(/^\d+$/).transform(Number).optional(),
      lt: z.string().regex(/^\d+$/).transform(Number).optional(),
    })
    .optional(),
});

async function listBalanceTransactions(
  db: Queryable,
  params: z.output<typeof listBalanceParams>,
): Promise<Stripe.ApiList<Stripe.BalanceTransaction>> {
  const where: string[] = ['true'];
  const values: unknown[] = [];
  const add = (clause: (n: number) => string, value: unknown) => {
    values.push(value);
    where.push(clause(values.length));
  };
  if (params.source) add((n) => `source = $${n}`, params.source);
  if (params.type) add((n) => `type = $${n}`, params.type);
  if (params.currency) add((n) => `currency = $${n}`, params.currency.toLowerCase());
  if (params.created?.gte !== undefined)
    add((n) => `created_at >= to_timestamp($${n})`, params.created.gte);
  if (params.created?.lt !== undefined)
    add((n) => `created_at < to_timestamp($${n})`, params.created.lt);
  const cursor = params.starting_after ?? params.ending_before;
  if (cursor) {
    const known = await db.query(
      'SELECT 1 FROM stripe_sandbox.balance_transactions WHERE id = $1',
      [cursor],
    );
    if (known.rowCount === 0) {
      throw resourceMissing(
        'balance_transaction',
        cursor,
        params.starting_after ? 'starting_after' : 'ending_before',
      );
    }
    const op = params.starting_after ? '<' : '>';
    add(
      (n) => `seq ${op} (SELECT seq FROM stripe_sandbox.balance_transactions WHERE id = $${n})`,
      cursor,
    );
  }
  const limit = params.limit ?? 10;
  values.push(limit + 1);
  const order = params.ending_before ? 'ASC' : 'DESC';
  const { rows } = await db.query<BalanceRow>(
    `${SELECT_ROW} WHERE ${where.join(' AND ')} ORDER BY seq ${order} LIMIT $${values.length}`,
    values,
  );
  const data = rows.slice(0, limit).map(render);
  if (params.ending_before) data.reverse();
  return {
    object: 'list',
    data,
    has_more: rows.length > limit,
    url: '/v1/balance_transactions',
  };
}

export function balanceRoutes(api: ApiRoutes): void {
  api.get('/balance', z.strictObject({ expand: expandParam }), ({ db }) => retrieveBalance(db));
  api.get('/balance_transactions', listBalanceParams, ({ db }, params) =>
    listBalanceTransactions(db, params),
  );
  api.get(
    '/balance_transactions/:id',
    z.strictObject({ expand: expandParam }),
    async ({ db, path }) => {
      const found = await findBalanceTransaction(db, path.id!);
      if (!found) throw resourceMissing('balance_transaction', path.id!);
      return found;
    },
  );
}
