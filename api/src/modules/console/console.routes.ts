import type { Express } from 'express';
import type { AppDeps } from '../../deps';
import { exportRoutes } from './export.routes';
import { queueDashboard } from './queues.routes';

/**
 * The console's plain HTTP routes — CSV exports and the queue dashboard — for `createApp`'s
 * `mount` option: `startApiServer(deps, port, { mount: console.mount })`, and `close()` on shutdown.
 */
export function consoleRoutes(deps: AppDeps) {
  const dashboard = queueDashboard(deps);
  return {
    mount: (app: Express) => {
      app.use(exportRoutes(deps));
      app.use(dashboard.routes);
    },
    close: dashboard.close,
  };
}
