import { communities, merchants, orders, services, slaBreaches, type Db } from '@cgp/db';
import { and, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { labelOf } from '../../labels';
import type { PropertyActor } from '../identity/actor';

/** How late, in words a person says: 40 秒, 12 分钟, 1 小时 5 分钟. */
export function lateInWords(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, seconds)} 秒`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} 分钟`;
  const rest = minutes % 60;
  return rest ? `${Math.floor(minutes / 60)} 小时 ${rest} 分钟` : `${minutes / 60} 小时`;
}

/**
 * The breach as the property office reads it (SPEC §12: escalated with which step and how late):
 * 订单 2611300001（爱帮看护 · 老人陪护，核心圈）上门超时 12 分钟.
 */
export function breachAlertText(b: {
  orderNo: string;
  merchantName: string;
  serviceTitle: string;
  step: string;
  ring: string;
  lateSeconds: number;
}): string {
  return `订单 ${b.orderNo}（${b.merchantName} · ${b.serviceTitle}，${labelOf('serviceRing', b.ring)}）${labelOf('slaStep', b.step)}超时 ${lateInWords(b.lateSeconds)}`;
}

/** Breaches in the communities of the actor's own company. */
const ofCompany = (actor: PropertyActor) =>
  inArray(
    slaBreaches.communityId,
    sql`(SELECT ${communities.id} FROM ${communities} WHERE ${communities.companyId} = ${actor.companyId})`,
  );

async function countUnread(db: Db, actor: PropertyActor) {
  const [row] = await db
    .select({ n: count() })
    .from(slaBreaches)
    .where(and(ofCompany(actor), isNull(slaBreaches.acknowledgedAt)));
  return row?.n ?? 0;
}

/**
 * Property ops' breach alerts (超时提醒), newest first, with how many are still unread. Each says
 * in Chinese which order, which step and how late; the order id is for opening its drill-down.
 */
export async function listBreachAlerts(db: Db, actor: PropertyActor, limit = 50) {
  const rows = await db
    .select({
      id: slaBreaches.id,
      orderId: slaBreaches.orderId,
      orderNo: orders.orderNo,
      merchantName: merchants.name,
      serviceTitle: services.titleZh,
      step: slaBreaches.step,
      ring: slaBreaches.ring,
      lateSeconds: slaBreaches.lateSeconds,
      breachedAt: slaBreaches.breachedAt,
      acknowledgedAt: slaBreaches.acknowledgedAt,
    })
    .from(slaBreaches)
    .innerJoin(orders, eq(orders.id, slaBreaches.orderId))
    .innerJoin(services, eq(services.id, orders.serviceId))
    .innerJoin(merchants, eq(merchants.id, slaBreaches.merchantId))
    .where(ofCompany(actor))
    .orderBy(desc(slaBreaches.breachedAt), desc(slaBreaches.id))
    .limit(limit);
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      orderId: r.orderId,
      orderNo: r.orderNo,
      step: r.step,
      ring: r.ring,
      lateSeconds: r.lateSeconds,
      breachedAt: r.breachedAt.toISOString(),
      read: r.acknowledgedAt !== null,
      text: breachAlertText(r),
    })),
    unread: await countUnread(db, actor),
  };
}

/**
 * Marks breach alerts seen by this ops user. Ids outside the company are ignored, as are ones
 * already seen (the first reader is kept).
 */
export async function acknowledgeBreachAlerts(db: Db, actor: PropertyActor, ids: string[]) {
  await db
    .update(slaBreaches)
    .set({ acknowledgedAt: sql`now()`, acknowledgedBy: actor.id })
    .where(
      and(
        ofCompany(actor),
        isNull(slaBreaches.acknowledgedAt),
        inArray(slaBreaches.id, ids.map(Number)),
      ),
    );
  return { unread: await countUnread(db, actor) };
}
