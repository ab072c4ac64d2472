import { QueryCache, QueryClient } from '@tanstack/vue-query';
import { isApiError } from './errors';

/**
 * The portal's query cache. Answers that say the request was wrong (4xx) are final; only failures
 * to reach the API, or its 5xx, are retried.
 */
export function createQueryClient(onError: (error: unknown, queryKey: readonly unknown[]) => void) {
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => onError(error, query.queryKey) }),
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
}
