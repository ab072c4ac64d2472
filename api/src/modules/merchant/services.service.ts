import {
  merchantCommunities,
  merchants,
  serviceCommunities,
  services,
  uploads,
  users,
  type Db,
  type Tx,
} from '@cgp/db';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { BadRequest, NotFound } from '../../errors';
import { getService } from '../catalog/catalog.service';
import type { MerchantActor } from '../identity/actor';
import type {
  createServiceInput,
  setServiceActiveInput,
  updateServiceInput,
} from './merchant.schema';

type ServiceFields = z.infer<typeof createServiceInput>;

/** Refuses communities the merchant does not serve: a service is offered only where it works. */
async function assertServedCommunities(tx: Tx, merchantId: string, communityIds: string[]) {
  const served = await tx
    .select({ id: merchantCommunities.communityId })
    .from(merchantCommunities)
    .where(
      and(
        eq(merchantCommunities.merchantId, merchantId),
        inArray(merchantCommunities.communityId, communityIds),
      ),
    );
  if (served.length !== communityIds.length) {
    const known = new Set(served.map((r) => r.id));
    throw new BadRequest(
      'community_not_served',
      'A service can only be offered in communities the merchant serves',
      { communityIds: communityIds.filter((id) => !known.has(id)) },
    );
  }
}

/**
 * A service's photo must be an upload by someone of the caller's merchant, not one attached to
 * an order (a resident's or a worker's photo of a job is never a shop window).
 */
async function assertMerchantPhoto(tx: Tx, merchantId: string, photoId: string | null | undefined) {
  if (!photoId) return;
  const [row] = await tx
    .select({ id: uploads.id })
    .from(uploads)
    .innerJoin(users, eq(users.id, uploads.ownerId))
    .where(and(eq(uploads.id, photoId), eq(users.merchantId, merchantId), isNull(uploads.orderId)));
  if (!row) {
    throw new BadRequest('photo_not_yours', 'That photo was not uploaded by your shop', {
      field: 'photoId',
    });
  }
}

async function replaceCommunities(tx: Tx, serviceId: string, communityIds: string[]) {
  await tx.delete(serviceCommunities).where(eq(serviceCommunities.serviceId, serviceId));
  await tx
    .insert(serviceCommunities)
    .values(communityIds.map((communityId) => ({ serviceId, communityId })));
}

/** A new service of the caller's merchant, in the merchant's category, active at once. */
export async function createMerchantService(db: Db, actor: MerchantActor, input: ServiceFields) {
  const { communityIds, ...fields } = input;
  const id = await db.transaction(async (tx) => {
    await assertServedCommunities(tx, actor.merchantId, communityIds);
    await assertMerchantPhoto(tx, actor.merchantId, fields.photoId);
    const [row] = await tx
      .insert(services)
      .values({
        ...fields,
        merchantId: actor.merchantId,
        category: sql`(SELECT ${merchants.category} FROM ${merchants} WHERE ${merchants.id} = ${actor.merchantId})`,
      })
      .returning({ id: services.id });
    await replaceCommunities(tx, row!.id, communityIds);
    return row!.id;
  });
  return getService(db, actor, id);
}

/** Replaces a service's terms; orders already placed keep the price and policy they were sold at. */
export async function updateMerchantService(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof updateServiceInput>,
) {
  const { id, communityIds, ...fields } = input;
  await db.transaction(async (tx) => {
    await assertMerchantPhoto(tx, actor.merchantId, fields.photoId);
    const [row] = await tx
      .update(services)
      .set({ ...fields, updatedAt: sql`now()` })
      .where(and(eq(services.id, id), eq(services.merchantId, actor.merchantId)))
      .returning({ id: services.id });
    if (!row) throw new NotFound('Service');
    await assertServedCommunities(tx, actor.merchantId, communityIds);
    await replaceCommunities(tx, id, communityIds);
  });
  return getService(db, actor, id);
}

/** Lists or withdraws a service; existing orders and slots are untouched. */
export async function setMerchantServiceActive(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof setServiceActiveInput>,
) {
  const [row] = await db
    .update(services)
    .set({ active: input.active, updatedAt: sql`now()` })
    .where(and(eq(services.id, input.id), eq(services.merchantId, actor.merchantId)))
    .returning({ id: services.id });
  if (!row) throw new NotFound('Service');
  return getService(db, actor, input.id);
}
