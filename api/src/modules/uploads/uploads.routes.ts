import busboy from 'busboy';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { isMerchantStaff, isResident } from '../identity/actor';
import { requireSession } from '../identity/http-session';
import { photoStoreFor } from './photo-store';
import { PhotoRefused } from './process-photo';
import { savePhoto, visiblePhoto } from './uploads.service';

/**
 * A cookie-authenticated upload must come from a page of ours: the browser's Origin names it.
 * Bearer clients (the mini-program) carry no ambient credentials, so they need no such check.
 */
function fromOwnOrigin(req: Request, publicUrl: string): boolean {
  if (/^Bearer\s/i.test(req.headers.authorization ?? '')) return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  return origin === new URL(publicUrl).origin || origin === `${req.protocol}://${req.get('host')}`;
}

class TooLarge extends Error {}

/** The one file of a multipart request, at most `limit` bytes; null when there is none. */
function readOneFile(req: Request, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    let parser;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: limit, fields: 5, parts: 6 },
      });
    } catch {
      resolve(null);
      return;
    }
    let file: Promise<Buffer | null> = Promise.resolve(null);
    parser.on('file', (_name, stream) => {
      file = new Promise((done, fail) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('limit', () => fail(new TooLarge()));
        stream.on('end', () => done(Buffer.concat(chunks)));
        stream.on('error', fail);
      });
      file.catch(() => stream.resume());
    });
    parser.on('error', () => resolve(null));
    parser.on('close', () => {
      file.then(resolve, reject);
    });
    req.pipe(parser);
  });
}

const refuse = (res: Response, status: number, message: string, reason: string) => {
  res.status(status).json({ error: { message, reason } });
};

/**
 * `POST /uploads` (multipart, one file: a photo) answering `{id, url}`, and `GET /uploads/:id`
 * for the people who may see it. Used for finished work, reviews and dispute evidence.
 */
export function uploadRoutes(deps: AppDeps): Router {
  const routes = express.Router();
  const store = photoStoreFor(deps.env);
  const maxMb = Math.round(deps.env.UPLOAD_MAX_BYTES / 1024 / 1024);

  routes.post(
    '/uploads',
    (req, res, next) => {
      if (fromOwnOrigin(req, deps.env.PUBLIC_URL)) return next();
      refuse(res, 403, 'Uploads are accepted from this site only', 'cross_origin');
    },
    requireSession(
      deps,
      (a) => isResident(a) || isMerchantStaff(a),
      'Only residents and merchant staff upload photos',
    ),
    async (req: Request, res: Response) => {
      if (!req.is('multipart/form-data')) {
        refuse(res, 415, 'Send the photo as multipart/form-data', 'not_multipart');
        return;
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > deps.env.UPLOAD_MAX_BYTES + 64 * 1024) {
        refuse(res, 413, `A photo may be at most ${maxMb} MB`, 'photo_too_large');
        req.resume();
        return;
      }
      let body: Buffer | null;
      try {
        body = await readOneFile(req, deps.env.UPLOAD_MAX_BYTES);
      } catch (error) {
        if (!(error instanceof TooLarge)) throw error;
        refuse(res, 413, `A photo may be at most ${maxMb} MB`, 'photo_too_large');
        return;
      }
      if (!body?.length) {
        refuse(res, 400, 'Choose a photo to upload', 'no_file');
        return;
      }
      try {
        res.status(201).json(await savePhoto(deps.db, store, req.actor!, body));
      } catch (error) {
        if (!(error instanceof PhotoRefused)) throw error;
        refuse(res, error.status, error.message, error.reason);
      }
    },
  );

  routes.get(
    '/uploads/:id',
    requireSession(deps, () => true, ''),
    async (req: Request, res: Response) => {
      const id = z.string().uuid().safeParse(req.params.id);
      const photo = id.success ? await visiblePhoto(deps.db, req.actor!, id.data) : null;
      const body = photo ? await store.get(photo.storageKey) : null;
      if (!photo || !body) {
        refuse(res, 404, 'No such photo', 'not_found');
        return;
      }
      res.setHeader('Content-Type', photo.mime);
      res.setHeader('Cache-Control', 'private, max-age=86400');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'");
      res.send(body);
    },
  );
  return routes;
}
