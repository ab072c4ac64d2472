import type { AppRouter } from '@cgp/api/client';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';

const url = '/trpc';

/**
 * The one tRPC client of every app. Plain JSON (the API has no transformer): timestamps arrive as
 * ISO strings and money as integer fen. Subscriptions (live queues, order updates) go over
 * server-sent events, everything else over batched HTTP; the session travels in the httpOnly
 * cookie.
 */
export const trpc = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url, eventSourceOptions: { withCredentials: true } }),
      false: httpBatchLink({
        url,
        // The API refuses batches of more than 50 calls (MAX_BATCH_CALLS); stay well under.
        maxItems: 20,
        fetch: (input, init) => fetch(input, { ...init, credentials: 'include' }),
      }),
    }),
  ],
});
