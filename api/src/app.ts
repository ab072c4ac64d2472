import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import { createExpressContext } from './context';
import type { AppDeps } from './deps';
import { internalErrorMessage } from './errors';
import { healthRoutes } from './health';
import { SESSION_COOKIE } from './modules/identity/session.service';
import { trpcRequestGuard } from './own-site';
import { securityHeaders } from './security-headers';
import { appRouter } from './router';
import { spaRoutes } from './static';

/** Largest request body the API reads; anything bigger is refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Most calls one tRPC batch may carry; a larger batch is refused whole. Every limit still
 * counts each call of a batch (a batch of logins reserves a guess per call).
 */
export const MAX_BATCH_CALLS = 50;

export interface AppOptions {
  /** Built resident app (served at `/`, with the console at `/console`). */
  webDist?: string;
  /** Built merchant portal (served at `/merchant/`). */
  merchantDist?: string;
  /** Extra routes mounted before the frontends (webhooks, the payment sandbox, dashboards). */
  mount?: (app: Express) => void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function createApp(deps: AppDeps, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id =
          typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );
  app.use(securityHeaders(deps.env.PUBLIC_URL));

  app.use(healthRoutes(deps));
  app.use(
    '/trpc',
    trpcRequestGuard(deps.env.PUBLIC_URL, SESSION_COOKIE),
    createExpressMiddleware({
      router: appRouter,
      createContext: createExpressContext(deps),
      maxBodySize: MAX_BODY_BYTES,
      maxBatchSize: MAX_BATCH_CALLS,
      onError: ({ error, path, ctx }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          deps.logger.error(
            { err: error.cause ?? error, path, requestId: ctx?.requestId },
            'procedure failed',
          );
        }
      },
    }),
  );
  options.mount?.(app);

  const merchant = options.merchantDist ? spaRoutes(options.merchantDist) : null;
  if (merchant) app.use('/merchant', merchant);
  const web = options.webDist ? spaRoutes(options.webDist) : null;
  if (web) app.use('/', web);

  app.use((_req, res) => {
    res.status(404).json({ error: { message: 'Not found' } });
  });
  // Errors that escape a route (a malformed body, say) still get a JSON answer and never a stack.
  app.use(
    (error: Error & { status?: number }, req: Request, res: Response, _next: NextFunction) => {
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
      const requestId = typeof req.id === 'string' ? req.id : undefined;
      if (status === 500) deps.logger.error({ err: error, requestId }, 'unhandled error');
      if (res.headersSent) return;
      // A parser's 4xx says what was wrong with the body; anything else says nothing but the id.
      res.status(status).json({
        error: {
          message:
            status === 500
              ? internalErrorMessage(requestId)
              : (error as { expose?: boolean }).expose === false
                ? 'The request could not be read'
                : error.message,
          requestId,
        },
      });
    },
  );
  return app;
}
