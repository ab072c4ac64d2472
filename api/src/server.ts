import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createApp, type AppOptions } from './app';
import type { AppDeps } from './deps';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
export const MERCHANT_DIST = fileURLToPath(new URL('../../merchant-portal/dist', import.meta.url));

export interface ApiServer {
  server: Server;
  port: number;
  close: () => Promise<void>;
}

/** Listens on `port` (0 picks a free one) and serves the API and both built frontends. */
export async function startApiServer(
  deps: AppDeps,
  port: number,
  options: AppOptions = {},
): Promise<ApiServer> {
  const server = createApp(deps, { webDist: WEB_DIST, merchantDist: MERCHANT_DIST, ...options });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept backlog: bursts of connections (a flash sale of slots) queue instead of resetting.
    server.listen({ port, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Keep-alive sockets would hold close() open; end idle ones so shutdown is prompt.
  server.keepAliveTimeout = 5_000;
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        // Live streams (the merchant queue's SSE) never go idle: end them after a short grace;
        // clients reconnect to another instance and resume from their last event id.
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      }),
  };
}
