import { photoStoreFor, platformRoutes, seedDemo, startApiServer, type ApiServer } from '@cgp/api';
import { createPaymentTestDeps, type PaymentTestDeps } from '@cgp/api/testing';
import { startJobs, type Jobs } from '@cgp/jobs';
import { createServer } from 'node:net';
import { startWebhookGate, type WebhookGate } from './webhook-gate';
import { ensureAppBuilt } from './app-build';

export interface Platform {
  /** Where the API and the built resident app answer, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  deps: PaymentTestDeps;
  /** The sandbox's webhooks pass through here; `hold()` delays them. */
  webhooks: WebhookGate;
  close(): Promise<void>;
}

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The whole platform in this process, as `npm start` runs it: a database of its own seeded with
 * SPEC §10's demo; the API serving the built resident app at `/` with the platform's HTTP routes (the Stripe
 * webhook, CSV exports, the queue dashboard);
 * the payment sandbox (its hosted Checkout page has the Pay and Fail buttons) delivering signed
 * webhooks to that API over HTTP, through a gate a test can hold; and the job workers (refunds,
 * order timers).
 *
 * `history` seeds the demo's 60 days of past orders as on a first start (most tests count from an
 * empty past and leave it out).
 *
 * The port is chosen before start-up because PUBLIC_URL is where Checkout sends the browser back.
 */
export async function startPlatform(options: { history?: boolean } = {}): Promise<Platform> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const [deps] = await Promise.all([
    createPaymentTestDeps({ PORT: String(port), PUBLIC_URL: baseUrl }),
    ensureAppBuilt('web'),
  ]);
  const routes = platformRoutes(deps);
  let server: ApiServer | undefined;
  let webhooks: WebhookGate | undefined;
  let jobs: Jobs | undefined;
  try {
    await seedDemo(deps.db, { history: options.history, photos: photoStoreFor(deps.env) });
    server = await startApiServer(deps, port, { mount: routes.mount });
    webhooks = await startWebhookGate(`${baseUrl}/webhooks/stripe`);
    await deps.sandbox.addWebhookEndpoint({ url: webhooks.url });
    jobs = await startJobs(deps);
  } catch (error) {
    await webhooks?.close();
    await server?.close();
    await routes.close();
    await deps.teardown();
    throw error;
  }
  const running = { server, webhooks, jobs };
  return {
    baseUrl,
    deps,
    webhooks,
    async close() {
      await running.jobs.close();
      await running.server.close();
      await routes.close();
      await deps.teardown();
      await running.webhooks.close();
    },
  };
}
