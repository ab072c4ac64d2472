/** Runs the API alone (for scaling the API out separately from the job workers). */
import { runProcess } from './process';
import { mountPaymentRoutes } from './modules/payments/webhook.routes';
import { startApiServer } from './server';

await runProcess('api', async ({ deps, env }) => {
  const api = await startApiServer(deps, env.PORT, { mount: mountPaymentRoutes(deps) });
  deps.logger.info({ port: api.port, url: env.PUBLIC_URL }, 'API listening');
  return [api.close];
});
