import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type pg from 'pg';
import type { Logger } from '../../logger';
import { securityHeaders } from '../../security-headers';
import { authenticate, createApiRoutes } from './api';
import { balanceRoutes } from './balance';
import { checkoutRoutes } from './checkout.routes';
import { connectRoutes } from './connect.routes';
import { disputeRoutes } from './disputes.routes';
import { internalError, invalidRequest, SandboxError } from './errors';
import { eventRoutes } from './events.routes';
import { faultRuleSchema, type FaultInjector } from './faults';
import { hostedRoutes } from './hosted.routes';
import { parseParams } from './params';
import { refundRoutes } from './refunds.routes';
import { transferRoutes } from './transfers.routes';

export interface SandboxAppDeps {
  pool: pg.Pool;
  secretKey: string;
  publicUrl: string;
  faults: FaultInjector;
  logger: Logger;
  /** Runs after each committed change, to send the webhooks it queued without waiting for a poll. */
  afterCommit: () => void;
}

/** `/__sandbox/faults`: arm, list and clear faults over HTTP, for tests in another process. */
function faultRoutes(deps: SandboxAppDeps) {
  const router = express.Router();
  router.use(authenticate(deps.secretKey));
  router.use(express.json({ limit: '4kb' }), express.urlencoded({ extended: false, limit: '4kb' }));
  router.post('/faults', (req, res) => {
    res.status(201).json(deps.faults.inject(parseParams(faultRuleSchema, req.body ?? {})));
  });
  router.get('/faults', (_req, res) => {
    res.json({ object: 'list', data: deps.faults.list() });
  });
  router.delete('/faults', (_req, res) => {
    deps.faults.clear();
    res.status(204).end();
  });
  return router;
}

export function createSandboxApp(deps: SandboxAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Its hosted pages take card payments and onboarding: the same headers as the platform's own.
  app.use(securityHeaders(deps.publicUrl));

  app.use('/__sandbox', faultRoutes(deps));
  app.use(deps.faults.middleware);

  const api = createApiRoutes(deps);
  checkoutRoutes(api, deps.publicUrl);
  refundRoutes(api);
  connectRoutes(api, deps.publicUrl);
  transferRoutes(api);
  balanceRoutes(api);
  disputeRoutes(api);
  eventRoutes(api);
  app.use('/v1', api.router);
  app.use(hostedRoutes(deps.pool, deps.afterCommit));

  app.use((req, res) => {
    const error = invalidRequest(
      `Unrecognized request URL (${req.method}: ${req.path}). The payment sandbox implements only the part of the Stripe API the platform uses.`,
    );
    res.status(404).json(error.toBody());
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    let refusal: SandboxError;
    if (error instanceof SandboxError) {
      refusal = error;
    } else {
      const status = (error as { status?: number }).status;
      const sqlState = (error as { code?: unknown }).code;
      if (typeof sqlState === 'string' && sqlState.startsWith('22')) {
        // PostgreSQL refused a value as data (a NUL byte in an id, say): a bad parameter, as Stripe
        // would answer it, never a server error.
        refusal = invalidRequest(
          'Invalid request: a parameter holds characters that are not allowed.',
        );
      } else if (status && status >= 400 && status < 500) {
        // A body the parsers refused (too large, malformed JSON): the client's fault, not ours.
        refusal = new SandboxError(
          status,
          'invalid_request_error',
          `Invalid request: ${(error as Error).message}`,
        );
      } else {
        deps.logger.error(
          { err: error, method: req.method, path: req.path },
          'payment sandbox: request failed',
        );
        refusal = internalError();
      }
    }
    if (res.headersSent) return;
    res.status(refusal.status).json(refusal.toBody());
  });
  return app;
}
