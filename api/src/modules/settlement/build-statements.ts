import type { Db, Tx } from '@cgp/db';
import { sql, type SQL } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { ACCOUNTS, PAYABLE_PREFIX } from '../ledger/accounts';
import { settleOrdersSetBased } from '../orders/transition';
import { QUEUES } from '../outbox/queues';

export interface SettlementRun {
  runId: string;
  statements: {
    id: string;
    merchantId: string;
    status: string;
    payoutFen: number;
    orderCount: number;
  }[];
  orderCount: number;
}

/** Only one settlement run at a time, across every API and worker process. */
const SETTLEMENT_LOCK = 0x5e771e;

/**
 * A settlement run (SPEC §6) in ONE set-based statement: every eligible order (earned, not settled,
 * no open dispute, merchant able to receive payouts) is grouped by merchant into a statement with
 * its lines; the orders are marked settled with their event rows; each statement with money to pay
 * gets a payout job in the outbox whose id is the statement id, and its payout reserved in the
 * ledger (the pending half of a two-phase payout; it posts when the processor confirms the
 * transfer). What is owed comes from the ledger, so a negative balance (a refund after a payout)
 * is carried into the payout; failed statements still claim what they were to pay.
 */
export async function buildStatements(
  db: Db,
  options: {
    merchantIds?: string[];
    /** Runs inside the run's transaction (the audit record of who asked for it). */
    alsoInTransaction?: (tx: Tx, run: SettlementRun) => Promise<void>;
  } = {},
): Promise<SettlementRun> {
  const runId = randomUUID();
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SETTLEMENT_LOCK})`);
    // PostgreSQL's JIT spent about a second compiling this statement's ~120 functions on every run,
    // longer than a day's run of a few thousand orders takes to execute, and saved nothing at 10^6.
    await tx.execute(sql`SET LOCAL jit = off`);
    const { rows } = await tx.execute<{
      id: string;
      merchant_id: string;
      status: string;
      payout_fen: number;
      order_count: number;
    }>(settlementStatement(runId, options.merchantIds));
    const statements = rows.map((r) => ({
      id: r.id,
      merchantId: r.merchant_id,
      status: r.status,
      payoutFen: Number(r.payout_fen),
      orderCount: Number(r.order_count),
    }));
    const run = { runId, statements, orderCount: statements.reduce((n, s) => n + s.orderCount, 0) };
    await options.alsoInTransaction?.(tx, run);
    return run;
  });
}

/**
 * An order `o` (of merchant `m`) a settlement run takes: earned, not settled, no open dispute,
 * its merchant able to receive payouts.
 */
export const SETTLEABLE = sql`o.earned_at IS NOT NULL AND o.settled_at IS NULL
           AND m.payouts_enabled AND m.stripe_account_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM order_disputes d WHERE d.order_id = o.id AND d.resolved_at IS NULL)`;

/**
 * The settlement statement itself, exported so the benchmark can time the very same SQL raw.
 * Returns the statements it made.
 */
export function settlementStatement(runId: string, merchantIds?: string[]): SQL {
  const onlyMerchants = merchantIds?.length
    ? sql`AND o.merchant_id = ANY(${`{${merchantIds.join(',')}}`}::uuid[])`
    : sql``;
  return sql`
      WITH eligible AS (
        SELECT o.id, o.merchant_id, o.status, o.total_fen, o.refund_fen, o.merchant_share_fen,
               o.platform_share_fen, o.platform_bps
          FROM orders o
          JOIN merchants m ON m.id = o.merchant_id
         WHERE ${SETTLEABLE}
           ${onlyMerchants}
      ), per_merchant AS (
        SELECT merchant_id, count(*)::int AS order_count, sum(total_fen) AS gross, sum(refund_fen) AS refunds,
               sum(merchant_share_fen) AS merchant_fen, sum(platform_share_fen) AS platform_fen
          FROM eligible GROUP BY merchant_id
        -- Materialized: the balance is read three times below, and inlined it summed each
        -- merchant's ledger three times.
      ), owed AS MATERIALIZED (
        SELECT pm.merchant_id,
               coalesce((SELECT -sum(p.amount_fen) FROM ledger_postings p
                          WHERE p.account = ${PAYABLE_PREFIX} || pm.merchant_id::text), 0)
             - coalesce((SELECT sum(s.payout_fen) FROM statements s
                          WHERE s.merchant_id = pm.merchant_id AND s.status = 'failed'), 0)
               AS balance
          FROM per_merchant pm
      ), made AS (
        INSERT INTO statements (merchant_id, run_id, status, gross_fen, refund_fen, merchant_fen,
                                platform_fen, carried_in_fen, payout_fen, order_count)
        SELECT pm.merchant_id, ${runId}::uuid,
               (CASE WHEN owed.balance > 0 THEN 'pending' ELSE 'carried' END)::statement_status,
               pm.gross, pm.refunds, pm.merchant_fen, pm.platform_fen,
               owed.balance - pm.merchant_fen, greatest(owed.balance, 0), pm.order_count
          FROM per_merchant pm JOIN owed USING (merchant_id)
        RETURNING id, merchant_id, status, payout_fen, order_count
        -- The payout is decided: it is reserved (Dr payable / Cr clearing:payouts) until the
        -- processor confirms the transfer (posted) or refuses it (voided).
      ), reserved AS (
        INSERT INTO journal_entries (kind, idempotency_key, statement_id, memo, phase)
        SELECT 'payout', 'payout:' || made.id::text, made.id,
               'payout decided: reserved until the processor confirms the transfer', 'pending'
          FROM made WHERE made.status = 'pending'
        RETURNING id, statement_id
      ), reserved_lines AS (
        INSERT INTO ledger_postings (entry_id, account, amount_fen, merchant_id, statement_id)
        SELECT r.id, ${PAYABLE_PREFIX} || made.merchant_id::text, made.payout_fen, made.merchant_id, made.id
          FROM reserved r JOIN made ON made.id = r.statement_id
        UNION ALL
        SELECT r.id, ${ACCOUNTS.payoutsPending}, -made.payout_fen, NULL, made.id
          FROM reserved r JOIN made ON made.id = r.statement_id
      ), lines AS (
        INSERT INTO statement_lines (statement_id, order_id, gross_fen, refund_fen, merchant_fen,
                                     platform_fen, platform_bps)
        SELECT made.id, e.id, e.total_fen, e.refund_fen, e.merchant_share_fen, e.platform_share_fen,
               e.platform_bps
          FROM eligible e JOIN made USING (merchant_id)
      ), ${settleOrdersSetBased({ orders: 'eligible', statements: 'made' })}, payouts AS (
        INSERT INTO outbox (id, queue, name, payload)
        SELECT made.id, ${QUEUES.payouts}, 'pay-statement', jsonb_build_object('statementId', made.id)
          FROM made WHERE made.status = 'pending'
      )
      SELECT id, merchant_id, status, payout_fen, order_count FROM made`;
}
