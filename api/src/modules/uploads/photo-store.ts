import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Env } from '../../env';

/** Where photo bytes live. Keys are made by the platform (`2026/11/<uuid>.png`), never by users. */
export interface PhotoStore {
  put(key: string, body: Buffer, mime: string): Promise<void>;
  /** The bytes, or null when the store has no such key. */
  get(key: string): Promise<Buffer | null>;
}

function localStore(root: string): PhotoStore {
  const pathOf = (key: string) => resolve(root, key);
  return {
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body, { flag: 'wx' });
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
  };
}

function s3Store(env: Env & { S3_BUCKET: string }): PhotoStore {
  const client = new S3Client({
    region: env.S3_REGION,
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT, forcePathStyle: true } : {}),
  });
  return {
    async put(key, body, mime) {
      await client.send(
        new PutObjectCommand({ Bucket: env.S3_BUCKET, Key: key, Body: body, ContentType: mime }),
      );
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: env.S3_BUCKET, Key: key }));
        return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : null;
      } catch (error) {
        if (error instanceof NoSuchKey) return null;
        throw error;
      }
    },
  };
}

const stores = new Map<string, PhotoStore>();

/** The configured store: S3-compatible when `S3_BUCKET` is set, else the local `UPLOAD_DIR`. */
export function photoStoreFor(env: Env): PhotoStore {
  const id = env.S3_BUCKET
    ? `s3:${env.S3_ENDPOINT ?? ''}:${env.S3_BUCKET}`
    : `dir:${env.UPLOAD_DIR}`;
  let store = stores.get(id);
  if (!store) {
    store = env.S3_BUCKET
      ? s3Store({ ...env, S3_BUCKET: env.S3_BUCKET })
      : localStore(env.UPLOAD_DIR);
    stores.set(id, store);
  }
  return store;
}
