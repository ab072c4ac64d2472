import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import { createExpressContext } from './context';
import type { AppDeps } from './deps';
import { healthRoutes } from './health';
import { appRouter } from './router';
import { spaRoutes } from './static';

/** Largest request body the API reads; anything bigger is refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

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
  const https = deps.env.PUBLIC_URL.startsWith('https:');
  app.use(
    helmet({
      // HSTS and upgrading requests only make sense when the platform is served over TLS.
      strictTransportSecurity: https,
      contentSecurityPolicy: {
        directives: {
          'upgrade-insecure-requests': https ? [] : null,
          // Vant and Element Plus set inline styles; no inline scripts are ever needed.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'form-action': ["'self'", 'http:', 'https:'],
        },
      },
    }),
  );

  app.use(healthRoutes(deps));
  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: createExpressContext(deps),
      maxBodySize: MAX_BODY_BYTES,
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
    (error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
      if (status === 500) deps.logger.error({ err: error }, 'unhandled error');
      res
        .status(status)
        .json({ error: { message: status === 500 ? 'Internal error' : error.message } });
    },
  );
  return app;
}
