import { QueryCache, QueryClient } from '@tanstack/vue-query';
import type { Router } from 'vue-router';
import { meQueryKey } from './auth';
import { isApiError, isUnauthorized } from './errors';

/**
 * An app's query cache. Answers that say the request was wrong (4xx) are final; only failures to
 * reach the API, or its 5xx, are retried. A session that ends mid-visit (expired, revoked
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
      queries: {
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
