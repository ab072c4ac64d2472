/** Runs the API alone (for scaling the API out separately from the job workers). */
import { platformRoutes } from './http-routes';
import { runProcess } from './process';
import { startApiServer } from './server';

await runProcess('api', async ({ deps, env }) => {
  const routes = platformRoutes(deps);
  const api = await startApiServer(deps, env.PORT, { mount: routes.mount });
  deps.logger.info({ port: api.port, url: env.PUBLIC_URL }, 'API listening');
  return [routes.close, api.close];
});
