import type { AppRouter } from '@cgp/api/client';
import { createTRPCClient, httpBatchLink } from '@trpc/client';

/**
 * The one tRPC client of the resident app. Plain JSON (the API has no transformer): timestamps
 * arrive as ISO strings and money as integer fen. The session travels in the httpOnly cookie.
 */
export const trpc = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: '/trpc',
      // The API refuses batches of more than 50 calls (MAX_BATCH_CALLS); stay well under.
      maxItems: 20,
      fetch: (url, options) => fetch(url, { ...options, credentials: 'include' }),
    }),
  ],
});
