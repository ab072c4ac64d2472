import type { RouterOutputs } from '@cgp/api/client';
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/vue-query';
import { trpc } from '@cgp/kit/api';

type MessagePage = RouterOutputs['me']['messages']['list'];
export type Message = MessagePage['items'][number];

export const messagesQueryKey = ['messages'] as const;
const unreadQueryKey = [...messagesQueryKey, 'unread'] as const;
const listQueryKey = [...messagesQueryKey, 'list'] as const;

/** My messages (站内消息), newest first, a page at a time. */
export function useMessageList() {
  return useInfiniteQuery({
    queryKey: listQueryKey,
    queryFn: ({ pageParam }) => trpc.me.messages.list.query({ cursor: pageParam, limit: 30 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
}

/** The badge: how many messages I have not read. The live feed refreshes it as orders move. */
export function useUnreadCount(enabled: () => boolean) {
  return useQuery({
    queryKey: unreadQueryKey,
    queryFn: async () => (await trpc.me.messages.unread.query()).unread,
    enabled,
    staleTime: 30_000,
  });
}

/** Marks some messages (or all) read; the badge takes the server's new count at once. */
export function useReadMessages() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { ids: string[] } | { all: true }) => trpc.me.messages.read.mutate(input),
    // Shown read at once, so coming back from the order finds it so.
    onMutate: (input) => {
      const read = (m: Message) => 'all' in input || input.ids.includes(m.id);
      queryClient.setQueryData<InfiniteData<MessagePage>>(listQueryKey, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                items: page.items.map((m) => (read(m) ? { ...m, read: true } : m)),
              })),
            }
          : data,
      );
    },
    onSuccess: ({ unread }) => {
      queryClient.setQueryData(unreadQueryKey, unread);
      void queryClient.invalidateQueries({ queryKey: listQueryKey });
    },
  });
}
