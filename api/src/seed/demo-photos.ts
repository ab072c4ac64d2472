import { merchants, services, users, type DbOrTx } from '@cgp/db';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import type { PhotoStore } from '../modules/uploads/photo-store';
import { savePhoto } from '../modules/uploads/uploads.service';

/** Each category's two colours (the resident app's category tints) for its demo photos. */
const PALETTE: Record<string, [string, string]> = {
  housekeeping: ['#e8f7ef', '#1f9d55'],
  meal_delivery: ['#fff3e6', '#f57c00'],
  temporary_care: ['#eaf2ff', '#1e6fd9'],
};

/**
 * A simple picture drawn at seed time (nothing is downloaded): the category's colours, a sun and
 * rolling shapes placed by the service's position so that no two look alike.
 */
function demoPicture(category: string, index: number): Promise<Buffer> {
  const [light, dark] = PALETTE[category] ?? ['#f2f3f5', '#646566'];
  const sunX = 120 + ((index * 97) % 400);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="${light}"/><stop offset="1" stop-color="#ffffff"/>
  </linearGradient></defs>
  <rect width="640" height="360" fill="url(#g)"/>
  <circle cx="${sunX}" cy="110" r="54" fill="${dark}" fill-opacity="0.35"/>
  <path d="M0 290 Q160 ${200 + (index % 3) * 20} 320 270 T640 250 V360 H0 Z" fill="${dark}" fill-opacity="0.55"/>
  <path d="M0 330 Q200 280 400 320 T640 300 V360 H0 Z" fill="${dark}" fill-opacity="0.85"/>
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

/**
 * Gives each of the demo company's services a photo, uploaded as its merchant's owner would from
 * the portal: stored through the same pipeline as `POST /uploads`, then set on the service.
 */
export async function seedDemoPhotos(db: DbOrTx, store: PhotoStore, companyId: string) {
  const rows = await db
    .select({ id: services.id, category: services.category, ownerId: users.id })
    .from(services)
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .innerJoin(users, and(eq(users.merchantId, merchants.id), eq(users.merchantRole, 'owner')))
    .where(eq(merchants.companyId, companyId))
    .orderBy(services.createdAt);
  await Promise.all(
    rows.map(async (row, i) => {
      const photo = await savePhoto(
        db,
        store,
        { id: row.ownerId },
        await demoPicture(row.category, i),
      );
      await db.update(services).set({ photoId: photo.id }).where(eq(services.id, row.id));
    }),
  );
}
