import type { Express } from 'express';
import type { AppDeps } from './deps';
import { consoleRoutes } from './modules/console/console.routes';
import { mountPaymentRoutes } from './modules/payments/webhook.routes';
import { statementExportRoutes } from './modules/settlement/statement-export.routes';
import { uploadRoutes } from './modules/uploads/uploads.routes';

/**
 * The platform's plain HTTP routes beside tRPC: the Stripe webhook, the console's CSV exports,
 * a merchant's statement CSV, photo uploads and the queue dashboard. One place, so every process that serves the API serves all of them.
 */
export function platformRoutes(deps: AppDeps) {
  const consoleHttp = consoleRoutes(deps);
  return {
    mount: (app: Express) => {
      mountPaymentRoutes(deps)(app);
      consoleHttp.mount(app);
      app.use(statementExportRoutes(deps));
      app.use(uploadRoutes(deps));
    },
    close: consoleHttp.close,
  };
}
