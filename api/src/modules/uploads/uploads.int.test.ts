import { orderDisputes, uploads } from '@cgp/db';
import { eq } from 'drizzle-orm';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeflate } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { platformRoutes } from '../../http-routes';
import { bookSlot, createTestDeps, payOrder, tokenFor, type TestDeps } from '../../testing';
import { attachPhotos } from './uploads.service';

let deps: TestDeps;
let server: Server;
let base: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cgp-uploads-'));
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

const cookie = (token: string) => ({ cookie: `cgp_session=${token}`, origin: base });

async function upload(
  token: string,
  bytes: Buffer,
  name: string,
  headers?: Record<string, string>,
) {
  const form = new FormData();
  form.append('photo', new Blob([bytes]), name);
  const res = await fetch(`${base}/uploads`, {
    method: 'POST',
    headers: headers ?? { authorization: `Bearer ${token}` },
    body: form,
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { message: string } },
  };
}

const photo = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } });

/** A valid PNG whose pixels, all zero, compress to almost nothing: 12,000 × 12,000 = 144 million. */
async function decompressionBomb(): Promise<Buffer> {
  const side = 12_000;
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const row = Buffer.alloc(side + 1);
  for (let y = 0; y < side; y++) deflate.write(row);
  deflate.end();
  await done;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.concat(parts)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

describe('POST /uploads', () => {
  it('stores a PNG named .jpg as the PNG it is, and resizes and strips a large JPEG', async () => {
    const { resident } = await deps.factories.createMarketplace();
    const token = await tokenFor(deps, resident.id);
    const png = await photo(120, 80).png().toBuffer();
    const stored = await upload(token, png, 'holiday.jpg');
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ mime: 'image/png', width: 120, height: 80 });

    const withGps = await photo(4000, 3000)
      .jpeg()
      .withExif({ IFD0: { Make: 'PhoneCo', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N' } })
      .toBuffer();
    expect((await sharp(withGps).metadata()).exif).toBeDefined();
    const big = await upload(token, withGps, 'IMG_0001.JPG');
    expect(big.status).toBe(201);
    expect(big.body).toMatchObject({ mime: 'image/jpeg', width: 1600, height: 1200 });
    const served = await fetch(`${base}${String(big.body.url)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect(meta.exif).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([1600, 1200]);
  });

  it('refuses HTML named .png, a 50 MB file and a decompression bomb with a clear message', async () => {
    const { resident } = await deps.factories.createMarketplace();
    const token = await tokenFor(deps, resident.id);
    const before = await deps.db.select().from(uploads).where(eq(uploads.ownerId, resident.id));

    const html = await upload(
      token,
      Buffer.from('<html><script>alert(1)</script></html>'),
      'cat.png',
    );
    expect(html.status).toBe(415);
    expect(html.body.error?.message).toBe('Only JPEG, PNG or WebP photos can be uploaded');

    const huge = await upload(token, Buffer.alloc(50 * 1024 * 1024, 1), 'huge.jpg');
    expect(huge.status).toBe(413);
    expect(huge.body.error?.message).toBe('A photo may be at most 10 MB');

    const bomb = await decompressionBomb();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const refused = await upload(token, bomb, 'bomb.png');
    expect(refused.status).toBe(422);
    expect(refused.body.error?.message).toMatch(/too many pixels/);

    const empty = await upload(token, Buffer.alloc(0), 'nothing.png');
    expect(empty.status).toBe(400);
    const after = await deps.db.select().from(uploads).where(eq(uploads.ownerId, resident.id));
    expect(after).toHaveLength(before.length);
  });

  it('takes a cookie upload only from our own origin, and only from signed-in users', async () => {
    const { resident } = await deps.factories.createMarketplace();
    const token = await tokenFor(deps, resident.id);
    const png = await photo(10, 10).png().toBuffer();
    expect((await upload(token, png, 'a.png', cookie(token))).status).toBe(201);
    expect(
      (
        await upload(token, png, 'a.png', {
          cookie: `cgp_session=${token}`,
          origin: 'https://evil.example',
        })
      ).status,
    ).toBe(403);
    expect((await upload(token, png, 'a.png', { cookie: `cgp_session=${token}` })).status).toBe(
      403,
    );
    expect((await upload(token, png, 'a.png', { origin: base })).status).toBe(401);
  });
});

describe('GET /uploads/:id', () => {
  it('shows an order photo to its resident and merchant, to nobody else, and to ops in a dispute', async () => {
    const f = deps.factories;
    const market = await f.createMarketplace();
    const slot = await f.createSlot({ serviceId: market.service.id });
    const order = await bookSlot(deps, market.resident.id, slot.id);
    await payOrder(deps, order.id);
    const worker = await f.createMerchantStaff(market.merchant.id, 'staff');
    const workerToken = await tokenFor(deps, worker.id);
    const shot = await upload(workerToken, await photo(300, 200).jpeg().toBuffer(), 'done.jpg');
    const id = String(shot.body.id);
    await attachPhotos(deps.db, worker.id, order.id, [id]);

    const status = async (userId: string) =>
      (
        await fetch(`${base}/uploads/${id}`, {
          headers: { authorization: `Bearer ${await tokenFor(deps, userId)}` },
        })
      ).status;
    const other = await f.createMarketplace();
    const neighbour = await f.createResident({ community: market.community });
    const ops = await f.createPropertyUser(market.community.companyId, 'property_ops');
    expect(await status(market.resident.id)).toBe(200);
    expect(await status(market.owner.id)).toBe(200);
    expect(await status(worker.id)).toBe(200);
    expect(await status(neighbour.id)).toBe(404);
    expect(await status(other.resident.id)).toBe(404);
    expect(await status(other.owner.id)).toBe(404);
    expect(await status(ops.id)).toBe(404);
    expect((await fetch(`${base}/uploads/${id}`)).status).toBe(401);
    expect(
      (
        await fetch(`${base}/uploads/not-a-uuid`, {
          headers: { authorization: `Bearer ${workerToken}` },
        })
      ).status,
    ).toBe(404);

    // The resident disputes the finished work (the dispute flow itself is tested with the orders).
    await deps.db.insert(orderDisputes).values({ orderId: order.id, reason: '没打扫干净' });
    expect(await status(ops.id)).toBe(200);
    const otherOps = await f.createPropertyUser(other.community.companyId, 'property_ops');
    expect(await status(otherOps.id)).toBe(404);

    // Once attached, a photo cannot be attached again or by someone else.
    await expect(attachPhotos(deps.db, worker.id, order.id, [id])).rejects.toThrow(
      /not uploaded by you/,
    );
  });
});
