import type { DbOrTx } from '@cgp/db';
import { sql, type SQL } from 'drizzle-orm';
import type Stripe from 'stripe';
import {
  merchantInScope,
  orderIdInScope,
  orderInScope,
  type TenantScope,
} from '../identity/tenant-scope';
import { ACCOUNTS, PAYABLE_PREFIX } from '../ledger/accounts';

export interface InvariantCheck {
  name: string;
  ok: boolean;
  detail: string;
}

interface Check {
  name: string;
  /** Rows returned are breaches; none means the invariant holds. */
  breaches: SQL;
  describe: (rows: Record<string, unknown>[]) => string;
}

const CLOSED = sql`('expired', 'rejected', 'cancelled', 'refunded', 'confirmed', 'settled')`;

/** The scope's postings: of its orders, or of payouts to its merchants. */
function postingsInScope(scope: TenantScope): SQL {
  if (scope.kind === 'deployment') return sql`true`;
  return sql`(${orderIdInScope(sql`order_id`, scope)}
           OR statement_id IN (SELECT id FROM statements WHERE ${merchantInScope(sql`merchant_id`, scope)}))`;
}

/** The SPEC §4 invariants over what the scope covers: a company's own books, or all of them. */
function checksFor(scope: TenantScope): Check[] {
  const postings = postingsInScope(scope);
  const ordersInScope = orderInScope('o', scope);
  const ownOrders = orderIdInScope(sql`id`, scope);
  return [
    {
      name: 'entries_balance',
      breaches: sql`SELECT entry_id::text AS id, sum(amount_fen) AS total
                      FROM ledger_postings WHERE ${postings} GROUP BY entry_id HAVING sum(amount_fen) <> 0 LIMIT 20`,
      describe: (rows) =>
        `unbalanced entries: ${rows.map((r) => `${String(r.id)} (${String(r.total)})`).join(', ')}`,
    },
    {
      name: 'closed_order_escrow_is_zero',
      // …but for refunds the processor refused: their reservation came back to escrow, where it
      // waits for ops to retry them, as long as the order has room for them (a lost chargeback
      // gave the resident that money instead).
      breaches: sql`SELECT o.id::text AS id, sum(p.amount_fen) AS escrow
                      FROM orders o JOIN ledger_postings p ON p.order_id = o.id AND p.account = ${ACCOUNTS.escrow}
                     WHERE o.status IN ${CLOSED} AND ${ordersInScope}
                     GROUP BY o.id
                    HAVING sum(p.amount_fen) + coalesce((
                             SELECT sum(rp.amount_fen) FROM refunds r
                               JOIN journal_entries e ON e.idempotency_key = 'refund:' || r.id::text AND e.phase = 'pending'
                               JOIN ledger_postings rp ON rp.entry_id = e.id AND rp.account = ${ACCOUNTS.escrow}
                              WHERE r.order_id = o.id AND r.status = 'failed'
                                AND r.amount_fen <= o.total_fen - o.refund_fen), 0) <> 0
                     LIMIT 20`,
      describe: (rows) =>
        `escrow left on closed orders: ${rows.map((r) => `${String(r.id)} (${String(r.escrow)})`).join(', ')}`,
    },
    {
      name: 'pending_refunds_reserved',
      // A refund waiting for the processor holds its amount in clearing; a posted or voided one
      // holds nothing there.
      breaches: sql`
        SELECT r.id::text AS id, r.status, r.amount_fen AS amount, coalesce(-sum(p.amount_fen), 0) AS reserved
          FROM refunds r
          LEFT JOIN ledger_postings p ON p.refund_id = r.id AND p.account = ${ACCOUNTS.refundsPending}
         WHERE ${orderIdInScope(sql`r.order_id`, scope)}
           AND EXISTS (SELECT 1 FROM journal_entries e WHERE e.refund_id = r.id AND e.phase = 'pending')
         GROUP BY r.id
        HAVING coalesce(-sum(p.amount_fen), 0) <> CASE WHEN r.status = 'pending' THEN r.amount_fen ELSE 0 END
         LIMIT 20`,
      describe: (rows) =>
        `refund reservations differ: ${rows.map((r) => `${String(r.id)} ${String(r.status)} ${String(r.amount)}, reserved ${String(r.reserved)}`).join('; ')}`,
    },
    {
      name: 'merchant_payable_matches_shares',
      // payable = earned merchant shares (already net of refunds) − paid out (posted) − payouts
      // reserved (pending) + transfers the processor reversed (back to the merchant's payable) −
      // what open chargebacks hold (a lost one is in the shares already)
      breaches: sql`
        WITH ledger AS (
          SELECT substring(account FROM ${PAYABLE_PREFIX.length + 1}::int)::uuid AS merchant_id, -sum(amount_fen) AS owed
            FROM ledger_postings WHERE account LIKE ${PAYABLE_PREFIX + '%'} GROUP BY 1
        ), expected AS (
          SELECT m.id AS merchant_id,
                 coalesce((SELECT sum(merchant_share_fen) FROM orders WHERE merchant_id = m.id AND earned_at IS NOT NULL), 0)
               - coalesce((SELECT sum(payout_fen) FROM statements WHERE merchant_id = m.id AND status IN ('paid', 'pending')), 0)
               + coalesce((SELECT -sum(p.amount_fen) FROM ledger_postings p JOIN journal_entries e ON e.id = p.entry_id
                            WHERE e.kind = 'transfer_reversal' AND p.merchant_id = m.id), 0)
               - coalesce((SELECT sum(p.amount_fen) FROM ledger_postings p
                             JOIN journal_entries e ON e.id = p.entry_id AND e.kind = 'dispute'
                            WHERE p.merchant_id = m.id AND p.account LIKE ${PAYABLE_PREFIX + '%'}
                              AND NOT EXISTS (SELECT 1 FROM journal_entries l
                                               WHERE l.idempotency_key = 'dispute:' || split_part(e.idempotency_key, ':', 2) || ':lost')), 0)
                 AS owed
            FROM merchants m WHERE ${merchantInScope(sql`m.id`, scope)}
        )
        SELECT e.merchant_id::text AS id, e.owed AS expected, coalesce(l.owed, 0) AS ledger
          FROM expected e LEFT JOIN ledger l USING (merchant_id)
         WHERE e.owed <> coalesce(l.owed, 0) LIMIT 20`,
      describe: (rows) =>
        `payable differs: ${rows.map((r) => `${String(r.id)} expected ${String(r.expected)}, ledger ${String(r.ledger)}`).join('; ')}`,
    },
    {
      name: 'pending_payouts_reserved',
      // A payout waiting for the processor holds its amount in clearing; a posted or voided one
      // (paid, or failed and waiting for ops) holds nothing there.
      breaches: sql`
        SELECT s.id::text AS id, s.status, s.payout_fen AS amount, coalesce(-sum(p.amount_fen), 0) AS reserved
          FROM statements s
          LEFT JOIN ledger_postings p ON p.statement_id = s.id AND p.account = ${ACCOUNTS.payoutsPending}
         WHERE ${merchantInScope(sql`s.merchant_id`, scope)}
           AND EXISTS (SELECT 1 FROM journal_entries e WHERE e.statement_id = s.id AND e.kind = 'payout' AND e.phase = 'pending')
         GROUP BY s.id
        HAVING coalesce(-sum(p.amount_fen), 0) <> CASE WHEN s.status = 'pending' THEN s.payout_fen ELSE 0 END
         LIMIT 20`,
      describe: (rows) =>
        `payout reservations differ: ${rows.map((r) => `${String(r.id)} ${String(r.status)} ${String(r.amount)}, reserved ${String(r.reserved)}`).join('; ')}`,
    },
    {
      name: 'revenue_matches_platform_shares',
      breaches: sql`
        WITH figures AS (
          SELECT (SELECT coalesce(-sum(amount_fen), 0) FROM ledger_postings
                   WHERE account = ${ACCOUNTS.revenue} AND ${postings}) AS ledger,
                 (SELECT coalesce(sum(platform_share_fen), 0) FROM orders
                   WHERE earned_at IS NOT NULL AND ${ownOrders}) AS expected
        )
        SELECT * FROM figures WHERE ledger <> expected`,
      describe: (rows) =>
        `revenue ledger ${String(rows[0]?.ledger)} vs platform shares ${String(rows[0]?.expected)}`,
    },
    {
      name: 'orders_ledger_processor_reconcile',
      // cash = money in (paid orders, and duplicate payments) − refunds the processor confirmed −
      // payouts − what the processor kept (fees) and took for chargebacks, seen from orders,
      // ledger and processor records
      breaches: sql`
        WITH figures AS (
          SELECT
            (SELECT coalesce(sum(amount_fen), 0) FROM ledger_postings
              WHERE account = ${ACCOUNTS.cash} AND ${postings}) AS ledger_cash,
            (SELECT coalesce(sum(total_fen), 0) FROM orders WHERE (paid_at IS NOT NULL
                OR id IN (SELECT order_id FROM payments WHERE status = 'succeeded')) AND ${ownOrders})
            + (SELECT coalesce(sum(amount_fen), 0) FROM refunds
                WHERE cause = 'duplicate_payment' AND ${orderIdInScope(sql`order_id`, scope)})
            - (SELECT coalesce(sum(amount_fen), 0) FROM refunds
                WHERE status = 'succeeded' AND ${orderIdInScope(sql`order_id`, scope)})
            - (SELECT coalesce(sum(payout_fen), 0) FROM statements
                WHERE status = 'paid' AND ${merchantInScope(sql`merchant_id`, scope)})
            - (SELECT coalesce(sum(amount_fen), 0) FROM ledger_postings
                WHERE account = ${ACCOUNTS.processorFees} AND ${postings})
            + (SELECT coalesce(sum(p.amount_fen), 0) FROM ledger_postings p
                JOIN journal_entries e ON e.id = p.entry_id AND e.kind = 'dispute'
                WHERE p.account IN (${ACCOUNTS.cash}, ${ACCOUNTS.processorFees})
                  AND ${orderIdInScope(sql`p.order_id`, scope)})
            + (SELECT coalesce(sum(p.amount_fen), 0) FROM ledger_postings p JOIN journal_entries e ON e.id = p.entry_id
                WHERE e.kind = 'transfer_reversal' AND p.account = ${ACCOUNTS.cash}
                  AND p.statement_id IN (SELECT id FROM statements WHERE ${merchantInScope(sql`merchant_id`, scope)})) AS order_cash,
            (SELECT count(*) FROM statements WHERE status = 'paid' AND transfer_id IS NULL
                AND ${merchantInScope(sql`merchant_id`, scope)}) AS untracked_transfers
        )
        SELECT * FROM figures WHERE ledger_cash <> order_cash OR untracked_transfers > 0`,
      describe: (rows) =>
        `cash: ledger ${String(rows[0]?.ledger_cash)}, from orders/refunds/payouts ${String(rows[0]?.order_cash)}, paid statements without transfer ${String(rows[0]?.untracked_transfers)}`,
    },
  ];
}

/** The platform's whole balance at the processor in fen: available and pending, in CNY. */
async function processorBalanceFen(stripe: Stripe): Promise<number> {
  const balance = await stripe.balance.retrieve();
  return [...balance.available, ...balance.pending]
    .filter((part) => part.currency.toLowerCase() === 'cny')
    .reduce((sum, part) => sum + part.amount, 0);
}

/**
 * `cash:stripe` is the platform's balance at the processor, to the fen (SPEC §4). The processor
 * keeps one balance for the whole deployment, so only the deployment's books can be held to it;
 * a company's share of that balance is reconciliation's to show, object by object.
 */
async function cashMatchesProcessor(db: DbOrTx, stripe: Stripe): Promise<InvariantCheck> {
  const name = 'cash_matches_processor_balance';
  const { rows } = await db.execute<{ cash: string }>(
    sql`SELECT coalesce(sum(amount_fen), 0)::text AS cash FROM ledger_postings WHERE account = ${ACCOUNTS.cash}`,
  );
  const ledger = Number(rows[0]?.cash ?? 0);
  let processor: number;
  try {
    processor = await processorBalanceFen(stripe);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { name, ok: false, detail: `the processor's balance could not be read: ${reason}` };
  }
  return ledger === processor
    ? { name, ok: true, detail: 'holds' }
    : {
        name,
        ok: false,
        detail: `cash: ledger ${ledger}, processor balance ${processor} (difference ${ledger - processor})`,
      };
}

/**
 * `audit.invariants`: the SPEC §4 invariants, each checked in SQL over the scope (a company's
 * books for its staff, the whole deployment for the operator), with any breach described. Given
 * the processor, the deployment's check also holds `cash:stripe` to the processor's balance.
 */
export async function checkInvariants(
  db: DbOrTx,
  scope: TenantScope = { kind: 'deployment' },
  processor?: Stripe,
): Promise<{ ok: boolean; checks: InvariantCheck[] }> {
  const checks: InvariantCheck[] = [];
  for (const check of checksFor(scope)) {
    const { rows } = await db.execute<Record<string, unknown>>(check.breaches);
    checks.push({
      name: check.name,
      ok: rows.length === 0,
      detail: rows.length ? check.describe(rows) : 'holds',
    });
  }
  if (processor && scope.kind === 'deployment')
    checks.push(await cashMatchesProcessor(db, processor));
  return { ok: checks.every((c) => c.ok), checks };
}
