import type { Db } from '@cgp/db';
import { sql, type SQL } from 'drizzle-orm';

export interface SeedMarket {
  companyId: string;
  communityId: string;
  unitId: string;
  residentId: string;
  merchants: { merchantId: string; serviceId: string; slotId: string }[];
}

export interface EligibleOrdersSeed extends SeedMarket {
  merchantIds: string[];
  orderCount: number;
  totalFen: number;
}

/**
 * Seeds confirmed orders across merchants, set-based, exactly as the product would have left them:
 * paid and earned at 30% with round-half-up shares, with their payment and earning journal
 * entries, so the ledger balances and settlement has real work to do. Amounts are odd (1 fen up)
 * to exercise rounding. Merchants are onboarded with the given Connect account ids, or placeholder
 * ones for runs that make no transfers. Benchmarks and crash tests use it; it bypasses the per-row
 * balance trigger for speed, and `audit.invariants` proves the result balances.
 */
export async function seedEligibleOrders(
  db: Db,
  options: {
    merchants: number;
    orders: number;
    accountIds?: string[];
    market?: SeedMarket;
    /** How long ago the orders earned their shares (and their ledger entries were posted); 1 day. */
    earnedDaysAgo?: number;
  },
): Promise<EligibleOrdersSeed> {
  const market = options.market ?? (await seedMarket(db, options));
  return db.transaction(async (tx) => {
    await tx.execute(sql`
      CREATE TEMP TABLE seed_merchants ON COMMIT DROP AS
      SELECT m."merchantId"::uuid AS merchant_id, m."serviceId"::uuid AS service_id,
             m."slotId"::uuid AS slot_id, (m.n - 1)::int AS n
        FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(market.merchants)}::jsonb)
               AS ("merchantId" text, "serviceId" text, "slotId" text))
             WITH ORDINALITY AS m("merchantId", "serviceId", "slotId", n)`);
    const { communityId: community, unitId: unit, residentId: resident } = market;
    const merchantCount = market.merchants.length;
    // Paid two days, completed one day before the orders earned their shares.
    const earned = sql`now() - make_interval(days => ${options.earnedDaysAgo ?? 1})`;
    const day = (before: number) => sql`(${earned} - make_interval(days => ${before}))`;

    await tx.execute(sql`
      CREATE TEMP TABLE seed_orders ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, sm.merchant_id, sm.service_id, sm.slot_id, g,
             ((g * 37) % 997 + 1)::bigint AS total
        FROM generate_series(1, ${options.orders}) g
        JOIN seed_merchants sm ON sm.n = g % ${merchantCount}`);
    await tx.execute(sql`
      INSERT INTO orders (id, resident_id, unit_id, community_id, address_snapshot, merchant_id, service_id,
        slot_id, category, quantity, seats, unit_price_fen, total_fen, status, idempotency_key,
        payment_due_at, paid_at, accepted_at, started_at, completed_at, confirmed_at, earned_at,
        platform_bps, merchant_share_fen, platform_share_fen, created_at, updated_at)
      SELECT id, ${resident}, ${unit}, ${community}, '结算测试小区 1号楼 1-101', merchant_id, service_id,
             slot_id, 'housekeeping', 1, 1, total, total, 'confirmed', 'seed-' || id,
             ${day(2)}, ${day(2)}, ${day(2)},
             ${day(1)}, ${day(1)}, ${day(0)}, ${day(0)},
             3000, total - (total * 3000 + 5000) / 10000, (total * 3000 + 5000) / 10000,
             ${day(2)}, ${day(0)}
        FROM seed_orders`);
    await tx.execute(sql`
      UPDATE slots s SET booked = s.booked + c.n FROM (SELECT slot_id, count(*)::int AS n FROM seed_orders GROUP BY slot_id) c
       WHERE s.id = c.slot_id`);
    // The per-posting balance check would run once per row; this seed is balanced by construction.
    await tx.execute(sql`ALTER TABLE ledger_postings DISABLE TRIGGER ledger_postings_balance`);
    await tx.execute(sql`
      CREATE TEMP TABLE seed_entries ON COMMIT DROP AS
      SELECT o.id AS order_id, o.merchant_id, o.total, k.kind, gen_random_uuid() AS entry_id,
             o.total - (o.total * 3000 + 5000) / 10000 AS merchant_share, (o.total * 3000 + 5000) / 10000 AS platform_share
        FROM seed_orders o CROSS JOIN (VALUES ('payment'), ('earning')) k(kind)`);
    await tx.execute(sql`
      INSERT INTO journal_entries (id, kind, idempotency_key, order_id, memo, created_at)
      SELECT entry_id, kind::journal_kind, kind || ':' || order_id, order_id, 'seed',
             CASE WHEN kind = 'payment' THEN ${day(2)} ELSE ${earned} END
        FROM seed_entries`);
    await tx.execute(sql`
      INSERT INTO ledger_postings (entry_id, account, amount_fen, order_id, merchant_id)
      SELECT e.entry_id, l.account, l.amount, e.order_id, l.merchant_id
        FROM seed_entries e
        CROSS JOIN LATERAL (VALUES
          ('cash:stripe', CASE WHEN e.kind = 'payment' THEN e.total END, NULL::uuid),
          ('escrow:order', CASE WHEN e.kind = 'payment' THEN -e.total ELSE e.total END, NULL::uuid),
          ('payable:merchant:' || e.merchant_id, CASE WHEN e.kind = 'earning' THEN -e.merchant_share END, e.merchant_id),
          ('revenue:platform', CASE WHEN e.kind = 'earning' THEN -e.platform_share END, NULL::uuid)
        ) l(account, amount, merchant_id)
       WHERE l.amount IS NOT NULL AND l.amount <> 0`);
    await tx.execute(sql`ALTER TABLE ledger_postings ENABLE TRIGGER ledger_postings_balance`);
    const { rows } = await tx.execute<{ total: string }>(
      sql`SELECT sum(total) AS total FROM seed_orders`,
    );
    return {
      ...market,
      merchantIds: market.merchants.map((m) => m.merchantId),
      orderCount: options.orders,
      totalFen: Number(rows[0]!.total),
    };
  });
}

/** The company, community, resident and onboarded merchants (a service and slot each) orders go to. */
export async function seedMarket(
  db: Db,
  options: { merchants: number; accountIds?: string[] },
): Promise<SeedMarket> {
  return db.transaction(async (tx) => {
    const one = async (q: SQL) => (await tx.execute<{ id: string }>(q)).rows[0]!.id;
    const company = await one(
      sql`INSERT INTO property_companies (name) VALUES ('结算测试物业') RETURNING id`,
    );
    const community = await one(
      sql`INSERT INTO communities (company_id, name) VALUES (${company}, '结算测试小区') RETURNING id`,
    );
    const building = await one(
      sql`INSERT INTO buildings (community_id, number, name) VALUES (${community}, 1, '1号楼') RETURNING id`,
    );
    const unit = await one(sql`
      INSERT INTO units (building_id, community_id, room, label)
      VALUES (${building}, ${community}, '101', '1-101') RETURNING id`);
    const resident = await one(sql`
      INSERT INTO users (phone, password_hash, role, display_name, unit_id)
      VALUES ('19' || lpad((floor(random() * 1e9))::bigint::text, 9, '0'), 'x', 'resident', '结算测试住户', ${unit})
      RETURNING id`);
    const accounts = `{${(options.accountIds ?? []).join(',')}}`;
    await tx.execute(sql`
      CREATE TEMP TABLE seed_merchants ON COMMIT DROP AS
      WITH m AS (
        INSERT INTO merchants (company_id, name, category, status, stripe_account_id, payouts_enabled, details_submitted)
        SELECT ${company}, '商户' || g, 'housekeeping', 'approved',
               coalesce((${accounts}::text[])[g], 'acct_seed_' || replace(gen_random_uuid()::text, '-', '')),
               true, true
          FROM generate_series(1, ${options.merchants}) g
        RETURNING id
      )
      SELECT id AS merchant_id, (row_number() OVER (ORDER BY id) - 1)::int AS n,
             gen_random_uuid() AS service_id, gen_random_uuid() AS slot_id
        FROM m`);
    const { rows } = await tx.execute<{ merchant_id: string; service_id: string; slot_id: string }>(
      sql`SELECT merchant_id, service_id, slot_id FROM seed_merchants ORDER BY n`,
    );
    await tx.execute(sql`
      INSERT INTO services (id, merchant_id, category, title_zh, title_en, price_fen, pricing_unit, max_quantity, duration_minutes)
      SELECT service_id, merchant_id, 'housekeeping', '结算测试服务', 'Settlement test service', 1, 'per_visit', 1, 60
        FROM seed_merchants`);
    await tx.execute(sql`
      INSERT INTO slots (id, service_id, starts_at, ends_at, capacity, booked)
      SELECT slot_id, service_id, now() - interval '2 days', now() - interval '2 days' + interval '1 hour',
             2000000000, 0
        FROM seed_merchants`);
    return {
      companyId: company,
      communityId: community,
      unitId: unit,
      residentId: resident,
      merchants: rows.map((r) => ({
        merchantId: r.merchant_id,
        serviceId: r.service_id,
        slotId: r.slot_id,
      })),
    };
  });
}

/** What settlement still has to do: earned orders not in a statement, statements not paid out. */
export async function settlementBacklog(db: Db) {
  const { rows } = await db.execute<{ unsettled: number; unpaid: number }>(sql`
    SELECT (SELECT count(*)::int FROM orders WHERE earned_at IS NOT NULL AND settled_at IS NULL)
             AS unsettled,
           (SELECT count(*)::int FROM statements WHERE status <> 'paid') AS unpaid`);
  const { unsettled, unpaid } = rows[0]!;
  return { unsettled, unpaid, done: unsettled === 0 && unpaid === 0 };
}
