import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import type { z } from 'zod';
import { invalidRequest, SandboxError, unauthorized } from './errors';
import type { RequestInfo } from './events';
import { expandObject } from './expand';
import {
  claimIdempotencyKey,
  fingerprintParams,
  hashApiKey,
  recordIdempotentResponse,
  type IdempotentRequest,
} from './idempotency';
import { newId } from './ids';
import { parseForm, parseParams } from './params';
import { transaction, type Queryable } from './store';

export interface ApiContext {
  /** The transaction of a POST, or the pool for a GET. */
  db: Queryable;
  /** Recorded on the events the request causes. */
  request: RequestInfo;
  /** Route parameters, e.g. the `:id` of `/transfers/:id`. */
  path: Record<string, string>;
}

type Handler<S extends z.ZodType, R> = (ctx: ApiContext, params: z.output<S>) => Promise<R>;

/** The `/v1` API; paths are given relative to it. */
export interface ApiRoutes {
  router: Router;
  /** A state change: one transaction, claimed idempotency key included. */
  post<S extends z.ZodType, R>(path: string, schema: S, handler: Handler<S, R>): void;
  get<S extends z.ZodType, R>(path: string, schema: S, handler: Handler<S, R>): void;
}

export interface ApiDeps {
  pool: pg.Pool;
  secretKey: string;
  /** Runs after every committed POST, e.g. to send the webhooks it queued. */
  afterCommit: () => void;
}

interface Locals {
  requestId: string;
  apiKey: string;
}

function locals(res: Response): Locals {
  return res.locals as Locals;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function redactKey(key: string): string {
  return `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

/** Bearer auth as Stripe does it; Basic with the key as user name works too, as with `curl -u`. */
export function authenticate(secretKey: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const [scheme = '', credential = ''] = header.split(' ', 2);
    let key = '';
    if (/^bearer$/i.test(scheme)) key = credential.trim();
    if (/^basic$/i.test(scheme))
      key = Buffer.from(credential, 'base64').toString().split(':')[0] ?? '';
    if (!key) {
      throw unauthorized(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    if (!sameSecret(key, secretKey))
      throw unauthorized(`Invalid API Key provided: ${redactKey(key)}`);
    locals(res).apiKey = key;
    next();
  };
}

function rawParams(req: Request): Record<string, unknown> {
  if (req.method === 'GET') {
    const query = req.originalUrl.split('?')[1] ?? '';
    return parseForm(query);
  }
  return typeof req.body === 'string' ? parseForm(req.body) : {};
}

function expandOf(params: unknown): string[] {
  const expand = (params as { expand?: unknown }).expand;
  return Array.isArray(expand) ? expand.map(String) : [];
}

export function createApiRoutes(deps: ApiDeps): ApiRoutes {
  const router = express.Router();
  router.use((req, res, next) => {
    const id = newId('req', 14);
    locals(res).requestId = id;
    res.setHeader('Request-Id', id);
    next();
  });
  router.use(authenticate(deps.secretKey));
  router.use(express.text({ type: 'application/x-www-form-urlencoded', limit: '256kb' }));
  router.use((req, _res, next) => {
    // The sandbox has one platform account; acting as a connected account is not modelled.
    if (req.get('stripe-account')) {
      throw invalidRequest('The payment sandbox does not support the Stripe-Account header.', {
        param: 'Stripe-Account',
      });
    }
    next();
  });

  function context(req: Request, res: Response, db: Queryable): ApiContext {
    const key = req.method === 'POST' ? (req.get('idempotency-key') ?? null) : null;
    return {
      db,
      request: { id: locals(res).requestId, idempotency_key: key },
      path: req.params as Record<string, string>,
    };
  }

  return {
    router,
    get(path, schema, handler) {
      router.get(path, async (req, res) => {
        const raw = rawParams(req);
        const params = parseParams(schema, raw);
        const result = await handler(context(req, res, deps.pool), params);
        res.json(await expandObject(deps.pool, result, expandOf(raw)));
      });
    },
    post(path, schema, handler) {
      router.post(path, async (req, res) => {
        const raw = rawParams(req);
        const params = parseParams(schema, raw);
        const key = req.get('idempotency-key');
        const idempotent: IdempotentRequest | null = key
          ? {
              apiKeyHash: hashApiKey(locals(res).apiKey),
              key,
              method: req.method,
              path: req.originalUrl.split('?')[0]!,
              fingerprint: fingerprintParams(raw),
              requestId: locals(res).requestId,
            }
          : null;
        const requestId = locals(res).requestId;
        const outcome = await transaction(deps.pool, async (tx) => {
          const stored = idempotent ? await claimIdempotencyKey(tx, idempotent) : null;
          if (stored) return { ...stored, replayed: true };
          // Execution begins here: from now on its first answer, a refusal included, is what the
          // key replays for 24 hours, as Stripe does. The refusal's partial work is undone first.
          await tx.query('SAVEPOINT execution');
          try {
            const result = await handler(context(req, res, tx), params);
            const body = await expandObject(tx, result, expandOf(raw));
            if (idempotent) await recordIdempotentResponse(tx, idempotent, 200, body);
            return { status: 200, body, requestId, replayed: false };
          } catch (error) {
            if (!idempotent || !(error instanceof SandboxError)) throw error;
            await tx.query('ROLLBACK TO SAVEPOINT execution');
            const body = error.toBody();
            await recordIdempotentResponse(tx, idempotent, error.status, body);
            return { status: error.status, body, requestId, replayed: false };
          }
        });
        deps.afterCommit();
        if (outcome.replayed) {
          res.setHeader('Idempotent-Replayed', 'true');
          res.setHeader('Original-Request', outcome.requestId);
        }
        res.status(outcome.status).json(outcome.body);
      });
    },
  };
}
