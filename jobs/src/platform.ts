/**
 * `npm start`: the whole platform in one process — API, webhooks, both frontends and the job
 * workers on one port. In production run `api/src/main.ts` and `jobs/src/main.ts` separately.
 */
import { platformRoutes, runProcess, startApiServer, startupBanner } from '@cgp/api';
import { startJobs } from './start';

await runProcess('platform', async ({ deps, env }) => {
  const routes = platformRoutes(deps);
  const api = await startApiServer(deps, env.PORT, { mount: routes.mount });
  const jobs = await startJobs(deps);
  deps.logger.info(
    {
      resident: env.PUBLIC_URL,
      merchant: `${env.PUBLIC_URL}/merchant/`,
      console: `${env.PUBLIC_URL}/console`,
    },
    '社区共富平台 is running',
  );
  if (process.stdout.isTTY) {
    process.stdout.write(
      startupBanner({
        publicUrl: env.PUBLIC_URL,
        sandboxUrl: deps.payments?.sandbox?.url ?? null,
        demo: env.DEMO,
      }),
    );
  }
  return [routes.close, api.close, jobs.close];
});
