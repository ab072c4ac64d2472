import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/** `/trpc`, `/trpc/…` and `/trpc?…`, in any case: what express's `app.use('/trpc')` matched. */
const TRPC_PATH = /^\/trpc(?:[/?]|$)/i;

/**
 * The API as an HTTP server, not yet listening. `/trpc` is served by tRPC's node-http handler
 * straight from the server, so a procedure call skips express's router and the middleware stack
 * built for pages and webhooks; it still gets the same request log, request id, security headers
 * and origin guard, and express's request and response helpers (`req.ip` behind the trusted
 * proxy, `res.cookie`). Everything else goes to the express app.
 */
export function createApp(deps: AppDeps, options: AppOptions = {}): Server {
  const logRequest = requestLogger(deps);
  const headers = securityHeaders(deps.env.PUBLIC_URL);
  const answerError = errorAnswer(deps);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(logRequest);
  app.use(headers);
  app.use(healthRoutes(deps));
  options.mount?.(app);

  const merchant = options.merchantDist ? spaRoutes(options.merchantDist) : null;
  if (merchant) app.use('/merchant', merchant);
  const web = options.webDist ? spaRoutes(options.webDist) : null;
  if (web) app.use('/', web);

  app.use((_req, res) => {
    res.status(404).json({ error: { message: 'Not found' } });
  });
  // Errors that escape a route (a malformed body, say) still get a JSON answer and never a stack.
  app.use((error: Error, req: Request, res: Response, _next: NextFunction) =>
    answerError(error, req, res),
  );

  const guard = trpcRequestGuard(deps.env.PUBLIC_URL, SESSION_COOKIE);
  const createContext = createExpressContext(deps);
  const serveTrpc = (req: Request, res: Response) => {
    // What the express adapter took as the procedure path: the last segment below `/trpc`.
    const below = req.url.split('?', 1)[0]!.slice('/trpc'.length);
    void nodeHTTPRequestHandler({
      req,
      res,
      path: below.slice(below.lastIndexOf('/') + 1),
      router: appRouter,
      createContext,
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
    });
  };

  return createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    if (!TRPC_PATH.test(incoming.url ?? '')) {
      app(incoming, outgoing);
      return;
    }
    // What express's app.handle and router do before a middleware runs, so its helpers work on
    // this request and the request log reads as before.
    const req = Object.setPrototypeOf(incoming, app.request) as Request;
    const res = Object.setPrototypeOf(outgoing, app.response) as Response;
    req.res = res;
    res.req = req;
    req.originalUrl = req.url;
    req.params = {};
    try {
      logRequest(req, res);
      headers(req, res, () => guard(req, res, () => serveTrpc(req, res)));
    } catch (error) {
      answerError(error as Error, req, res);
    }
  });
}

/** One log line per request, with the request id it takes from `X-Request-Id` or makes. */
function requestLogger(deps: AppDeps) {
  return pinoHttp({
    logger: deps.logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (req) => req.url === '/healthz' },
  });
}

/** The answer to an error no route handled: a parser's 4xx says what was wrong, a 500 only the id. */
function errorAnswer(deps: AppDeps) {
  return (error: Error & { status?: number }, req: Request, res: Response) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    const requestId = typeof req.id === 'string' ? req.id : undefined;
    if (status === 500) deps.logger.error({ err: error, requestId }, 'unhandled error');
    if (res.headersSent) return;
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
  };
}
