import { QueryCache, QueryClient } from '@tanstack/vue-query';
import type { Router } from 'vue-router';
import { meQueryKey } from './auth';
import { isApiError, isUnauthorized } from './errors';

/**
 * An app's query cache. Answers that say the request was wrong (4xx) are final; only failures to
 * reach the API, or its 5xx, are retried. Requests are sent even when the browser believes it is
 * offline (`networkMode: 'always'`): a request that cannot go out fails and the page says so with
 * a retry, instead of waiting silently and going out by itself when the network returns — a
 * booking must never be made behind the user's back. A session that ends mid-visit (expired, revoked
 * elsewhere) sends the user to sign in again and forgets what the cache held for them; the route
 * guard deals with `auth.me` itself, and public pages stay where they are.
 */
export function createQueryClient(router: () => Router, loginRoute = 'login'): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!isUnauthorized(error) || query.queryKey[0] === meQueryKey[0]) return;
        const current = router().currentRoute.value;
        if (current.meta.public) return;
        queryClient.clear();
        void router().replace({ name: loginRoute, query: { redirect: current.fullPath } });
      },
    }),
    defaultOptions: {
      mutations: { networkMode: 'always' },
      queries: {
        networkMode: 'always',
        staleTime: 30_000,
        retry: (failureCount, error) => {
          const status = isApiError(error) ? error.data?.httpStatus : undefined;
          return failureCount < 2 && !(status && status >= 400 && status < 500);
        },
      },
    },
  });
  return queryClient;
}
