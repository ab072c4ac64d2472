import type { Db } from '@cgp/db';
import { sql } from 'drizzle-orm';
import { seedMarket, type SeedMarket } from './eligible-orders';

/**
 * Seeds `households` flats, each with its own resident, and one confirmed order per household
 * completed at `completedAt` (spread over the next minutes), round-robin over the market's
 * merchants. Household g also gets a second order from the next merchant when g % `secondEvery`
 * is 0. Set-based: a thousand households take one statement each. For callbacks and KPIs.
 */
export async function seedServedHouseholds(
  db: Db,
  options: {
    households: number;
    merchants?: number;
    market?: SeedMarket;
    completedAt: Date;
    secondEvery?: number;
  },
): Promise<SeedMarket & { unitIds: string[] }> {
  const market = options.market ?? (await seedMarket(db, { merchants: options.merchants ?? 3 }));
  const merchants = JSON.stringify(market.merchants);
  const tag = `h${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return db.transaction(async (tx) => {
    await tx.execute(sql`
      CREATE TEMP TABLE seed_households ON COMMIT DROP AS
      SELECT g, gen_random_uuid() AS unit_id, gen_random_uuid() AS user_id
        FROM generate_series(1, ${options.households}) g`);
    await tx.execute(sql`
      INSERT INTO units (id, building_id, community_id, room, label)
      SELECT h.unit_id, b.id, ${market.communityId}, ${tag} || '-' || h.g, '1-' || ${tag} || '-' || h.g
        FROM seed_households h, (SELECT id FROM buildings WHERE community_id = ${market.communityId} ORDER BY number LIMIT 1) b`);
    await tx.execute(sql`
      INSERT INTO users (id, phone, password_hash, role, display_name, unit_id)
      SELECT user_id, '18' || lpad((floor(random() * 1e9))::bigint::text, 9, '0') || h.g, 'x', 'resident', '住户' || h.g, unit_id
        FROM seed_households h`);
    await tx.execute(sql`
      CREATE TEMP TABLE seed_market ON COMMIT DROP AS
      SELECT m."merchantId"::uuid AS merchant_id, m."serviceId"::uuid AS service_id,
             m."slotId"::uuid AS slot_id, (m.n - 1)::int AS n
        FROM ROWS FROM (jsonb_to_recordset(${merchants}::jsonb)
               AS ("merchantId" text, "serviceId" text, "slotId" text))
             WITH ORDINALITY AS m("merchantId", "serviceId", "slotId", n)`);
    const count = market.merchants.length;
    const at = options.completedAt.toISOString();
    await tx.execute(sql`
      INSERT INTO orders (resident_id, unit_id, community_id, address_snapshot, merchant_id, service_id,
        slot_id, category, quantity, seats, unit_price_fen, total_fen, status, idempotency_key,
        payment_due_at, paid_at, accepted_at, started_at, completed_at, confirmed_at, created_at)
      SELECT h.user_id, h.unit_id, ${market.communityId}, '测试小区', m.merchant_id, m.service_id,
             m.slot_id, 'housekeeping', 1, 1, 100, 100, 'confirmed', ${tag} || '-' || h.g || '-' || k,
             t - interval '2 hours', t - interval '2 hours', t - interval '90 minutes', t - interval '1 hour', t, t, t - interval '2 hours'
        FROM seed_households h
        CROSS JOIN LATERAL (VALUES (0), (1)) AS ks(k)
        JOIN seed_market m ON m.n = (h.g + ks.k) % ${count}
        CROSS JOIN LATERAL (SELECT ${at}::timestamptz + make_interval(secs => h.g) AS t) tt
       WHERE ks.k = 0 OR (${options.secondEvery ?? 0} > 0 AND h.g % ${options.secondEvery ?? 1} = 0)`);
    const { rows } = await tx.execute<{ unit_id: string }>(
      sql`SELECT unit_id FROM seed_households ORDER BY g`,
    );
    return { ...market, unitIds: rows.map((r) => r.unit_id) };
  });
}
