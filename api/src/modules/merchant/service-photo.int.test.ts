import { services } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { platformRoutes } from '../../http-routes';
import { callerFor, createTestDeps, tokenFor, type TestDeps } from '../../testing';

let deps: TestDeps;
let server: Server;
let base: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cgp-service-photo-'));
  deps = await createTestDeps({ UPLOAD_DIR: dir });
  const app = createApp(deps, { mount: platformRoutes(deps).mount });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  server.closeAllConnections();
  await deps.teardown();
  await rm(dir, { recursive: true, force: true });
});

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );

/** `POST /uploads` as that user, as the portal and the resident app do; the new photo's id. */
async function upload(userId: string): Promise<string> {
  const png = await sharp({
    create: { width: 320, height: 180, channels: 3, background: { r: 30, g: 160, b: 90 } },
  })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('photo', new Blob([png]), 'service.png');
  const res = await fetch(`${base}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(deps, userId)}` },
    body: form,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function fetchPhoto(userId: string, url: string) {
  const res = await fetch(`${base}${url}`, {
    headers: { authorization: `Bearer ${await tokenFor(deps, userId)}` },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bytes: await res.arrayBuffer(),
  };
}

const photoOf = async (serviceId: string) =>
  (
    await deps.db
      .select({ photoId: services.photoId })
      .from(services)
      .where(eq(services.id, serviceId))
  )[0]!.photoId;

describe('a service photo', () => {
  it('is set by the owner from their own upload, shown in the catalog and served to residents', async () => {
    const f = deps.factories;
    const market = await f.createMarketplace();
    const other = await f.createMerchant({
      companyId: market.community.companyId,
      communityIds: [market.community.id],
      name: '别家商户',
    });
    const otherOwner = await f.createMerchantStaff(other.id, 'owner');
    const staff = await f.createMerchantStaff(market.merchant.id, 'staff');
    const owner = await callerFor(deps, market.owner.id);
    const current = await owner.merchant.services.get({ id: market.service.id });
    const { id, communityIds, titleZh, titleEn, descriptionZh, descriptionEn, priceFen } = current;
    const terms = {
      id,
      communityIds: [...communityIds],
      titleZh,
      titleEn,
      descriptionZh,
      descriptionEn,
      priceFen,
      pricingUnit: current.pricingUnit,
      minQuantity: current.minQuantity,
      maxQuantity: current.maxQuantity,
      durationMinutes: current.durationMinutes,
      freeCancelMinutes: current.freeCancelMinutes,
      lateCancelFeeBps: current.lateCancelFeeBps,
      bookingCutoffMinutes: current.bookingCutoffMinutes,
    };
    expect(current.photoUrl).toBeNull();

    // Another merchant's upload and a resident's upload are refused, and nothing is written.
    const foreign = await upload(otherOwner.id);
    const residents = await upload(market.resident.id);
    for (const photoId of [foreign, residents]) {
      expect(await codeOf(owner.merchant.services.update({ ...terms, photoId }))).toBe(
        'BAD_REQUEST',
      );
      expect(await photoOf(id)).toBeNull();
    }
    // Nor may a member of staff set the shop's photo, even one of the shop's own uploads.
    const staffUpload = await upload(staff.id);
    const staffCaller = await callerFor(deps, staff.id);
    expect(
      await codeOf(staffCaller.merchant.services.update({ ...terms, photoId: staffUpload })),
    ).toBe('FORBIDDEN');
    expect(await photoOf(id)).toBeNull();
    // The other merchant's owner cannot put a photo on this shop's service.
    const otherCaller = await callerFor(deps, otherOwner.id);
    expect(await codeOf(otherCaller.merchant.services.update({ ...terms, photoId: foreign }))).toBe(
      'NOT_FOUND',
    );
    expect(await photoOf(id)).toBeNull();

    // The owner sets the shop's photo: the catalog names it, and the resident can fetch it.
    const mine = await upload(market.owner.id);
    const updated = await owner.merchant.services.update({ ...terms, photoId: mine });
    expect(updated.photoUrl).toBe(`/uploads/${mine}`);
    expect(await photoOf(id)).toBe(mine);
    const resident = await callerFor(deps, market.resident.id);
    expect((await resident.catalog.service({ id })).photoUrl).toBe(`/uploads/${mine}`);
    const listed = await resident.catalog.services({ communityId: market.community.id });
    expect(listed.items.find((s) => s.id === id)?.photoUrl).toBe(`/uploads/${mine}`);
    const served = await fetchPhoto(market.resident.id, `/uploads/${mine}`);
    expect(served.status).toBe(200);
    expect(served.type).toBe('image/png');
    expect((await sharp(Buffer.from(served.bytes)).metadata()).width).toBe(320);

    // An edit that leaves the photo out keeps it; the shop's staff upload may replace it.
    await owner.merchant.services.update({ ...terms, priceFen: priceFen + 100 });
    expect(await photoOf(id)).toBe(mine);
    await owner.merchant.services.update({ ...terms, photoId: staffUpload });
    expect(await photoOf(id)).toBe(staffUpload);

    // Removing it leaves the card with its placeholder, and the catalog with no URL.
    const removed = await owner.merchant.services.update({ ...terms, photoId: null });
    expect(removed.photoUrl).toBeNull();
    expect((await resident.catalog.service({ id })).photoUrl).toBeNull();
    // A photo no longer on any service is the uploader's again, not the residents'.
    expect((await fetchPhoto(market.resident.id, `/uploads/${mine}`)).status).toBe(404);
  });
});
