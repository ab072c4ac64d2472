import {
  communities,
  dishes,
  orderDisputes,
  orders,
  services,
  uploads,
  type DbOrTx,
} from '@cgp/db';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { BadRequest } from '../../errors';
import type { Actor } from '../identity/actor';
import type { PhotoStore } from './photo-store';
import { processPhoto } from './process-photo';

/** Processes a photo (`processPhoto`), stores it, and records who uploaded it. */
export async function savePhoto(
  db: DbOrTx,
  store: PhotoStore,
  actor: Pick<Actor, 'id'>,
  input: Buffer,
) {
  const photo = await processPhoto(input);
  const id = randomUUID();
  const month = new Date().toISOString().slice(0, 7).replace('-', '/');
  const storageKey = `${month}/${id}.${photo.extension}`;
  await store.put(storageKey, photo.body, photo.mime);
  await db.insert(uploads).values({
    id,
    ownerId: actor.id,
    storageKey,
    mime: photo.mime,
    bytes: photo.body.length,
    width: photo.width,
    height: photo.height,
  });
  return { id, url: photoUrl(id), mime: photo.mime, width: photo.width, height: photo.height };
}

export const photoUrl = (id: string) => `/uploads/${id}`;

/**
 * The upload if `actor` may see it: anyone, for a dish on a menu or a service's photo; its uploader; once it belongs to an order, that order's
 * resident (and the household it was booked for by a family member) and its merchant's staff; property staff of the order's company when the order is or
 * was in dispute. Anyone else gets nothing, as if it did not exist.
 */
export async function visiblePhoto(db: DbOrTx, actor: Actor, id: string) {
  const [row] = await db
    .select({ storageKey: uploads.storageKey, mime: uploads.mime })
    .from(uploads)
    .leftJoin(orders, eq(orders.id, uploads.orderId))
    .where(
      and(
        eq(uploads.id, id),
        sql`(${uploads.ownerId} = ${actor.id}
          OR EXISTS (SELECT 1 FROM ${dishes} WHERE ${dishes.photoId} = ${uploads.id}
                       AND ${dishes.removedAt} IS NULL)
          OR EXISTS (SELECT 1 FROM ${services} WHERE ${services.photoId} = ${uploads.id})
          OR ${orders.residentId} = ${actor.id}
          OR (${orders.familyMemberId} IS NOT NULL AND ${actor.unitId}::uuid IS NOT NULL
              AND ${orders.unitId} = ${actor.unitId}::uuid)
          OR (${actor.merchantId}::uuid IS NOT NULL AND ${orders.merchantId} = ${actor.merchantId}::uuid)
          OR (${actor.companyId}::uuid IS NOT NULL
              AND EXISTS (SELECT 1 FROM ${orderDisputes} d WHERE d.order_id = ${orders.id})
              AND ${orders.communityId} IN (SELECT c.id FROM ${communities} c
                                             WHERE c.company_id = ${actor.companyId}::uuid)))`,
      ),
    );
  return row ?? null;
}

/**
 * Attaches the uploader's own, not yet attached photos to an order, inside the caller's
 * transaction. Any id that is not such a photo refuses the whole change.
 */
export async function attachPhotos(tx: DbOrTx, ownerId: string, orderId: string, ids: string[]) {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const attached = await tx
    .update(uploads)
    .set({ orderId })
    .where(and(inArray(uploads.id, unique), eq(uploads.ownerId, ownerId), isNull(uploads.orderId)))
    .returning({ id: uploads.id });
  if (attached.length !== unique.length) {
    throw new BadRequest(
      'photo_not_yours',
      'Some photos were not uploaded by you or are already used',
    );
  }
  return attached.map((a) => a.id);
}

/** The photos attached to an order, oldest first, as URLs the apps can show. */
export async function orderPhotos(db: DbOrTx, orderId: string) {
  const rows = await db
    .select({
      id: uploads.id,
      width: uploads.width,
      height: uploads.height,
      ownerId: uploads.ownerId,
    })
    .from(uploads)
    .where(eq(uploads.orderId, orderId))
    .orderBy(uploads.createdAt, uploads.id);
  return rows.map((r) => ({ ...r, url: photoUrl(r.id) }));
}
