/** Runs the API alone (for scaling the API out separately from the job workers). */
import { runProcess } from './process';
import { startApiServer } from './server';

await runProcess('api', async ({ deps, env }) => {
  const api = await startApiServer(deps, env.PORT);
  deps.logger.info({ port: api.port, url: env.PUBLIC_URL }, 'API listening');
  return [api.close];
});
