import { orders } from '@cgp/db';
import { and, eq, isNotNull, ne, or, type SQL } from 'drizzle-orm';
import type { ResidentActor } from './actor';

/**
 * The orders a resident may see, decided here and nowhere else: those they booked, and those a
 * family member booked for someone living in their unit (家人代订, served at that unit). Only the
 * booker may act on an order (pay, cancel, confirm, rate); the household follows it.
 */
export function ordersSeenBy(actor: ResidentActor): SQL {
  return or(eq(orders.residentId, actor.id), householdOrderOf(actor))!;
}

/** SQL true for an order a family member booked for the resident's household. */
export function householdOrderOf(actor: ResidentActor): SQL {
  return and(
    isNotNull(orders.familyMemberId),
    eq(orders.unitId, actor.unitId),
    ne(orders.residentId, actor.id),
  )!;
}
