import {
  orderReviews,
  orders,
  qualityTickets,
  slaBreaches,
  users,
  type Db,
  type Tx,
} from '@cgp/db';
import { inArray, sql } from 'drizzle-orm';
import { recordEarning } from '../modules/ledger/order-money';
import { runCallbacksForCompany } from '../modules/quality/callback-runs';
import {
  confirmedBefore,
  payHistory,
  settleDemoHistory,
  type DemoProcessor,
} from './demo-settlement';

/** The demo's history is drawn from this seed: every start shows the same shape of past. */
const HISTORY_SEED = 20_260_101;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** mulberry32: a small, fast, deterministic PRNG (0 ≤ x < 1). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Arrive within this long of the order, by ring (SPEC §12). */
const ARRIVE_MINUTES = { core: 5, service: 30, guarantee: 60 } as const;

const COMMENTS = [
  '阿姨很细心，打扫得很干净',
  '准时到达，服务周到',
  '饭菜可口，送得及时',
  '护工很有耐心',
  '整体满意',
  '还可以，下次希望更快一点',
];
const LOW_COMMENTS = ['来晚了，也没提前说', '有些地方没有打扫到'];
const COMPLAINTS = [
  '上门迟到，没有提前告知',
  '清洁不彻底，厨房仍有油污',
  '送餐洒漏',
  '护工中途离开',
];

/**
 * SPEC §10's 60 days of service history for the quality dashboard: confirmed orders across the
 * three merchants (paid and earned through the ledger like any order), residents' ratings with
 * some 系统默认好评, on-demand orders with their arrivals (some late, each late one a recorded
 * breach), last months' callback runs with outcomes, and complaints as quality tickets with their
 * handling times, falling month on month. Drawn from a fixed seed, so every demo looks the same.
 */
export async function seedDemoHistory(
  db: Db,
  ids: { companyId: string; communityId: string; opsId: string; passwordHash: string },
  options: { timeZone: string; days?: number; now?: Date; processor?: DemoProcessor },
) {
  const days = options.days ?? 60;
  const now = options.now ?? new Date();
  const random = prng(HISTORY_SEED);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  // Payment methods are drawn apart, so the history is the same with or without a processor.
  const methodRandom = prng(HISTORY_SEED + 1);
  const monthStart = await startOfMonth(db, options.timeZone);
  let lateEarners: (typeof orders.$inferSelect)[] = [];

  await db.transaction(async (tx) => {
    const households = await historyResidents(tx, ids);
    const { rows: slotRows } = await tx.execute<{
      id: string;
      service_id: string;
      merchant_id: string;
      category: 'housekeeping' | 'meal_delivery' | 'temporary_care';
      on_demand: boolean;
      price_fen: number;
      min_quantity: number;
      duration_minutes: number;
      starts_at: string;
    }>(sql`
      INSERT INTO slots (service_id, starts_at, ends_at, capacity)
      SELECT s.id, ((d.day::date + w.start) AT TIME ZONE ${options.timeZone}),
             ((d.day::date + w.start) AT TIME ZONE ${options.timeZone}) + make_interval(mins => s.duration_minutes),
             40
        FROM services s
        JOIN merchants m ON m.id = s.merchant_id AND m.company_id = ${ids.companyId}
        CROSS JOIN LATERAL (SELECT CASE m.category WHEN 'meal_delivery' THEN time '11:30'
                                                    WHEN 'temporary_care' THEN time '08:00'
                                                    ELSE time '09:00' END AS start) w
        CROSS JOIN generate_series((now() AT TIME ZONE ${options.timeZone})::date - ${days}::int,
                                   (now() AT TIME ZONE ${options.timeZone})::date - 1,
                                   interval '1 day') AS d(day)
      RETURNING id`);
    const { rows: slots } = await tx.execute<(typeof slotRows)[number]>(sql`
      SELECT sl.id, sl.service_id, s.merchant_id, s.category, s.on_demand, s.price_fen,
             s.min_quantity, s.duration_minutes, sl.starts_at
        FROM slots sl JOIN services s ON s.id = sl.service_id
       WHERE sl.id IN (${sql.join(
         slotRows.map((r) => sql`${r.id}::uuid`),
         sql`, `,
       )})
       ORDER BY s.created_at, sl.starts_at`);

    type Draft = typeof orders.$inferInsert;
    const drafts: Draft[] = [];
    const late: { index: number; dueAt: Date; arrivedAt: Date }[] = [];
    let n = 0;
    for (const slot of slots) {
      const count = Math.floor(random() * (slot.category === 'meal_delivery' ? 4 : 3));
      for (let i = 0; i < count; i++) {
        const household = pick(households);
        const start = new Date(slot.starts_at);
        const onDemand = slot.on_demand && random() < 0.4;
        const ring = household.ring;
        let paidAt = new Date(start.getTime() - (2 + random() * 22) * HOUR);
        let arriveDueAt: Date | null = null;
        let arrivedAt: Date | null = null;
        if (onDemand) {
          paidAt = new Date(start.getTime() - ARRIVE_MINUTES[ring] * MINUTE);
          arriveDueAt = start;
          const isLate = random() < 0.15;
          arrivedAt = isLate
            ? new Date(start.getTime() + (3 + random() * 22) * MINUTE)
            : new Date(start.getTime() - random() * ARRIVE_MINUTES[ring] * 0.7 * MINUTE);
          if (isLate) late.push({ index: drafts.length, dueAt: start, arrivedAt });
        }
        // Most merchants accept within minutes; a few take much longer.
        const acceptSeconds = onDemand
          ? 10 + random() * 150
          : random() < 0.85
            ? 20 + random() * 600
            : 900 + random() * 2400;
        const acceptedAt = new Date(paidAt.getTime() + acceptSeconds * 1000);
        const startedAt = arrivedAt ?? start;
        const completedAt = new Date(startedAt.getTime() + slot.duration_minutes * MINUTE);
        const confirmAt = new Date(completedAt.getTime() + (1 + random() * 30) * HOUR);
        const confirmed = confirmAt < now;
        const quantity = slot.min_quantity;
        drafts.push({
          residentId: household.userId,
          unitId: household.unitId,
          communityId: ids.communityId,
          addressSnapshot: `阳光花园 ${household.label}`,
          merchantId: slot.merchant_id,
          serviceId: slot.service_id,
          slotId: slot.id,
          category: slot.category,
          quantity,
          seats: slot.category === 'meal_delivery' ? quantity : 1,
          unitPriceFen: Number(slot.price_fen),
          totalFen: Number(slot.price_fen) * quantity,
          status: confirmed ? 'confirmed' : 'completed',
          mode: onDemand ? 'on_demand' : 'slot',
          ring: onDemand ? ring : null,
          arriveDueAt,
          arrivedAt,
          idempotencyKey: `demo-history-${++n}`,
          paymentDueAt: new Date(paidAt.getTime() + 15 * MINUTE),
          createdAt: new Date(paidAt.getTime() - 2 * MINUTE),
          updatedAt: confirmed ? confirmAt : completedAt,
          paidAt,
          acceptedAt,
          startedAt,
          completedAt,
          confirmedAt: confirmed ? confirmAt : null,
          autoConfirmAt: confirmed ? null : new Date(completedAt.getTime() + 48 * HOUR),
          defaultRatingAt: confirmed ? new Date(confirmAt.getTime() + 7 * 24 * HOUR) : null,
        });
      }
    }
    const made = await tx.insert(orders).values(drafts).returning();
    await tx.execute(sql`
      UPDATE slots sl SET booked = o.seats
        FROM (SELECT slot_id, sum(seats)::int AS seats FROM orders
               WHERE slot_id IN (${sql.join(
                 slots.map((s) => sql`${s.id}::uuid`),
                 sql`, `,
               )}) GROUP BY slot_id) o
       WHERE sl.id = o.slot_id`);

    // Money as for any order: paid into escrow on the day it was paid, earned on the day it was
    // confirmed. What was confirmed this month is earned after last month's settlement ran.
    const paid = await payHistory(tx, made, options.processor, methodRandom);
    const earnedEarly = options.processor?.payments.sandbox
      ? confirmedBefore(paid, monthStart)
      : paid.filter((o) => o.status === 'confirmed');
    for (const order of earnedEarly) await recordEarning(tx, order, order.confirmedAt!);
    const early = new Set(earnedEarly.map((o) => o.id));
    lateEarners = paid.filter((o) => o.status === 'confirmed' && !early.has(o.id));

    if (late.length) {
      await tx.insert(slaBreaches).values(
        late.map((l) => {
          const order = made[l.index]!;
          return {
            orderId: order.id,
            communityId: order.communityId,
            merchantId: order.merchantId,
            step: 'arrive' as const,
            ring: order.ring!,
            dueAt: l.dueAt,
            breachedAt: l.dueAt,
            escalatedAt: l.dueAt,
            acknowledgedAt: new Date(l.dueAt.getTime() + 20 * MINUTE),
            acknowledgedBy: ids.opsId,
            lateSeconds: Math.round((l.arrivedAt.getTime() - l.dueAt.getTime()) / 1000),
          };
        }),
      );
    }

    // Ratings: most residents rate; a week after confirmation the rest get the default rating.
    const reviews: (typeof orderReviews.$inferInsert)[] = [];
    for (const order of made) {
      if (order.status !== 'confirmed') continue;
      const confirmedAt = order.confirmedAt!.getTime();
      const defaultDue = confirmedAt + 7 * 24 * HOUR;
      const r = random();
      if (r < 0.85) {
        const roll = random();
        const rating = roll < 0.7 ? 5 : roll < 0.92 ? 4 : roll < 0.97 ? 3 : roll < 0.99 ? 2 : 1;
        reviews.push({
          orderId: order.id,
          merchantId: order.merchantId,
          residentId: order.residentId,
          rating,
          comment: rating >= 4 ? (random() < 0.5 ? pick(COMMENTS) : '') : pick(LOW_COMMENTS),
          createdAt: new Date(confirmedAt + (0.2 + random() * 40) * HOUR),
        });
      } else if (defaultDue < now.getTime()) {
        reviews.push({
          orderId: order.id,
          merchantId: order.merchantId,
          residentId: order.residentId,
          rating: 5,
          automatic: true,
          createdAt: new Date(defaultDue),
        });
      }
    }
    await tx.insert(orderReviews).values(reviews);
    await rateMerchants(tx, ids.companyId);

    // Complaints to the property office's hotline, fewer and handled faster as the weeks go by
    // (the seed's benchmark: 12 → 3 a month, 2.5 h → 1.2 h).
    const tickets: (typeof qualityTickets.$inferInsert)[] = [];
    for (const order of made) {
      if (order.status !== 'confirmed') continue;
      const age = (now.getTime() - order.completedAt!.getTime()) / (days * 24 * HOUR);
      if (random() >= 0.01 + 0.07 * age) continue;
      const openedAt = new Date(order.completedAt!.getTime() + (2 + random() * 28) * HOUR);
      const resolvedAt = new Date(
        openedAt.getTime() + (1 + 1.6 * age) * (0.7 + random() * 0.6) * HOUR,
      );
      tickets.push({
        companyId: ids.companyId,
        communityId: order.communityId,
        orderId: order.id,
        merchantId: order.merchantId,
        complaint: pick(COMPLAINTS),
        ownerId: ids.opsId,
        openedAt,
        dueAt: new Date(openedAt.getTime() + 24 * HOUR),
        ...(resolvedAt < now
          ? { resolvedAt, resolvedBy: ids.opsId, resolution: '已联系商户整改，住户表示认可' }
          : {}),
      });
    }
    if (tickets.length) await tx.insert(qualityTickets).values(tickets);
    await tx
      .update(orders)
      .set({ defaultRatingAt: null })
      .where(
        inArray(
          orders.id,
          reviews.map((r) => r.orderId),
        ),
      );
  });

  // The callback runs of the months before this one, as the scheduler would have made them.
  const months = await historyMonths(db, options.timeZone, days);
  for (const [i, month] of months.entries()) {
    const run = await runCallbacksForCompany(db, {
      companyId: ids.companyId,
      month,
      timeZone: options.timeZone,
      seed: HISTORY_SEED + i,
    });
    await recordCallbackOutcomes(db, run.runId, ids.opsId, i, random, now);
  }

  if (options.processor?.payments.sandbox) {
    await settleDemoHistory(db, options.processor, ids.companyId);
    await db.transaction(async (tx) => {
      for (const order of lateEarners) await recordEarning(tx, order, order.confirmedAt!);
    });
  }
}

/**
 * Each merchant's score as the review procedure keeps it (the sum and count of residents' own
 * ratings; default ratings are left out), so the catalog's cards show the history's ratings.
 */
async function rateMerchants(tx: Tx, companyId: string) {
  await tx.execute(sql`
    UPDATE merchants m SET rating_sum = m.rating_sum + r.total, rating_count = m.rating_count + r.n
      FROM (SELECT merchant_id, sum(rating)::bigint AS total, count(*)::int AS n
              FROM order_reviews WHERE NOT automatic GROUP BY merchant_id) r
     WHERE m.id = r.merchant_id AND m.company_id = ${companyId}`);
}

/** The instant this month began in the business time zone. */
async function startOfMonth(db: Db, timeZone: string): Promise<Date> {
  const { rows } = await db.execute<{ at: string }>(sql`
    SELECT (date_trunc('month', now() AT TIME ZONE ${timeZone}) AT TIME ZONE ${timeZone}) AS at`);
  return new Date(rows[0]!.at);
}

/** The first days of the months before this one that the history reaches, oldest first. */
async function historyMonths(db: Db, timeZone: string, days: number): Promise<string[]> {
  const { rows } = await db.execute<{ month: string }>(sql`
    SELECT to_char(m, 'YYYY-MM-DD') AS month
      FROM generate_series(date_trunc('month', (now() AT TIME ZONE ${timeZone})::date - ${days}::int),
                           date_trunc('month', (now() AT TIME ZONE ${timeZone})::date) - interval '1 month',
                           interval '1 month') AS m`);
  return rows.map((r) => r.month);
}

/** Residents of every household besides the two demo accounts, who placed the history's orders. */
async function historyResidents(tx: Tx, ids: { communityId: string; passwordHash: string }) {
  const { rows } = await tx.execute<{
    id: string;
    label: string;
    ring: 'core' | 'service' | 'guarantee';
  }>(sql`
    SELECT u.id, u.label, b.ring FROM units u JOIN buildings b ON b.id = u.building_id
     WHERE u.community_id = ${ids.communityId} AND u.label NOT IN ('1-101', '2-202')
     ORDER BY b.number, u.room`);
  const residents = await tx
    .insert(users)
    .values(
      rows.map((u, i) => ({
        phone: `1870000${String(i + 1).padStart(4, '0')}`,
        passwordHash: ids.passwordHash,
        role: 'resident' as const,
        displayName: `${u.label} 住户`,
        unitId: u.id,
      })),
    )
    .returning({ id: users.id, unitId: users.unitId });
  return rows.map((u) => ({
    unitId: u.id,
    label: u.label,
    ring: u.ring,
    userId: residents.find((r) => r.unitId === u.id)!.id,
  }));
}

/**
 * Ops called most of a run's households: reached or not, satisfaction, and now and then a
 * complaint that became a quality ticket, handled faster in later months (the reform at work).
 */
async function recordCallbackOutcomes(
  db: Db,
  runId: string,
  opsId: string,
  monthIndex: number,
  random: () => number,
  now: Date,
) {
  await db.transaction(async (tx) => {
    const { rows: tasks } = await tx.execute<{
      id: string;
      company_id: string;
      community_id: string;
      order_id: string;
      merchant_id: string;
      due_at: string;
    }>(sql`
      SELECT ct.id, ct.company_id, ct.community_id, ct.order_id, ct.merchant_id, r.due_at
        FROM callback_tasks ct JOIN callback_runs r ON r.id = ct.run_id
        JOIN units u ON u.id = ct.unit_id
       WHERE ct.run_id = ${runId} ORDER BY u.label`);
    const handlingHours = monthIndex === 0 ? 2.4 : 1.3;
    for (const [i, task] of tasks.entries()) {
      if (random() < 0.1) continue; // still to call
      const recordedAt = new Date(new Date(task.due_at).getTime() + (1 + i * 2) * HOUR);
      if (recordedAt > now) continue; // not called yet
      const reached = random() < 0.85;
      const complaint = reached && i % 3 === 1 ? COMPLAINTS[i % COMPLAINTS.length]! : '';
      const satisfaction = reached ? (complaint ? 2 : 4 + Math.round(random())) : null;
      await tx.execute(sql`
        UPDATE callback_tasks SET status = 'done', reached = ${reached}, satisfaction = ${satisfaction},
               comment = ${reached ? '住户反馈已记录' : '无人接听'}, complaint = ${complaint},
               recorded_by = ${opsId}, recorded_at = ${recordedAt.toISOString()}::timestamptz
         WHERE id = ${task.id}`);
      if (!complaint) continue;
      const resolvedAt = new Date(
        recordedAt.getTime() + handlingHours * (0.6 + random() * 0.8) * HOUR,
      );
      await tx.insert(qualityTickets).values({
        companyId: task.company_id,
        communityId: task.community_id,
        orderId: task.order_id,
        merchantId: task.merchant_id,
        callbackTaskId: task.id,
        complaint,
        ownerId: opsId,
        openedAt: recordedAt,
        dueAt: new Date(recordedAt.getTime() + 24 * HOUR),
        ...(resolvedAt < now
          ? { resolvedAt, resolvedBy: opsId, resolution: '已联系商户整改并回访住户' }
          : {}),
      });
    }
  });
}
